/**
 * A small stand-in for the gateway's catalog, engine-neutral: names → versions → stored data, and
 * the access-checked resolver the engine gets. Bare names are in the team namespace `main`;
 * names and namespaces are case-insensitive; a resolver may be limited to some frames, and then
 * refuses every other one exactly like a missing one (FrameNotFound).
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes, FramegateError, TEAM_NAMESPACE, parseFrameRef } from '../../../protocol';
import type { BoundTable, Engine, StorageId, StoredInfo, TableReference, TableResolver } from '../../../server/engine';

export function newStorageId(): StorageId {
  return `t_${randomBytes(8).toString('hex')}`;
}

function keyOf(namespace: string | undefined, name: string): string {
  return `${(namespace ?? TEAM_NAMESPACE).toLowerCase()}.${name.toLowerCase()}`;
}

export class TestCatalog {
  private readonly frames = new Map<string, BoundTable[]>();
  /** Every reference the resolvers were asked, for assertions. */
  readonly asked: TableReference[] = [];

  constructor(private readonly engine: Engine) {}

  /** Records stored data as the next version of `name` ("sales", "alice.sales"). */
  add(name: string, info: StoredInfo & { storage: StorageId }): BoundTable {
    const ref = parseFrameRef(name);
    const key = keyOf(ref.namespace, ref.name);
    const table: BoundTable = { storage: info.storage, columns: info.columns, rowCount: info.rowCount };
    this.frames.set(key, [...(this.frames.get(key) ?? []), table]);
    return table;
  }

  /** The latest (or a given) version of `name`. */
  get(name: string): BoundTable {
    const ref = parseFrameRef(name);
    const versions = this.frames.get(keyOf(ref.namespace, ref.name));
    const table = versions?.[(ref.version ?? versions.length) - 1];
    if (!table) throw new Error(`test catalog has no ${name}`);
    return table;
  }

  /** Resolves names; with `allowed`, only those frames (as "name" or "ns.name"). */
  resolver(allowed?: string[]): TableResolver {
    const permitted = allowed ? new Set(allowed.map((a) => keyOf(parseFrameRef(a).namespace, parseFrameRef(a).name))) : null;
    return (ref) => {
      this.asked.push(ref);
      const key = keyOf(ref.namespace, ref.name);
      const versions = this.frames.get(key);
      const table = versions?.[(ref.version ?? versions.length) - 1];
      if (!table || (permitted && !permitted.has(key))) {
        throw new FramegateError(ErrorCodes.FrameNotFound, `no frame named ${ref.text}`, { name: ref.text });
      }
      return table;
    };
  }

  /** Stores the result of `sql` (names resolved by this catalog) as a new version of `name`. */
  async saveQuery(name: string, sql: string): Promise<BoundTable> {
    const storage = newStorageId();
    const info = await this.engine.storeQuery(storage, sql, this.resolver());
    return this.add(name, { ...info, storage });
  }

  async saveArrow(name: string, ipc: Uint8Array): Promise<BoundTable> {
    const storage = newStorageId();
    const info = await this.engine.storeArrow(storage, ipc);
    return this.add(name, { ...info, storage });
  }
}
