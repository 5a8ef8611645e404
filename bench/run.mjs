// `npm run bench [-- --engine spark]`: the gateway benchmarks (DuckDB engine), or with
// `--engine spark` the Spark engine's (bench/spark.ts: DuckDB engine, Spark engine and Spark
// alone on the same data). Each bench is its own process, run one after the other.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'duckdb' } } });
const benches = {
  duckdb: ['main', 'engine', 'access', 'notify', 'python', 'lsp', 'charts'],
  spark: ['spark'],
}[values.engine];
if (!benches) {
  console.error(`unknown engine ${values.engine}: duckdb or spark`);
  process.exit(2);
}
for (const bench of benches) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${bench}.ts`], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
