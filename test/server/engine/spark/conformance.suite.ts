/**
 * The Engine conformance suite on the Spark engine, on the Spark server of spark.test.ts (one JVM
 * for all Spark tests). Each engine the suite opens gets Spark databases of its own, so runs
 * never see each other's tables.
 */
import { randomBytes } from 'node:crypto';
import { openSparkEngine } from '../../../../server/engine/spark/engine';
import { quoteName } from '../../../../server/engine/spark/spark-types';
import { runConformance } from '../conformance';
import { sparkServer } from './shared';

runConformance({
  name: 'spark',
  open: async (options) => openSparkEngine({ ...options, remote: (await sparkServer()).remote, database: `fgc_${randomBytes(4).toString('hex')}` }),
  quote: quoteName,
  // Every Spark query is a job (planning, tasks, a Parquet write): seconds on a busy machine.
  shortTimeoutMs: 20_000,
});
