/**
 * The connected sessions: who they are, and the ids admins name them by (`s1`, `s2`, … unique while
 * the gateway runs). Who hears about a change is the event hub's decision (events/hub.ts).
 */
import type { SessionInfo } from '../protocol';
import type { EventTarget } from './events/hub';

/** What the registry needs of a session. */
export interface RegisteredSession extends EventTarget {
  readonly id: string;
  readonly userId: number;
  readonly user: string;
  /** What `admin/sessions` shows. */
  describe(): SessionInfo;
  /** Stops what the session is running or has queued (an admin's cancel). */
  interrupt(): void;
  /** Closes the connection with a WebSocket close code and reason. */
  disconnect(code: number, reason: string): void;
  close(): Promise<void>;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, RegisteredSession>();
  private counter = 0;

  /** A fresh session id. */
  nextId(): string {
    return `s${++this.counter}`;
  }

  add(session: RegisteredSession): void {
    this.sessions.set(session.id, session);
  }

  remove(session: RegisteredSession): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
  }

  get size(): number {
    return this.sessions.size;
  }

  all(): RegisteredSession[] {
    return [...this.sessions.values()];
  }

  byId(id: string): RegisteredSession | undefined {
    return this.sessions.get(id);
  }

  /** Disconnects every session of a user (their token stopped working). */
  disconnectUser(userId: number, code: number, reason: string): void {
    for (const session of this.sessions.values()) if (session.userId === userId) session.disconnect(code, reason);
  }
}
