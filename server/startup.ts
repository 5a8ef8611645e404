/**
 * Opening a data dir: the catalog, the engine, a 0.1 catalog migrated if there is one, crash
 * leftovers dropped, damage reported, and the demo seeded. Order matters: nothing serves clients
 * until the catalog and the engine agree.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_FRAME, demoSalesIpc } from './demo';
import type { Principal } from './catalog/access';
import { Catalog, CATALOG_FILE } from './catalog/catalog';
import { openStoreReadOnly } from './catalog/store';
import { compareStorage, missingDataProblem, unknownDataProblem, unopenableReason } from './data-dir/check';
import type { GatewayConfig } from './config';
import type { Engine } from './engine/engine';
import { openEngine } from './engine/factory';
import { createImportPolicy } from './engine/import-policy';
import { FrameWriter } from './frames/writer';
import type { Logger } from './logger';
import { createMemoryBudget, type MemoryBudget } from './memory/budget';
import { splitBudget } from './memory/size';
import { parseFrameRef, TEAM_NAMESPACE } from '../protocol';

export interface OpenedState {
  catalog: Catalog;
  engine: Engine;
  /** What the gateway itself may hold: the engine's caches and everything the handlers keep. */
  budget: MemoryBudget;
}

export async function openState(config: GatewayConfig, logger: Logger, engine?: Engine): Promise<OpenedState> {
  mkdirSync(config.dataDir, { recursive: true });
  // Before anything is created: a missing file must not be replaced by an empty one.
  const refusal = engine ? null : unopenableReason(config.dataDir, () => catalogHasStorage(config.dataDir));
  if (refusal) throw new Error(`${refusal} (framegate doctor --data-dir ${config.dataDir} tells more)`);
  const catalog = Catalog.open(config.dataDir, { keepVersions: config.keepVersions ?? null, storageLimitBytes: config.storageLimitBytes ?? null });
  if (catalog.migrated > 0 && !catalog.created) logger.info({ event: 'catalog-migrated', steps: catalog.migrated }, `migrated the catalog (${catalog.migrated} step${catalog.migrated === 1 ? '' : 's'})`);
  const budget = createMemoryBudget(splitBudget(config.memoryLimitBytes).gatewayBytes);
  let opened: Engine | undefined = engine;
  try {
    opened ??= await openEngine(config.engine, {
      dataDir: config.dataDir,
      importPolicy: createImportPolicy(config.importDirs, config.dataDir),
      memoryBudget: budget,
      queryTimeoutMs: config.queryTimeoutMs,
      memoryLimit: `${Math.floor(splitBudget(config.memoryLimitBytes).engineBytes / 1024)}KiB`,
      ...(config.threads ? { threads: config.threads } : {}),
    }, { remote: config.sparkRemote, database: config.sparkDatabase });
    await migrateLegacy(catalog, opened, logger);
    await reconcileStorage(catalog, opened, logger);
    return { catalog, engine: opened, budget };
  } catch (error) {
    await opened?.close().catch(() => undefined);
    catalog.close();
    throw error;
  }
}

/** A 0.1 data dir kept its catalog inside the engine: import it once, then drop it there. */
async function migrateLegacy(catalog: Catalog, engine: Engine, logger: Logger): Promise<void> {
  const legacy = await engine.readLegacyCatalog();
  if (!legacy) return;
  const summary = catalog.importLegacy(legacy);
  if (summary) logger.info({ event: 'migrated', from: '0.1', ...summary }, `migrated a Framegate 0.1 data dir: ${summary.frames} frames, ${summary.versions} versions`);
  // Only after the import is committed: a crash before this line imports nothing twice (the catalog remembers) and drops here next time.
  await engine.dropLegacyCatalog();
}

/**
 * Data of a save that was cut short (noted as pending before it was stored) is what a crash
 * between storing and recording left behind: drop it. Data nobody noted is kept and reported (the
 * catalog may be older than the data); data the catalog records but the engine lacks is damage
 * from outside: reported loudly, naming the frame versions.
 */
async function reconcileStorage(catalog: Catalog, engine: Engine, logger: Logger): Promise<void> {
  const { objects } = catalog;
  const comparison = compareStorage({ referenced: objects.referencedStorage(), pending: objects.pendingStorage(), versionsStoredIn: (id) => objects.versionsStoredIn(id) }, await engine.listStorage());
  for (const id of comparison.leftovers) await engine.dropStorage(id);
  for (const id of objects.pendingStorage()) objects.removePending(id);
  if (comparison.leftovers.length) logger.info({ event: 'orphans-dropped', count: comparison.leftovers.length }, `dropped ${comparison.leftovers.length} stored tables left by interrupted saves`);
  if (comparison.unknown.length) logger.error({ event: 'storage-unknown', count: comparison.unknown.length }, unknownDataProblem(comparison.unknown.length));
  if (comparison.missing.length) logger.error({ event: 'storage-missing', versions: comparison.missing }, missingDataProblem(comparison.missing));
}

/** Whether an existing catalog records stored data (read-only peek before the gateway opens it). */
function catalogHasStorage(dataDir: string): boolean {
  try {
    const db = openStoreReadOnly(join(dataDir, CATALOG_FILE));
    try {
      return db.prepare('SELECT 1 FROM versions WHERE storage IS NOT NULL LIMIT 1').get() !== undefined;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

/** Seeds `main.sales` unless it exists, as `owner`. */
export async function seedDemo(catalog: Catalog, writer: FrameWriter, engine: Engine, owner: Principal): Promise<boolean> {
  const ref = parseFrameRef(DEMO_FRAME);
  if (catalog.objects.findLive(ref.namespace ?? TEAM_NAMESPACE, ref.name)) return false;
  await writer.write({
    principal: owner,
    name: DEMO_FRAME,
    replace: false,
    store: (storage) => engine.storeArrow(storage, demoSalesIpc()),
    describe: () => ({ source: 'demo data', origin: { kind: 'demo' }, reads: [] }),
  });
  return true;
}
