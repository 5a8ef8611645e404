/**
 * `npm run bench` (part): the Python client against the TypeScript client, reading the same
 * 10M-row frame whole from the same gateway in the same run. The TypeScript client's export is the
 * baseline; the Python client's `to_arrow()` (Arrow all the way), `to_pandas()` and `to_polars()`
 * are measured as MiB/s of the frame's Arrow bytes and as a ratio to it. Prints a table and writes
 * test-artifacts/bench-python.json. BENCH_ROWS and BENCH_PY_SAMPLES scale it down.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import CliTable from 'cli-table3';
import { Methods } from '../protocol';
import { removeDir, startGatewayProcess } from '../test/support/gateway-process';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const SAMPLES = Number(process.env.BENCH_PY_SAMPLES ?? 3);
const BIG_SQL = `SELECT range AS id, hash(range) % 1000003 AS k, (range % 97)::INTEGER AS g, range * 0.5 AS x FROM range(${ROWS})`;
const ROOT = resolve(__dirname, '..');
const PYTHON = join(ROOT, '.cache', 'python', 'bin', 'python');
const MiB = 1024 * 1024;
const run = promisify(execFile);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

interface PythonTimes {
  rows: number;
  seconds: { to_arrow: number[]; to_pandas: number[]; to_polars: number[] };
}

/**
 * One timed read of each kind by the Python client, in a process of its own (timed inside it, so
 * its start-up does not count). Asynchronous: this process must go on answering the gateway's pings.
 */
async function pythonRound(url: string, token: string): Promise<PythonTimes> {
  const { stdout } = await run(PYTHON, [join(ROOT, 'clients', 'python', 'bench', 'export.py'), url, token, 'main.big', '1'], { encoding: 'utf8', maxBuffer: 16 * MiB });
  const times = JSON.parse(stdout) as PythonTimes;
  if (times.rows !== ROWS) throw new Error(`the Python client read ${times.rows} rows, not ${ROWS}`);
  return times;
}

async function main(): Promise<void> {
  // The venv with the client installed from this tree (idempotent; fast when it is up to date).
  const setup = spawnSync(process.execPath, [join(ROOT, 'scripts', 'python.mjs'), 'setup'], { stdio: 'inherit' });
  if (setup.status !== 0) throw new Error('the Python venv could not be set up (scripts/python.mjs setup)');
  const gateway = await startGatewayProcess({ args: ['--query-timeout-ms', '600000'] });
  const client = await gateway.connect();
  try {
    console.error(`creating a ${ROWS.toLocaleString()}-row frame…`);
    await client.request(Methods.save, { name: 'main.big', from: { sql: BIG_SQL }, replace: true });

    // Rounds alternate the two clients, so a busy moment of the machine weighs on both alike.
    let arrowBytes = 0;
    const tsSeconds: number[] = [];
    const pySeconds: PythonTimes['seconds'] = { to_arrow: [], to_pandas: [], to_polars: [] };
    for (let round = 0; round < SAMPLES; round++) {
      const start = performance.now();
      const { ipc } = await client.export({ source: { kind: 'frame', name: 'main.big' } });
      tsSeconds.push((performance.now() - start) / 1000);
      arrowBytes = ipc.byteLength;
      const times = await pythonRound(gateway.url, gateway.adminToken);
      for (const method of Object.keys(pySeconds) as Array<keyof typeof pySeconds>) pySeconds[method].push(...times.seconds[method]);
    }

    const baseline = arrowBytes / MiB / median(tsSeconds);
    const rows: Array<{ client: string; seconds: number; mibPerS: number; ratio: number }> = [
      { client: 'TypeScript GatewayClient.export (baseline)', seconds: median(tsSeconds), mibPerS: baseline, ratio: 1 },
    ];
    for (const [method, seconds] of Object.entries(pySeconds)) {
      const mibPerS = arrowBytes / MiB / median(seconds);
      rows.push({ client: `Python frame.${method}()`, seconds: median(seconds), mibPerS, ratio: mibPerS / baseline });
    }
    const table = new CliTable({ head: ['whole-frame read', 's (median)', 'MiB/s', 'Mrows/s', 'vs TypeScript'], style: { head: [], border: [] } });
    for (const row of rows) table.push([row.client, row.seconds.toFixed(2), row.mibPerS.toFixed(0), (ROWS / 1e6 / row.seconds).toFixed(2), row.ratio.toFixed(2) + '×']);
    console.log(`\nPython client vs TypeScript client: ${ROWS.toLocaleString()}-row frame, ${(arrowBytes / MiB).toFixed(0)} MiB of Arrow, median of ${SAMPLES}\n`);
    console.log(table.toString());
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/bench-python.json', JSON.stringify({ rows: ROWS, samples: SAMPLES, arrowBytes, typescriptSeconds: tsSeconds, python: pySeconds, results: rows }, null, 2));
  } finally {
    client.close();
    await gateway.stop();
    removeDir(gateway.dataDir);
    removeDir(gateway.configDir);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
