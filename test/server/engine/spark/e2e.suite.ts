/**
 * End-to-end on the Spark engine: the CLI flow (test/cli/cli.test.ts, every gateway a real
 * `framegate serve --engine spark --spark-remote …`, so it needs `npm run build`) and the sharing
 * flow of three people (test/server/sharing.test.ts, on a `framegate serve` process too),
 * unchanged, on the Spark server of spark.test.ts. Both files also run on their own on DuckDB.
 */
import { useSparkEngine } from '../../../support/test-engine';
import '../../../cli/cli.test';
import '../../sharing.test';

// The imported files only declare their tests here; their gateways start when those run.
useSparkEngine();
