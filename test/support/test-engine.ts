/**
 * Which engine the gateway tests run their gateways on: DuckDB, unless
 * - a test entry calls `useSparkEngine()` (test/server/engine/spark/e2e.suite.ts: the CLI and sharing
 *   flows on Spark), which starts a local Spark Connect server on first use
 *   (test/server/engine/spark/server.ts) and must stop it with `stopSparkServer` in its `after`; or
 * - FRAMEGATE_TEST_ENGINE=spark is set with FRAMEGATE_TEST_SPARK_DIR naming a server started by
 *   `bash scripts/spark/server.sh start --dir DIR` (left running), to smoke-test any gateway
 *   test file on Spark: `FRAMEGATE_TEST_ENGINE=spark FRAMEGATE_TEST_SPARK_DIR=DIR node --import tsx --test test/…`.
 *
 * On Spark each data dir gets Spark databases of its own, named after the dir (so a gateway
 * reopened on the same data dir finds its tables again).
 */
import { createHash } from 'node:crypto';
import { sparkServer } from '../server/engine/spark/shared';

export type TestEngine = 'duckdb' | 'spark';

let engine: TestEngine = process.env.FRAMEGATE_TEST_ENGINE === 'spark' ? 'spark' : 'duckdb';
let managed = false;

/** Runs the gateways of this test process on a local Spark Connect server that this process manages. */
export function useSparkEngine(): void {
  engine = 'spark';
  managed = true;
}

export function testEngine(): TestEngine {
  return engine;
}

/** `framegate serve` flags that put a gateway on `dataDir` on the engine under test. */
export async function engineArgs(dataDir: string): Promise<string[]> {
  if (engine === 'duckdb') return [];
  if (!managed && !process.env.FRAMEGATE_TEST_SPARK_DIR) {
    throw new Error(
      'FRAMEGATE_TEST_ENGINE=spark needs a running server: bash scripts/spark/server.sh start --dir DIR, then FRAMEGATE_TEST_SPARK_DIR=DIR',
    );
  }
  const { remote } = await sparkServer();
  const database = `fge_${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
  return ['--engine', 'spark', '--spark-remote', remote, '--spark-database', database];
}

/** How long a stopping gateway may take before it is killed: a Spark engine releases its sessions on the server. */
export function stopGraceMs(): number {
  return engine === 'spark' ? 60_000 : 10_000;
}
