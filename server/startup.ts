/**
 * Opening a data dir: the catalog, the engine, a 0.1 catalog migrated if there is one, crash
 * leftovers dropped, damage reported, and the demo seeded. Order matters: nothing serves clients
 * until the catalog and the engine agree.
 */
import { mkdirSync } from 'node:fs';
import { DEMO_FRAME, demoSalesIpc } from './demo';
import type { Principal } from './catalog/access';
import { Catalog } from './catalog/catalog';
import type { GatewayConfig } from './config';
import type { Engine } from './engine/engine';
import { openEngine } from './engine/factory';
import { createImportPolicy } from './engine/import-policy';
import { FrameWriter } from './frames/writer';
import type { Logger } from './logger';
import { parseFrameRef, TEAM_NAMESPACE } from '../protocol';

export interface OpenedState {
  catalog: Catalog;
  engine: Engine;
}

export async function openState(config: GatewayConfig, logger: Logger, engine?: Engine): Promise<OpenedState> {
  mkdirSync(config.dataDir, { recursive: true });
  const catalog = Catalog.open(config.dataDir);
  let opened: Engine | undefined = engine;
  try {
    opened ??= await openEngine(config.engine, {
      dataDir: config.dataDir,
      importPolicy: createImportPolicy(config.importDirs, config.dataDir),
      queryTimeoutMs: config.queryTimeoutMs,
      ...(config.memoryLimit ? { memoryLimit: config.memoryLimit } : {}),
      ...(config.threads ? { threads: config.threads } : {}),
    }, { remote: config.sparkRemote, database: config.sparkDatabase });
    await migrateLegacy(catalog, opened, logger);
    await reconcileStorage(catalog, opened, logger);
    return { catalog, engine: opened };
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
 * Data the catalog does not know is what a crash between storing and recording left behind: drop
 * it. Data the catalog knows but the engine lacks is damage from outside: report it loudly.
 */
async function reconcileStorage(catalog: Catalog, engine: Engine, logger: Logger): Promise<void> {
  const referenced = catalog.objects.referencedStorage();
  const stored = new Set(await engine.listStorage());
  const orphans = [...stored].filter((id) => !referenced.has(id));
  for (const id of orphans) await engine.dropStorage(id);
  if (orphans.length) logger.info({ event: 'orphans-dropped', count: orphans.length }, `dropped ${orphans.length} unrecorded stored tables (left by an interrupted save)`);
  const missing = [...referenced].filter((id) => !stored.has(id));
  if (missing.length) logger.error({ event: 'storage-missing', storage: missing }, `${missing.length} recorded versions have no data in the engine (the data dir was changed from outside)`);
}

/** Seeds `main.sales` unless it exists, as `owner`. */
export async function seedDemo(catalog: Catalog, writer: FrameWriter, engine: Engine, owner: Principal): Promise<boolean> {
  const ref = parseFrameRef(DEMO_FRAME);
  if (catalog.objects.findLive('frame', ref.namespace ?? TEAM_NAMESPACE, ref.name)) return false;
  await writer.write({
    principal: owner,
    name: DEMO_FRAME,
    replace: false,
    store: (storage) => engine.storeArrow(storage, demoSalesIpc()),
    describe: () => ({ source: 'demo data', origin: { kind: 'demo' }, reads: [] }),
  });
  return true;
}
