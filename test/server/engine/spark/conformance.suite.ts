/**
 * The Engine conformance suite on the Spark engine, against a real local Spark Connect server
 * (test/server/engine/spark/server.ts: one per test process, one at a time per machine). Each
 * engine the suite opens gets Spark databases of its own, so runs never see each other's tables.
 */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { openSparkEngine } from '../../../server/engine/spark/engine';
import { quoteName } from '../../../server/engine/spark/spark-types';
import { runConformance } from './conformance';
import { sparkServer, stopSparkServer } from './spark/shared';

runConformance({
  name: 'spark',
  open: async (options) => openSparkEngine({ ...options, remote: (await sparkServer()).remote, database: `fgc_${randomBytes(4).toString('hex')}` }),
  quote: quoteName,
  // Every Spark query is a job (planning, tasks, a Parquet write): seconds on a busy machine.
  shortTimeoutMs: 20_000,
});

after(async () => {
  await stopSparkServer();
});
