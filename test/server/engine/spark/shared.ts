/**
 * The one Spark Connect server of this test process, started on first use and stopped by the
 * entry file's `after` (test/server/engine/spark.test.ts), so every Spark suite shares it.
 */
import { startSparkServer, type SparkServer } from './server';

let server: Promise<SparkServer> | null = null;

export function sparkServer(): Promise<SparkServer> {
  server ??= startSparkServer();
  return server;
}

export async function stopSparkServer(): Promise<void> {
  if (!server) return;
  const started = server;
  server = null;
  await (await started).stop();
}
