/**
 * The frames a principal may read, light: names, owner, who shared it, rows of the latest version.
 * For completion on a big team catalog: one query filters by access (access.ts `readableWhere`),
 * namespace and typed prefix, in name order, and stops at a limit, where the describer builds the
 * full info (versions, sizes, grants) of every readable object.
 */
import type { Principal } from './access';
import { readableWhere } from './access';
import type { Db } from './store';

export interface FrameName {
  namespace: string;
  /** The short name, in the case it was first saved with. */
  name: string;
  owner: string;
  /** Who shared it with the principal (a grant to them, else to one of their groups). */
  sharedBy?: string;
  rowCount: number;
  /** A readable frame of the same name in the principal's own namespace hides this one's bare name. */
  shadowed: boolean;
}

export interface FrameNameQuery {
  /** Only this namespace. */
  namespace?: string;
  /** Only short names starting with this, in any case. */
  prefix?: string;
  limit: number;
}

interface FrameNameRow {
  namespace: string;
  name: string;
  owner: string;
  shared_by: string | null;
  row_count: number | null;
  shadowed: number;
}

/** `text` as a LIKE pattern matching itself at the start (names are ASCII: LIKE's case folding is theirs). */
function startsWith(text: string): string {
  return `${text.replace(/[\\%_]/g, '\\$&')}%`;
}

const userName = (id: string): string => `coalesce((SELECT u.name FROM users u WHERE u.id = ${id}), 'user ' || ${id})`;

export class FrameNames {
  constructor(private readonly db: Db) {}

  /** Readable live frames matching `query`, by namespace and name, at most `query.limit`. */
  readable(principal: Principal, query: FrameNameQuery): FrameName[] {
    const readable = readableWhere(principal);
    const shadowReadable = readableWhere(principal, 'm');
    const groups = principal.groupIds.map(() => '?').join(', ');
    const personal = `(g.grantee_kind = 'user' AND g.grantee_id = ?)${groups ? ` OR (g.grantee_kind = 'group' AND g.grantee_id IN (${groups}))` : ''}`;
    const rows = this.db
      .prepare(
        `SELECT o.namespace, o.name, ${userName('o.owner_id')} AS owner,
                (SELECT ${userName('g.granted_by')} FROM grants g WHERE g.object_id = o.id AND (${personal})
                 ORDER BY g.grantee_kind = 'user' DESC, g.granted_at LIMIT 1) AS shared_by,
                (SELECT v.row_count FROM versions v WHERE v.object_id = o.id ORDER BY v.version DESC LIMIT 1) AS row_count,
                EXISTS (SELECT 1 FROM objects m WHERE m.kind = 'frame' AND m.deleted_at IS NULL AND m.namespace = ? AND m.name = o.name
                        AND ${shadowReadable.sql}) AS shadowed
         FROM objects o
         WHERE o.kind = 'frame' AND o.deleted_at IS NULL AND (? IS NULL OR o.namespace = ?) AND o.name LIKE ? ESCAPE '\\'
           AND ${readable.sql}
         ORDER BY o.namespace, o.name
         LIMIT ?`,
      )
      .all(
        principal.userId,
        ...principal.groupIds,
        principal.name,
        ...shadowReadable.params,
        query.namespace ?? null,
        query.namespace ?? null,
        startsWith(query.prefix ?? ''),
        ...readable.params,
        query.limit,
      ) as FrameNameRow[];
    return rows.map((row) => ({
      namespace: row.namespace,
      name: row.name,
      owner: row.owner,
      ...(row.shared_by !== null ? { sharedBy: row.shared_by } : {}),
      rowCount: row.row_count ?? 0,
      shadowed: row.shadowed === 1,
    }));
  }

  /** The namespaces holding a live frame the principal may read, starting with `prefix` (any case). */
  namespaces(principal: Principal, prefix = ''): string[] {
    const readable = readableWhere(principal);
    const rows = this.db
      .prepare(
        `SELECT DISTINCT o.namespace FROM objects o
         WHERE o.kind = 'frame' AND o.deleted_at IS NULL AND o.namespace LIKE ? ESCAPE '\\' AND ${readable.sql}
         ORDER BY o.namespace`,
      )
      .all(startsWith(prefix), ...readable.params) as { namespace: string }[];
    return rows.map((r) => r.namespace);
  }
}
