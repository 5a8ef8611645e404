/**
 * The gateway's catalog: users, token hashes, groups, namespaces, objects of every kind (frames,
 * queries, notes) and their versions, grants, lineage and the audit log, in
 * `<dataDir>/catalog.sqlite`. Engines hold only the data of frame versions.
 *
 * The object layer, one for every kind: `resolver` (names → objects, access), `describer` (objects
 * as a principal sees them, with the per-kind parts of kinds/), `changes` (each change one
 * transaction with its audit line), `lineage`, `retention`.
 */
import { join } from 'node:path';
import { TEAM_NAMESPACE } from '../../protocol';
import type { LegacyVersion } from '../engine/engine';
import { AuditLog } from './audit';
import { ObjectChanges } from './changes';
import { ObjectDescriber } from './describe';
import { FrameNames } from './frame-names';
import { Grants } from './grants';
import { Identity } from './identity';
import { importLegacyCatalog, type LegacyImportSummary } from './legacy-import';
import { LineageBuilder } from './lineage';
import { Objects } from './objects';
import { Reads } from './reads';
import { catalogVersion } from './memo';
import { ObjectResolver } from './resolve';
import { Retention } from './retention';
import { ProfileCache } from './profiles';
import { inTransaction, now, openStore, type Db } from './store';
import { TokenStore } from './tokens';
import { Groups, reservedNameReason, Users } from './users';

export const CATALOG_FILE = 'catalog.sqlite';

export interface CatalogOptions {
  /** Versions per frame that keep their data, unless a frame says otherwise; null: all. */
  keepVersions?: number | null;
  /** Storage per user in bytes, unless a user's own limit says otherwise; null: none. */
  storageLimitBytes?: number | null;
}

export interface BootstrapResult {
  user: string;
  token: string;
}

export class Catalog {
  readonly objects: Objects;
  readonly grants: Grants;
  readonly reads: Reads;
  readonly audit: AuditLog;
  readonly resolver: ObjectResolver;
  readonly describer: ObjectDescriber;
  /** Readable frames, light and filtered in one query (completion). */
  readonly frameNames: FrameNames;
  readonly changes: ObjectChanges;
  readonly lineage: LineageBuilder;
  readonly retention: Retention;
  readonly identity: Identity;
  /** Column profiles of frame versions (computed once each). */
  readonly profiles: ProfileCache;
  /** True when this open created the catalog file. */
  readonly created: boolean;
  /** Migrations this open applied. */
  readonly migrated: number;
  private readonly defaultStorageLimit: number | null;

  private constructor(
    readonly db: Db,
    opened: { created: boolean; migrated: number },
    options: CatalogOptions,
  ) {
    this.created = opened.created;
    this.migrated = opened.migrated;
    const users = new Users(db);
    const groups = new Groups(db);
    this.objects = new Objects(db);
    this.grants = new Grants(db);
    this.reads = new Reads(db);
    this.audit = new AuditLog(db);
    const version = catalogVersion(db);
    this.resolver = new ObjectResolver(this.objects, this.grants, users, version);
    this.describer = new ObjectDescriber(this.objects, this.grants, this.reads, this.resolver, users, groups);
    this.frameNames = new FrameNames(db);
    this.defaultStorageLimit = options.storageLimitBytes ?? null;
    this.changes = new ObjectChanges(db, this.objects, this.grants, this.reads, this.resolver, users, groups, this.audit, (userId) => this.storageLimitOf(userId));
    this.lineage = new LineageBuilder(this.objects, this.reads, this.resolver, this.describer);
    this.retention = new Retention(db, this.objects, this.reads, this.audit, options.keepVersions ?? null);
    this.identity = new Identity(db, users, groups, new TokenStore(db), version);
    this.profiles = new ProfileCache(db);
    this.objects.ensureNamespace(TEAM_NAMESPACE, null);
  }

  static open(dataDir: string, options: CatalogOptions = {}): Catalog {
    const { db, created, migrated } = openStore(join(dataDir, CATALOG_FILE));
    return new Catalog(db, { created, migrated }, options);
  }

  /** A user's storage limit in bytes (their own, else the gateway's); null: none. */
  storageLimitOf(userId: number): number | null {
    return this.identity.users.byId(userId)?.storageLimit ?? this.defaultStorageLimit;
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
      const summary = importLegacyCatalog(this.db, this.identity.users, this.objects, this.grants, versions);
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
