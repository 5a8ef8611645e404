/**
 * Column profiles of frame versions, kept in the catalog: a version's data never changes, so its
 * profile is computed once (by the engine, one pass) and every later look reads it from here,
 * also after a restart. Keyed by the version's storage id; the entry goes when the data does.
 *
 * Its table is created here (IF NOT EXISTS) rather than by a numbered migration: it is a cache
 * that any catalog can gain or lose without changing what the catalog means.
 */
import type { ColumnProfile } from '../../protocol';
import type { Db } from './store';

export interface StoredProfile {
  columns: ColumnProfile[];
  computedAt: string;
}

export class ProfileCache {
  constructor(private readonly db: Db) {
    db.exec(`CREATE TABLE IF NOT EXISTS profiles (
      storage     TEXT PRIMARY KEY,
      computed_at TEXT NOT NULL,
      body        TEXT NOT NULL
    )`);
  }

  get(storage: string): StoredProfile | undefined {
    const row = this.db.prepare('SELECT computed_at, body FROM profiles WHERE storage = ?').get(storage) as { computed_at: string; body: string } | undefined;
    if (!row) return undefined;
    try {
      return { columns: JSON.parse(row.body) as ColumnProfile[], computedAt: row.computed_at };
    } catch {
      return undefined; // a damaged entry is computed again
    }
  }

  put(storage: string, profile: StoredProfile): void {
    this.db
      .prepare('INSERT INTO profiles (storage, computed_at, body) VALUES (?, ?, ?) ON CONFLICT (storage) DO UPDATE SET computed_at = excluded.computed_at, body = excluded.body')
      .run(storage, profile.computedAt, JSON.stringify(profile.columns));
  }

  forget(storage: readonly string[]): void {
    const remove = this.db.prepare('DELETE FROM profiles WHERE storage = ?');
    for (const id of storage) remove.run(id);
  }
}
