/**
 * One memory budget (--memory-limit) for everything the gateway holds: memory-hungry SQL fails
 * with OutOfMemory inside the engine's share, kept results are charged and freed on disconnect,
 * windows are bounded in bytes, a client that pipelines windows and stops reading holds one,
 * unfinished uploads are capped gateway-wide and dropped when idle, and huge statements are
 * refused before they are planned. After each, another client is still served.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { encodeAttachmentFrame, FramegateError, MAX_SQL_CHARS, Methods } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';

/** What the gateway holds beyond the engine's caches of frame data (which windows fill, and which give way). */
const notCached = (info: { memoryUsedBytes: number; memoryCachedBytes: number }) => info.memoryUsedBytes - info.memoryCachedBytes;
import { failure, rawExchange, rawSocket, sampleIpc, startTestGateway, type TestGateway } from './support';

/** Polls an asynchronous condition until it holds, or fails after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}


describe('one memory budget', () => {
  let gw: TestGateway;
  let other: GatewayClient;
  let peakRss = 0;
  let sampler: NodeJS.Timeout;
  before(async () => {
    gw = await startTestGateway({ memoryLimit: '512MiB', uploadIdleTimeoutMs: 500, queryTimeoutMs: 60_000 });
    other = await gw.connect(await gw.addUser('bystander'));
    await other.upload({ name: 'numbers' }, sampleIpc(1000));
    sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
  });
  after(async () => {
    clearInterval(sampler);
    other.close();
    await gw.dispose();
  });

  async function stillServes(): Promise<void> {
    const { ipc } = await other.window({ source: { kind: 'frame', name: 'numbers' }, offset: 10, limit: 5 });
    assert.ok(ipc.byteLength > 0);
    assert.equal((await other.request(Methods.listFrames, {})).frames.length, 1);
  }

  test('memory-hungry SQL (huge strings, huge lists, huge aggregates) fails with OutOfMemory', async (t) => {
    const client = await gw.connect();
    t.after(() => client.close());
    for (const sql of [
      "SELECT repeat('x', 1000000) || range AS s FROM range(3000)",
      'SELECT list(range) AS l FROM range(200000000)',
      "SELECT string_agg('abcdefghij', ',') AS l FROM range(200000000)",
    ]) {
      const error = await failure(() => client.request(Methods.sql, { sql }));
      assert.equal(error.kind, 'OutOfMemory', `${sql}: ${error.message}`);
      await stillServes();
    }
    t.diagnostic(`peak RSS of the test process (gateway in it) so far: ${Math.round(peakRss / 2 ** 20)} MiB for a 512 MiB budget`);
  });

  test('kept results are charged to the budget, refused past it, and freed when their client leaves', async (t) => {
    const client = await gw.connect();
    let kept = 0;
    let refused: FramegateError | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      try {
        await client.request(Methods.sql, { sql: 'SELECT range AS a, range * 2 AS b, range * 3 AS c FROM range(3000000)' });
        kept++;
      } catch (error) {
        refused = error as FramegateError;
      }
    }
    assert.ok(refused, 'the budget refused a result at last');
    assert.equal(refused.kind, 'OutOfMemory', refused.message);
    assert.match(refused.message, /close results you no longer need/);
    assert.ok(kept >= 1 && kept < 40, `kept ${kept} results`);
    const held = notCached(await other.request(Methods.info, {}));
    assert.ok(held > kept * 3_000_000 * 24 * 0.9, `${held} bytes held for ${kept} results`);
    await stillServes();
    client.close();
    await until(async () => notCached(await other.request(Methods.info, {})) === 0, 'the results to be freed');
    t.diagnostic(`${kept} results of 3M rows kept before OutOfMemory; freed on disconnect`);
    // What was freed can be used again.
    const again = await gw.connect();
    t.after(() => again.close());
    assert.equal((await again.request(Methods.sql, { sql: 'SELECT range AS a FROM range(3000000)' })).rowCount, 3_000_000);
  });

  test('a window of wide values is bounded in bytes, not only rows', async (t) => {
    const client = await gw.connect();
    t.after(() => client.close());
    await client.request(Methods.save, { name: 'wide', from: { sql: "SELECT range AS id, repeat('w', 100000) AS text FROM range(4000)" } });
    const error = await failure(() => client.window({ source: { kind: 'frame', name: 'wide' }, offset: 0, limit: 4000 }));
    assert.equal(error.kind, 'OutOfMemory', error.message);
    assert.match(error.message, /fewer rows or columns/);
    const small = await client.window({ source: { kind: 'frame', name: 'wide' }, offset: 0, limit: 100 });
    assert.equal(small.result.rows, 100);
    await stillServes();
  });

  test('a client that pipelines windows and stops reading holds one window, not one per request', async (t) => {
    const raw = await rawSocket(gw.url, gw.adminToken);
    t.after(() => raw.terminate());
    raw.pause();
    for (let id = 1; id <= 40; id++) {
      raw.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'data/window', params: { source: { kind: 'frame', name: 'root.wide' }, offset: (id * 37) % 3000, limit: 300 } }));
    }
    // 40 windows of 30 MB would be 1.2 GB; the budget never holds more than a window or two.
    let most = 0;
    const until = performance.now() + 3_000;
    while (performance.now() < until) {
      most = Math.max(most, notCached(await other.request(Methods.info, {})));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(most < 100 * 2 ** 20, `held ${Math.round(most / 2 ** 20)} MiB for a stalled client`);
    await stillServes();
    t.diagnostic(`most held for 40 pipelined 30 MB windows of a stalled client: ${Math.round(most / 2 ** 20)} MiB`);
  });

  test('unfinished uploads are capped gateway-wide, refused with OutOfMemory, and dropped when idle', async (t) => {
    const sockets = [await rawSocket(gw.url, gw.adminToken), await rawSocket(gw.url, gw.adminToken)];
    t.after(() => sockets.forEach((s) => s.terminate()));
    const part = new Uint8Array(4 * 2 ** 20);
    // Each connection may hold 1 GiB (--max-upload-bytes); together they may not pass the budget.
    for (const socket of sockets) for (let i = 0; i < 40; i++) socket.send(encodeAttachmentFrame(1, part, i === 39));
    const replies = await Promise.all(sockets.map((s) => rawExchange(s, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'frames/upload', params: { name: 'junk', attachment: 1 } }))));
    const kinds = replies.map((r) => (r.error?.data as { kind?: string } | undefined)?.kind);
    assert.ok(kinds.includes('OutOfMemory'), `replies: ${JSON.stringify(kinds)}`);
    // A half-sent upload is dropped once idle, and what it held is released.
    sockets[0]!.send(encodeAttachmentFrame(2, part, false));
    await until(async () => notCached(await other.request(Methods.info, {})) >= part.byteLength, 'the part to be held');
    await until(async () => notCached(await other.request(Methods.info, {})) === 0, 'the idle upload to be dropped', 5_000);
    await stillServes();
  });

  test('huge statements are refused before they are planned', async (t) => {
    const client = await gw.connect();
    t.after(() => client.close());
    const started = performance.now();
    const unions = await failure(() => client.request(Methods.sql, { sql: `SELECT 1 AS x${' UNION ALL SELECT 1'.repeat(5000)}` }));
    assert.equal(unions.kind, 'SqlRefused', unions.message);
    assert.ok(performance.now() - started < 5_000, `took ${Math.round(performance.now() - started)} ms`);
    const long = await failure(() => client.request(Methods.sql, { sql: `SELECT 1 AS x WHERE ${Array.from({ length: 20_000 }, (_, i) => `${i} = ${i}`).join(' AND ')}` }));
    assert.equal(long.kind, 'InvalidParams');
    assert.match(long.message, new RegExp(MAX_SQL_CHARS.toLocaleString('en-US')));
    await stillServes();
  });
});
