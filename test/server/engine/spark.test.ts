/**
 * Every Spark test, against one real local Spark Connect server (pyspark from PyPI carries it;
 * test/server/engine/spark/server.ts starts it): the client, the engine, its lifecycle, the
 * engine conformance suite, the CLI and sharing flows on a Spark gateway (needs `npm run build`).
 * One test file, so one JVM for the whole run: a JVM start costs 10–75 s on a busy 2-core
 * machine, and a second Spark file would wait on the machine-wide lock inside its tests'
 * timeouts. The suites are modules imported here; the server stops, its JVM exited, after them.
 */
import { after } from 'node:test';
import { stopSparkServer } from './spark/shared';
import './spark/connect-client.suite';
import './spark/engine.suite';
import './spark/lifecycle.suite';
import './spark/sql-assist.suite';
import './spark/conformance.suite';
import './spark/e2e.suite';

after(async () => {
  await stopSparkServer();
});
