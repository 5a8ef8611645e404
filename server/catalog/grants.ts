/** Grants as stored: who an object is shared with. No access rules here (access.ts). */
import { now, type Db } from './store';
import { toGrant, type GranteeKind, type GrantRecord, type GrantRow } from './records';

export class Grants {
  constructor(private readonly db: Db) {}

  of(objectId: number): GrantRecord[] {
    return (this.db.prepare('SELECT * FROM grants WHERE object_id = ? ORDER BY granted_at').all(objectId) as GrantRow[]).map(toGrant);
  }

  /** Grants that reach a principal: to them, to any of their groups, or to the team. */
  reaching(userId: number, groupIds: readonly number[]): GrantRecord[] {
    const groups = groupIds.length ? `OR (grantee_kind = 'group' AND grantee_id IN (${groupIds.map(() => '?').join(', ')}))` : '';
    return (
      this.db.prepare(`SELECT * FROM grants WHERE (grantee_kind = 'user' AND grantee_id = ?) OR grantee_kind = 'team' ${groups}`).all(userId, ...groupIds) as GrantRow[]
    ).map(toGrant);
  }

  set(objectId: number, kind: GranteeKind, granteeId: number, write: boolean, grantedBy: number): void {
    this.db
      .prepare(
        `INSERT INTO grants (object_id, grantee_kind, grantee_id, write, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (object_id, grantee_kind, grantee_id) DO UPDATE SET write = excluded.write, granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
      )
      .run(objectId, kind, granteeId, Number(write), grantedBy, now());
  }

  /** True when there was such a grant. */
  remove(objectId: number, kind: GranteeKind, granteeId: number): boolean {
    return this.db.prepare('DELETE FROM grants WHERE object_id = ? AND grantee_kind = ? AND grantee_id = ?').run(objectId, kind, granteeId).changes > 0;
  }
}
