/**
 * Requests running now, gateway-wide, with the ids admins cancel them by (`q1`, `q2`, … unique
 * while the gateway runs). A session registers each request it dispatches and removes it when
 * answered.
 */
import type { RunningRequest } from '../../protocol';

export interface RunningEntry extends RunningRequest {
  sessionId: string;
  user: string;
  /** Set when an admin cancelled it: their name, for the error the client gets. */
  cancelledBy?: string;
}

/** What `admin/sessions` shows of a request: its SQL, else the name it is about, shortened. */
export function describeRequest(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as Record<string, unknown>;
  const from = p.from as Record<string, unknown> | string | undefined;
  const source = p.source as Record<string, unknown> | undefined;
  const text = [p.sql, typeof from === 'object' ? from.sql : from, p.name, source?.name, source?.id, p.path].find((v): v is string => typeof v === 'string');
  if (text === undefined) return undefined;
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export class RunningRequests {
  private readonly entries = new Map<string, RunningEntry>();
  private counter = 0;

  start(sessionId: string, user: string, method: string, what: string | undefined): RunningEntry {
    const entry: RunningEntry = { id: `q${++this.counter}`, sessionId, user, method, startedAt: new Date().toISOString(), ...(what ? { what } : {}) };
    this.entries.set(entry.id, entry);
    return entry;
  }

  finish(entry: RunningEntry): void {
    this.entries.delete(entry.id);
  }

  get(id: string): RunningEntry | undefined {
    return this.entries.get(id);
  }

  ofSession(sessionId: string): RunningRequest[] {
    return [...this.entries.values()].filter((e) => e.sessionId === sessionId).map(({ id, method, startedAt, what }) => ({ id, method, startedAt, ...(what ? { what } : {}) }));
  }

  get size(): number {
    return this.entries.size;
  }
}
