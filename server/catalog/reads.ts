/**
 * Lineage edges as stored: version (object, version) was made from (read object, read version).
 * A version only ever reads versions that existed before it, so the graph has no cycles.
 */
import type { Db } from './store';
import type { VersionRead } from './records';

/** Why retention must keep a version's data. */
export type KeptFor = 'lineage' | 'pinned';

export class Reads {
  constructor(private readonly db: Db) {}

  add(objectId: number, version: number, reads: readonly VersionRead[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO reads (object_id, version, read_object_id, read_version, pinned) VALUES (?, ?, ?, ?, ?)');
    for (const read of reads) insert.run(objectId, version, read.objectId, read.version, Number(read.pinned ?? false));
  }

  of(objectId: number, version: number): VersionRead[] {
    return (
      this.db.prepare('SELECT read_object_id, read_version, pinned FROM reads WHERE object_id = ? AND version = ? ORDER BY read_object_id, read_version').all(objectId, version) as {
        read_object_id: number;
        read_version: number;
        pinned: number;
      }[]
    ).map((r) => ({ objectId: r.read_object_id, version: r.read_version, pinned: r.pinned === 1 }));
  }

  /**
   * Versions of `objectId` retention must keep, and why: read by a version of another live frame
   * that still has its data (its lineage), or pinned (`name@N`) by a version of a live query.
   */
  kept(objectId: number): Map<number, KeptFor[]> {
    const rows = this.db
      .prepare(
        `SELECT r.read_version AS version,
                max(CASE WHEN o.kind = 'frame' AND r.object_id <> r.read_object_id AND v.storage IS NOT NULL THEN 1 ELSE 0 END) AS lineage,
                max(CASE WHEN o.kind = 'query' AND r.pinned = 1 AND v.removed_at IS NULL THEN 1 ELSE 0 END) AS pinned
         FROM reads r
         JOIN objects o ON o.id = r.object_id AND o.deleted_at IS NULL
         JOIN versions v ON v.object_id = r.object_id AND v.version = r.version
         WHERE r.read_object_id = ?
         GROUP BY r.read_version`,
      )
      .all(objectId) as { version: number; lineage: number; pinned: number }[];
    const kept = new Map<number, KeptFor[]>();
    for (const row of rows) {
      const why: KeptFor[] = [...(row.lineage ? (['lineage'] as const) : []), ...(row.pinned ? (['pinned'] as const) : [])];
      if (why.length) kept.set(row.version, why);
    }
    return kept;
  }

  /** Live queries pinning a version (to name them when someone tries to remove it). */
  pinnedBy(objectId: number, version: number): number[] {
    return (
      this.db
        .prepare(
          `SELECT DISTINCT r.object_id FROM reads r JOIN objects o ON o.id = r.object_id AND o.deleted_at IS NULL AND o.kind = 'query'
           JOIN versions v ON v.object_id = r.object_id AND v.version = r.version AND v.removed_at IS NULL
           WHERE r.read_object_id = ? AND r.read_version = ? AND r.pinned = 1`,
        )
        .all(objectId, version) as { object_id: number }[]
    ).map((r) => r.object_id);
  }
}
