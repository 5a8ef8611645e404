/**
 * Column profiles and quick charts on the benchmark's frame (bench/support.ts BIG_SQL, 10M rows by
 * default), not a test. `npm run bench` runs it after the others.
 * - through a real gateway (in-process, real WebSockets): the profile of all columns the first
 *   time and cached, and the time to the first chart (a histogram of a numeric column), then the
 *   same chart again and with a filter;
 * - the engine alone as the baseline: the same profile and the same aggregate SQL, no gateway.
 */
import { Methods } from '../protocol';
import { chartQuery } from '../server/frames/chart-sql';
import { openTempEngine } from '../test/server/engine/helpers';
import { startTestGateway } from '../test/server/support';
import { BIG_SQL, load, ROWS, timed } from './support';

const HISTOGRAM = { kind: 'histogram' as const, column: 'x', bins: 30 };

async function engineAlone(): Promise<void> {
  const t = await openTempEngine({ queryTimeoutMs: 600_000, threads: 2 });
  try {
    const big = await t.catalog.saveQuery('big', BIG_SQL);
    const session = t.engine.openSession('bench-charts');
    const [, profileMs] = await timed(() => session.profile({ kind: 'stored', table: big }));
    const query = chartQuery({ namespace: 'bench', name: 'big', version: 1, columns: big.columns }, HISTOGRAM, undefined);
    const [held, chartMs] = await timed(() => session.runSql(query.sql, () => big));
    session.closeResult(held.id);
    console.log(`engine alone, ${ROWS.toLocaleString('en-US')} rows × ${big.columns.length} columns`);
    console.log(`  profile of all columns:            ${profileMs.toFixed(0)} ms`);
    console.log(`  histogram aggregate (30 bins of x): ${chartMs.toFixed(0)} ms`);
    await session.close();
  } finally {
    await t.cleanup();
  }
}

async function throughGateway(): Promise<void> {
  const gw = await startTestGateway({ queryTimeoutMs: 600_000 });
  const client = await gw.connect(await gw.addUser('bench'));
  try {
    await client.request(Methods.save, { name: 'big', from: { sql: BIG_SQL } });
    const source = { kind: 'frame' as const, name: 'big' };
    // Time to first chart: a frame nobody has profiled or charted yet.
    const [first, firstMs] = await timed(() => client.request(Methods.chart, { source, chart: HISTOGRAM }));
    const [, againMs] = await timed(() => client.request(Methods.chart, { source, chart: HISTOGRAM }));
    const filters = [{ kind: 'range' as const, column: 'g', max: 9 }];
    const [filtered, filteredMs] = await timed(() => client.request(Methods.chart, { source, chart: HISTOGRAM, filters }));
    const [profile, profileMs] = await timed(() => client.request(Methods.profile, { source }));
    const [cached, cachedMs] = await timed(() => client.request(Methods.profile, { source }));
    const bytes = Buffer.byteLength(JSON.stringify(first));
    console.log(`through the gateway (WebSocket, JSON answer of ${bytes.toLocaleString('en-US')} bytes for ${first.x.length} bins of ${first.rowCount.toLocaleString('en-US')} rows)`);
    console.log(`  time to first chart (histogram of x): ${firstMs.toFixed(0)} ms`);
    console.log(`  the same chart again:                 ${againMs.toFixed(0)} ms`);
    console.log(`  with a range filter (${filtered.rowCount.toLocaleString('en-US')} rows kept): ${filteredMs.toFixed(0)} ms`);
    console.log(`  profile of all columns, first time:   ${profileMs.toFixed(0)} ms (cached: ${profile.cached})`);
    console.log(`  profile again, cached per version:    ${cachedMs.toFixed(1)} ms (cached: ${cached.cached})`);
  } finally {
    client.close();
    await gw.dispose();
  }
}

async function main(): Promise<void> {
  console.log(`quick charts and profiles; ${load()}`);
  await engineAlone();
  await throughGateway();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
