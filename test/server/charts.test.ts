/**
 * data/chart: aggregates computed on the gateway from every (filtered) row, checked against known
 * data: histogram bins, top-N bars, sums by x, line buckets and a bounded sample. The answer never
 * holds more points than asked for, whatever the frame's size; access is checked like a window's.
 * Real gateway, DuckDB, WebSockets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCodes, Methods } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { failure, startTestGateway, type TestGateway } from './support';

// v: 0..999 once each; g: 'a' ×500, 'b' ×300, 'c' ×200; t: one day per 10 rows.
const SQL = `SELECT range AS v, CASE WHEN range < 500 THEN 'a' WHEN range < 800 THEN 'b' ELSE 'c' END AS g,
  TIMESTAMP '2024-01-01' + INTERVAL (range // 10) DAY AS t, range * 2.5 AS w FROM range(1000)`;

describe('quick chart aggregates', () => {
  let gw: TestGateway;
  let alice: GatewayClient;
  let bob: GatewayClient;
  const source = { kind: 'frame' as const, name: 'alice.known' };
  before(async () => {
    gw = await startTestGateway();
    alice = await gw.connect(await gw.addUser('alice'));
    bob = await gw.connect(await gw.addUser('bob'));
    await alice.request(Methods.save, { name: 'known', from: { sql: SQL } });
    await alice.request(Methods.save, { name: 'wide', from: { sql: `SELECT range AS v, repeat('x', 1000) || range AS label FROM range(200000)` } });
  });
  after(async () => {
    alice.close();
    bob.close();
    await gw.dispose();
  });

  test('a histogram has equal-width bins from min to max with the right counts', async () => {
    const chart = await alice.request(Methods.chart, { source, chart: { kind: 'histogram', column: 'v', bins: 10 } });
    assert.equal(chart.rowCount, 1000);
    assert.deepEqual(chart.y, Array(10).fill(100));
    assert.equal(chart.binWidth, 99.9);
    assert.equal(chart.x[0], 0);
    assert.ok(Math.abs(chart.x[9]! - 899.1) < 1e-9);
    const filtered = await alice.request(Methods.chart, { source, chart: { kind: 'histogram', column: 'v', bins: 4 }, filters: [{ kind: 'values', column: 'g', values: ['c'] }] });
    assert.equal(filtered.rowCount, 200);
    assert.equal(filtered.y.reduce((a, b) => a + b, 0), 200);
    assert.equal(filtered.x[0], 800);
  });

  test('bars: the most frequent values, or the sum of y by x, largest first', async () => {
    const counts = await alice.request(Methods.chart, { source, chart: { kind: 'bar', x: 'g', limit: 2 } });
    assert.deepEqual(counts.labels, ['a', 'b']);
    assert.deepEqual(counts.y, [500, 300]);
    assert.equal(counts.rowCount, 1000);
    const sums = await alice.request(Methods.chart, { source, chart: { kind: 'bar', x: 'g', y: 'v', aggregate: 'sum' } });
    assert.deepEqual(sums.labels, ['b', 'c', 'a']);
    assert.deepEqual(sums.y, [194_850, 179_900, 124_750]);
    assert.equal(sums.yTitle, 'sum(v)');
  });

  test('a line aggregates y into at most N buckets of x, times as seconds', async () => {
    const line = await alice.request(Methods.chart, { source, chart: { kind: 'line', x: 't', y: 'v', aggregate: 'count', buckets: 50 } });
    assert.equal(line.temporal, true);
    assert.equal(line.x.length, 50);
    assert.equal(line.y.reduce((a, b) => a + b, 0), 1000);
    assert.equal(line.x[0], Date.UTC(2024, 0, 1) / 1000);
    const avg = await alice.request(Methods.chart, { source, chart: { kind: 'line', x: 'v', y: 'w', aggregate: 'avg', buckets: 2 } });
    assert.equal(avg.x.length, 2);
    assert.deepEqual(avg.y, [(0 + 499) / 2 * 2.5, (500 + 999) / 2 * 2.5]);
  });

  test('a scatter is a sample of at most N points, the same each time', async () => {
    const one = await alice.request(Methods.chart, { source, chart: { kind: 'scatter', x: 'v', y: 'w', limit: 50 } });
    assert.equal(one.x.length, 50);
    assert.equal(one.rowCount, 1000);
    for (let i = 0; i < 50; i++) assert.equal(one.y[i], one.x[i]! * 2.5);
    const again = await alice.request(Methods.chart, { source, chart: { kind: 'scatter', x: 'v', y: 'w', limit: 50 } });
    assert.deepEqual(again.x, one.x);
  });

  test('no rows beyond the cap, and the answer stays small, from a large frame', async () => {
    const wide = { kind: 'frame' as const, name: 'alice.wide' };
    const bars = await alice.request(Methods.chart, { source: wide, chart: { kind: 'bar', x: 'label', limit: 100 } });
    assert.equal(bars.labels!.length, 100);
    assert.ok(bars.labels!.every((l) => l.length <= 200));
    const points = await alice.request(Methods.chart, { source: wide, chart: { kind: 'scatter', x: 'v', y: 'v', limit: 5000 } });
    assert.equal(points.x.length, 5000);
    assert.equal(points.rowCount, 200_000);
    assert.ok(JSON.stringify(points).length < 512 * 1024);
    const tooMany = await failure(() => alice.request(Methods.chart, { source: wide, chart: { kind: 'scatter', x: 'v', y: 'v', limit: 5001 } }));
    assert.equal(tooMany.code, ErrorCodes.InvalidParams);
  });

  test('wrong columns and types are refused clearly; others may not chart what they may not read', async () => {
    const text = await failure(() => alice.request(Methods.chart, { source, chart: { kind: 'histogram', column: 'g' } }));
    assert.equal(text.code, ErrorCodes.InvalidParams);
    assert.match(text.message, /histogram needs a numeric or date\/time column; g is VARCHAR/);
    const sumText = await failure(() => alice.request(Methods.chart, { source, chart: { kind: 'bar', x: 'v', y: 'g', aggregate: 'sum' } }));
    assert.match(sumText.message, /sum\(y\) needs a numeric column/);
    const missing = await failure(() => alice.request(Methods.chart, { source, chart: { kind: 'histogram', column: 'v") FROM x --' } }));
    assert.equal(missing.code, ErrorCodes.ColumnNotFound);
    const refused = await failure(() => bob.request(Methods.chart, { source, chart: { kind: 'histogram', column: 'v' } }));
    assert.equal(refused.code, ErrorCodes.FrameNotFound);
  });

  test('a saved chart keeps its frame version, kind, columns and filters; opening it aggregates again, as the caller', async () => {
    const filters = [{ kind: 'range' as const, column: 'v', max: 499 }];
    const saved = await alice.request(Methods.saveChart, { name: 'v_hist', from: 'known', chart: { kind: 'histogram', column: 'v', bins: 5 }, filters });
    assert.equal(saved.kind, 'chart');
    assert.equal(saved.from, 'alice.known@1');
    assert.deepEqual(saved.chart, { kind: 'histogram', column: 'v', bins: 5 });
    assert.deepEqual(saved.filters, filters);
    const listed = await alice.request(Methods.listObjects, { kind: 'chart' });
    assert.deepEqual(listed.objects.map((o) => o.name), ['alice.v_hist']);
    const invalid = await failure(() => alice.request(Methods.saveChart, { name: 'bad', from: 'known', chart: { kind: 'histogram', column: 'g' } }));
    assert.equal(invalid.code, ErrorCodes.InvalidParams);

    // A new version of the frame: the chart still draws the version it was saved from.
    await alice.request(Methods.save, { name: 'known', from: { sql: 'SELECT range AS v FROM range(10)' }, replace: true });
    const opened = await alice.request(Methods.openChart, { name: 'v_hist' });
    assert.equal(opened.data.rowCount, 500);
    assert.deepEqual(opened.data.y, [100, 100, 100, 100, 100]);

    // Shared like a query: bob sees the chart once shared, its data only if he may read the frame.
    assert.equal((await failure(() => bob.request(Methods.openChart, { name: 'alice.v_hist' }))).code, ErrorCodes.FrameNotFound);
    await alice.request(Methods.shareObject, { name: 'v_hist', kind: 'chart', with: { kind: 'user', name: 'bob' } });
    assert.equal((await failure(() => bob.request(Methods.openChart, { name: 'alice.v_hist' }))).code, ErrorCodes.FrameNotFound);
    await alice.request(Methods.share, { name: 'known', with: { kind: 'user', name: 'bob' } });
    assert.deepEqual((await bob.request(Methods.openChart, { name: 'alice.v_hist' })).data.y, opened.data.y);
  });
});
