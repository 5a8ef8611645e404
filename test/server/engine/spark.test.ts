/**
 * The Spark engine's tests, against a real local Spark Connect server (pyspark from PyPI carries
 * it; test/server/engine/spark/server.ts starts it). One server for the whole file: the suites are
 * modules imported here, and the server stops (and its JVM exits) after the last of them.
 */
import { after } from 'node:test';
import { stopSparkServer } from './spark/shared';
import './spark/connect-client.suite';
import './spark/engine.suite';
import './spark/lifecycle.suite';
import './spark/sql-assist.suite';

after(async () => {
  await stopSparkServer();
});
