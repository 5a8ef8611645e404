/** A real catalog (SQLite) in a temp dir, and helpers to make users and frames in it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Principal } from '../../../server/catalog/access';
import { Catalog } from '../../../server/catalog/catalog';

export interface TestCatalog {
  catalog: Catalog;
  dir: string;
  /** Adds a user and returns their principal. */
  user(name: string, flags?: { admin?: boolean; teamWriter?: boolean }): Principal;
  /** The principal of an existing user, fresh (groups and flags as they are now). */
  principal(name: string): Principal;
  /** Records a frame version as `who` (no engine: a made-up storage id). */
  save(who: Principal, name: string, options?: { replace?: boolean; rows?: number }): ReturnType<Catalog['frames']['recordVersion']>;
  dispose(): void;
}

let storageCounter = 0;

export function openTestCatalog(): TestCatalog {
  const dir = mkdtempSync(join(tmpdir(), 'framegate-catalog-'));
  const catalog = Catalog.open(dir);
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
      const target = catalog.frames.planWrite(who, name);
      const storage = `t_${(++storageCounter).toString(16).padStart(16, '0')}`;
      return catalog.frames.recordVersion(
        who,
        target,
        { storage, columns: [{ name: 'x', type: 'INTEGER' }], rowCount: options.rows ?? 1, bytes: 10, source: 'test', origin: { kind: 'upload' } },
        [],
        options.replace ?? false,
      );
    },
    dispose() {
      catalog.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
