/**
 * Timeouts and fairness with many heavy queries at once: every query is answered within the
 * timeout (its interrupt is never lost, also when it waited for a thread), a few long queries do
 * not stall other clients' windows and catalog calls, and one user's queries are capped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { FramegateError, Methods } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { MAX_QUEUED_PER_USER } from '../../server/config';
import { sampleIpc, startTestGateway, waitFor, type TestGateway } from './support';

/** Runs for minutes unless interrupted. */
const SLOW_SQL = 'SELECT count(*) AS n FROM range(1000000000000) t(i) WHERE (i * 7) % 13 = 5';
/**
 * Long queries of shapes whose interrupt used to be lost when they waited for a thread of the
 * engine's pool: a sort ran to its end (25 s for a 1 s timeout), a cross join never ended.
 */
const LONG_SHAPES = ['SELECT * FROM range(300000000) t(i) ORDER BY (i * 7919) % 1000003 LIMIT 1', 'SELECT count(*) FROM range(100000000000) a, range(1000) b'];
/** How far past its timeout an answer may come on a loaded 2-core machine. */
const SLACK_MS = 1_000;

/** The error `work` fails with and how long it took; a call still pending after `guardMs` fails the test. */
async function timedFailure(work: Promise<unknown>, guardMs = 30_000): Promise<{ error: FramegateError; ms: number }> {
  const started = performance.now();
  let guard: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise((_, reject) => (guard = setTimeout(() => reject(new Error(`no answer after ${guardMs} ms`)), guardMs)))]);
  } catch (error) {
    assert.ok(error instanceof FramegateError, String(error));
    return { error, ms: performance.now() - started };
  } finally {
    clearTimeout(guard);
  }
  assert.fail('expected the query to fail');
}

describe('timeouts under load', () => {
  let gw: TestGateway;
  const clients: GatewayClient[] = [];
  before(async () => {
    gw = await startTestGateway({ queryTimeoutMs: 2_000, maxQueriesPerUser: 6 });
    for (const name of ['u1', 'u2', 'u3']) {
      const token = await gw.addUser(name);
      clients.push(await gw.connect(token), await gw.connect(token));
    }
  });
  after(async () => {
    for (const client of clients) client.close();
    await gw.dispose();
  });

  test('six long queries at once: each is answered with QueryTimeout within the timeout', async (t) => {
    const outcomes = await Promise.all(clients.map((client, i) => timedFailure(client.request(Methods.sql, { sql: LONG_SHAPES[i % 2]! }), 15_000)));
    const worst = Math.max(...outcomes.map((o) => o.ms));
    for (const { error } of outcomes) assert.equal(error.kind, 'QueryTimeout', error.message);
    assert.ok(worst < 2_000 + SLACK_MS, `the slowest answer took ${Math.round(worst)} ms for a 2000 ms timeout`);
    t.diagnostic(`slowest answer: ${Math.round(worst)} ms for a 2000 ms timeout`);
    // The sessions are usable afterwards.
    const { rowCount } = await clients[0]!.request(Methods.sql, { sql: 'SELECT 1 AS one' });
    assert.equal(rowCount, 1);
  });
});

describe('fair turns for heavy work', () => {
  let gw: TestGateway;
  let heavyUser: string;
  before(async () => {
    gw = await startTestGateway({ queryTimeoutMs: 8_000, maxQueriesPerUser: 4 });
    heavyUser = await gw.addUser('heavy');
    const admin = await gw.connect();
    await admin.upload({ name: 'main.numbers' }, sampleIpc(100_000));
    admin.close();
  });
  after(() => gw.dispose());

  test("four long queries of one user do not stall another user's windows and catalog calls", async (t) => {
    const heavy = await Promise.all([1, 2, 3, 4].map(async () => gw.connect(heavyUser)));
    const light = await gw.connect(await gw.addUser('light'));
    try {
      const running = heavy.map((client) => client.request(Methods.sql, { sql: SLOW_SQL }).catch((error: unknown) => error));
      await waitFor(() => gw.logs.filter((l) => l.event === 'request-start' && l.user === 'heavy').length === 4, 'the heavy queries to start');
      let slowest = 0;
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        await light.window({ source: { kind: 'frame', name: 'numbers' }, offset: i * 1000, limit: 500 });
        await light.request(Methods.listFrames, {});
        slowest = Math.max(slowest, performance.now() - started);
      }
      assert.ok(slowest < 1_000, `a window and a listing took ${Math.round(slowest)} ms while heavy queries ran`);
      t.diagnostic(`slowest window + listing during 4 heavy queries: ${Math.round(slowest)} ms`);
      for (const client of heavy) client.close();
      for (const outcome of await Promise.all(running)) assert.ok(outcome instanceof FramegateError);
    } finally {
      light.close();
      for (const client of heavy) client.close();
    }
  });

  test('one user may have a few queries running and some waiting; the next one is LimitReached', async () => {
    const client = await gw.connect(await gw.addUser('greedy'));
    try {
      const limit = 4 + MAX_QUEUED_PER_USER;
      const pending = Array.from({ length: limit }, () => client.request(Methods.sql, { sql: SLOW_SQL }).catch((error: unknown) => error));
      await waitFor(() => gw.logs.filter((l) => l.event === 'request-start' && l.user === 'greedy').length === limit, 'every request to arrive');
      const refused = await timedFailure(client.request(Methods.sql, { sql: 'SELECT 1' }));
      assert.equal(refused.error.kind, 'LimitReached', refused.error.message);
      assert.ok(refused.ms < 1_000, 'refused at once');
      client.close();
      for (const outcome of await Promise.all(pending)) assert.ok(outcome instanceof FramegateError);
    } finally {
      client.close();
    }
    // Others were never limited by it.
    const other = await gw.connect();
    try {
      assert.equal((await other.request(Methods.sql, { sql: 'SELECT 2 AS two' })).rowCount, 1);
    } finally {
      other.close();
    }
  });

  test('a cancelled request leaves the queue at once', async () => {
    const client = await gw.connect(await gw.addUser('canceller'));
    try {
      const running = Array.from({ length: 4 }, () => client.request(Methods.sql, { sql: SLOW_SQL }).catch((error: unknown) => error));
      await waitFor(() => gw.logs.filter((l) => l.event === 'request-start' && l.user === 'canceller').length === 4, 'the queries to start');
      const started = performance.now();
      client.close();
      const outcomes = await Promise.all(running);
      for (const outcome of outcomes) assert.ok(outcome instanceof FramegateError);
      const ended = await waitFor(() => gw.logs.filter((l) => l.event === 'request' && l.user === 'canceller').length === 4 && performance.now(), 'the gateway to finish them');
      assert.ok(ended - started < 3_000, `the gateway let go of them ${Math.round(ended - started)} ms after the client left`);
    } finally {
      client.close();
    }
  });
});
