/** A real catalog (SQLite) in a temp dir, and helpers to make users and frames in it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameInfo } from '../../../protocol';
import type { Principal } from '../../../server/catalog/access';
import { Catalog, type CatalogOptions } from '../../../server/catalog/catalog';
import type { Recorded } from '../../../server/catalog/changes';
import type { VersionRead } from '../../../server/catalog/records';

export interface TestCatalog {
  catalog: Catalog;
  dir: string;
  /** Adds a user and returns their principal. */
  user(name: string, flags?: { admin?: boolean; teamWriter?: boolean }): Principal;
  /** The principal of an existing user, fresh (groups and flags as they are now). */
  principal(name: string): Principal;
  /** Records a frame version as `who` (no engine: a made-up storage id); `info` as `who` sees it. */
  save(who: Principal, name: string, options?: { replace?: boolean; rows?: number; bytes?: number; reads?: VersionRead[] }): Recorded & { info: FrameInfo };
  dispose(): void;
}

let storageCounter = 0;

export function openTestCatalog(options: CatalogOptions = {}): TestCatalog {
  const dir = mkdtempSync(join(tmpdir(), 'framegate-catalog-'));
  const catalog = Catalog.open(dir, options);
  const principal = (name: string): Principal => catalog.identity.principal(catalog.identity.users.active(name).id)!;
  return {
    catalog,
    dir,
    user(name, flags = {}) {
      catalog.identity.users.add(name, { admin: flags.admin ?? false, teamWriter: flags.teamWriter ?? false });
      return principal(name);
    },
    principal,
    save(who, name, options = {}) {
      const target = catalog.resolver.planWrite(who, name, 'frame');
      const storage = `t_${(++storageCounter).toString(16).padStart(16, '0')}`;
      const recorded = catalog.changes.record(
        who,
        target,
        { storage, columns: [{ name: 'x', type: 'INTEGER' }], rowCount: options.rows ?? 1, bytes: options.bytes ?? 10, source: 'test', origin: { kind: 'upload' } },
        options.reads ?? [],
        { replace: options.replace ?? false },
      );
      return { ...recorded, info: catalog.describer.info(who, recorded.object, recorded.version) as FrameInfo };
    },
    dispose() {
      catalog.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
