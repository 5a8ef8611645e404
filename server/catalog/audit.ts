/**
 * The audit log: who read, saved, shared, unshared and deleted what, and every refused access.
 * It is the `audit` table of the catalog, so a change and its audit line commit in one transaction
 * (an acknowledged save is audited, and an audited save happened), and it survives `kill -9` like
 * the rest of the catalog. Triggers make it append-only: nothing, not even the gateway, can change
 * or delete a line.
 */
import { qualifiedName, type AuditAction, type AuditEntry, type ObjectKind } from '../../protocol';
import type { Principal } from './access';
import type { ObjectRecord } from './records';
import { now, type Db } from './store';

export interface AuditRecord {
  /** Who; null for a connection refused at the door. */
  principal: Principal | null;
  action: AuditAction;
  object?: ObjectRecord;
  version?: number;
  detail?: Record<string, unknown>;
  /** When there is no principal (or it has no connection). */
  remoteAddress?: string;
}

export interface AuditFilter {
  user?: string;
  since?: string;
  until?: string;
  action?: AuditAction;
  object?: string;
  limit: number;
}

interface AuditRow {
  id: number;
  at: string;
  user_name: string | null;
  action: AuditAction;
  kind: ObjectKind | null;
  object_name: string | null;
  version: number | null;
  detail: string | null;
  remote_address: string | null;
}

/** Audit times are compared as text: always UTC with milliseconds, like now(). */
function normalizeTime(text: string): string {
  return new Date(text).toISOString();
}

export class AuditLog {
  constructor(private readonly db: Db) {}

  /** Appends lines in one transaction (one write to disk). */
  recordAll(entries: readonly AuditRecord[]): void {
    if (entries.length === 0) return;
    this.db.transaction(() => {
      for (const entry of entries) this.record(entry);
    })();
  }

  /** Appends a line, inside the caller's transaction when there is one. */
  record(entry: AuditRecord): void {
    const object = entry.object;
    this.db
      .prepare(
        `INSERT INTO audit (at, user_id, action, object_id, kind, object_name, version, detail, remote_address)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        now(),
        entry.principal?.userId ?? null,
        entry.action,
        object?.id ?? null,
        object?.kind ?? null,
        object ? qualifiedName(object.namespace, object.name) : null,
        entry.version ?? null,
        entry.detail ? JSON.stringify(entry.detail) : null,
        entry.principal?.via?.remoteAddress ?? entry.remoteAddress ?? null,
      );
  }

  /**
   * Lines matching the filter, oldest first, at most `limit`, and whether more matched: from
   * `since` on when it is given (page on with the last line's time), else the most recent ones.
   */
  query(filter: AuditFilter): { entries: AuditEntry[]; more: boolean } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.user !== undefined) {
      where.push('u.name = ?');
      args.push(filter.user.toLowerCase());
    }
    if (filter.since !== undefined) {
      where.push('a.at >= ?');
      args.push(normalizeTime(filter.since));
    }
    if (filter.until !== undefined) {
      where.push('a.at < ?');
      args.push(normalizeTime(filter.until));
    }
    if (filter.action !== undefined) {
      where.push('a.action = ?');
      args.push(filter.action);
    }
    if (filter.object !== undefined) {
      where.push('a.object_name = ? COLLATE NOCASE');
      args.push(filter.object);
    }
    const rows = this.db
      .prepare(
        `SELECT a.id, a.at, u.name AS user_name, a.action, a.kind, a.object_name, a.version, a.detail, a.remote_address
         FROM audit a LEFT JOIN users u ON u.id = a.user_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY a.id ${filter.since === undefined ? 'DESC' : 'ASC'} LIMIT ?`,
      )
      .all(...args, filter.limit + 1) as AuditRow[];
    const more = rows.length > filter.limit;
    const kept = rows.slice(0, filter.limit);
    if (filter.since === undefined) kept.reverse();
    return { entries: kept.map(toEntry), more };
  }
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    user: row.user_name,
    action: row.action,
    ...(row.kind ? { kind: row.kind } : {}),
    ...(row.object_name ? { object: row.object_name } : {}),
    ...(row.version !== null ? { version: row.version } : {}),
    ...(row.detail ? { detail: JSON.parse(row.detail) as Record<string, unknown> } : {}),
    ...(row.remote_address ? { remoteAddress: row.remote_address } : {}),
  };
}
