/** A Spark engine on the test server, in temp dirs, with a small in-test catalog as its resolver. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ErrorCodes, FramegateError } from '../../../../protocol';
import type { BoundTable, StoredInfo, TableReference, TableResolver } from '../../../../server/engine/engine';
import { createImportPolicy } from '../../../../server/engine/import-policy';
import { openSparkEngine, type SparkEngine, type SparkEngineOptions } from '../../../../server/engine/spark/engine';
import { sparkServer } from './shared';

export function storageId(): string {
  return `t_${randomBytes(8).toString('hex')}`;
}

/**
 * What the gateway's catalog does for the engine, reduced to a map: `namespace.name[@version]`
 * → stored data; names a test marks hidden are refused as FrameNotFound, like frames the caller
 * may not read.
 */
export class TestCatalog {
  private readonly frames = new Map<string, BoundTable & { version: number }>();
  readonly hidden = new Set<string>();
  readonly asked: TableReference[] = [];

  add(name: string, info: StoredInfo & { storage: string }, version = 1): BoundTable {
    const [namespace, short] = name.includes('.') ? name.split('.') : ['main', name];
    const bound = { storage: info.storage, columns: info.columns, rowCount: info.rowCount, version };
    this.frames.set(`${namespace}.${short}@${version}`.toLowerCase(), bound);
    this.frames.set(`${namespace}.${short}`.toLowerCase(), bound);
    return bound;
  }

  resolve: TableResolver = (ref) => {
    this.asked.push(ref);
    const key = `${ref.namespace ?? 'main'}.${ref.name}${ref.version ? `@${ref.version}` : ''}`.toLowerCase();
    const found = this.frames.get(key);
    if (!found || this.hidden.has(key)) throw new FramegateError(ErrorCodes.FrameNotFound, `no frame named ${ref.text}`, { name: ref.text });
    return found;
  };
}

export interface TestEngine {
  engine: SparkEngine;
  dataDir: string;
  importDir: string;
  options: SparkEngineOptions;
  catalog: TestCatalog;
  /** Stores `sql` under a fresh id and registers it as `name` in the test catalog. */
  save(name: string, sql: string, version?: number): Promise<BoundTable>;
  reopen(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function openTestEngine(overrides: Partial<SparkEngineOptions> = {}): Promise<TestEngine> {
  const server = await sparkServer();
  const dir = mkdtempSync(join(tmpdir(), 'fg-spark-engine-'));
  const dataDir = join(dir, 'data');
  const importDir = join(dir, 'import');
  mkdirSync(importDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  const options: SparkEngineOptions = {
    remote: server.remote,
    dataDir,
    importPolicy: createImportPolicy([importDir], dataDir),
    queryTimeoutMs: 120_000,
    database: `fgt_${randomBytes(4).toString('hex')}`,
    ...overrides,
  };
  const catalog = new TestCatalog();
  let engine: SparkEngine;
  try {
    engine = await openSparkEngine(options);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const t: TestEngine = {
    engine,
    dataDir,
    importDir,
    options,
    catalog,
    async save(name, sql, version = 1) {
      const storage = storageId();
      const info = await t.engine.storeQuery(storage, sql, catalog.resolve);
      return catalog.add(name, { ...info, storage }, version);
    },
    async reopen() {
      await t.engine.close();
      t.engine = await openSparkEngine(options);
    },
    async cleanup() {
      await t.engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Asserts a promise fails with a FramegateError of `kind`; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, kind: string, message?: RegExp): Promise<FramegateError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof FramegateError)) throw new Error(`expected FramegateError ${kind}, got ${String(error)}`);
    if (error.kind !== kind) throw new Error(`expected ${kind}, got ${error.kind}: ${error.message}`);
    if (message && !message.test(error.message)) throw new Error(`message ${JSON.stringify(error.message)} does not match ${String(message)}`);
    return error;
  }
  throw new Error(`expected FramegateError ${kind}, but it succeeded`);
}
