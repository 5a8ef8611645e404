/**
 * The gateway's catalog: users, token hashes, groups, namespaces, frames and their versions,
 * grants and lineage, in `<dataDir>/catalog.sqlite`. Engines hold only the data of versions.
 */
import { join } from 'node:path';
import { TEAM_NAMESPACE } from '../../protocol';
import type { LegacyVersion } from '../engine/engine';
import { FrameCatalog } from './frames';
import { Identity } from './identity';
import { importLegacyCatalog, type LegacyImportSummary } from './legacy-import';
import { Objects } from './objects';
import { ProfileCache } from './profiles';
import { inTransaction, now, openStore, type Db } from './store';
import { TokenStore } from './tokens';
import { Groups, reservedNameReason, Users } from './users';

export const CATALOG_FILE = 'catalog.sqlite';


export interface BootstrapResult {
  user: string;
  token: string;
}

export class Catalog {
  readonly objects: Objects;
  readonly frames: FrameCatalog;
  readonly identity: Identity;
  /** Column profiles of frame versions (computed once each). */
  readonly profiles: ProfileCache;
  /** True when this open created the catalog file. */
  readonly created: boolean;

  private constructor(
    readonly db: Db,
    created: boolean,
  ) {
    this.created = created;
    const users = new Users(db);
    const groups = new Groups(db);
    this.objects = new Objects(db);
    this.frames = new FrameCatalog(db, this.objects, users, groups);
    this.identity = new Identity(db, users, groups, new TokenStore(db));
    this.profiles = new ProfileCache(db);
    this.objects.ensureNamespace(TEAM_NAMESPACE, null);
  }

  static open(dataDir: string): Catalog {
    const { db, created } = openStore(join(dataDir, CATALOG_FILE));
    return new Catalog(db, created);
  }

  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Imports a 0.1 catalog once; records that it did, in the same transaction. */
  importLegacy(versions: LegacyVersion[]): LegacyImportSummary | null {
    if (this.meta('legacy-imported')) return null;
    return inTransaction(this.db, () => {
      const summary = importLegacyCatalog(this.db, this.identity.users, this.objects, versions);
      this.setMeta('legacy-imported', now());
      return summary;
    });
  }

  /**
   * With no admin yet (a new data dir, or one migrated from 0.1), makes `name` an admin with a
   * fresh token. `persist` must keep the token for its owner (the credentials file); it runs before
   * anything is committed, so a token that could not be kept never becomes the only way in.
   */
  async bootstrapAdmin(name: string, persist: (result: BootstrapResult) => void): Promise<BootstrapResult | null> {
    const users = this.identity.users;
    if (users.countAdmins() > 0) return null;
    const adminName = reservedNameReason(name) ? 'admin' : name;
    const prepared = await this.identity.tokens.create();
    return inTransaction(this.db, () => {
      const existing = users.byName(adminName);
      const user =
        existing && existing.removedAt === null ? users.update(existing.id, { admin: true }) : users.add(adminName, { admin: true, teamWriter: true });
      const result = { user: user.name, token: prepared.token };
      persist(result);
      this.identity.tokens.save(user.id, prepared);
      return result;
    });
  }

  close(): void {
    this.db.close();
  }
}
