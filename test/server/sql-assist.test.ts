/**
 * sql/check and sql/complete on a real gateway (DuckDB) over real WebSockets, for two people:
 * each error kind with the exact range of the text at fault, columns of a statement that binds,
 * completion by position, and nothing of a frame the caller may not read, which checks exactly
 * like a frame that does not exist.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, Methods, type SqlCompleteResult, type SqlProblem } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { failure, sampleIpc, startTestGateway, type TestGateway } from './support';

describe('sql/check and sql/complete', () => {
  let gw: TestGateway;
  let alice: GatewayClient;
  let bob: GatewayClient;

  before(async () => {
    gw = await startTestGateway();
    const admin = await gw.connect();
    await admin.upload({ name: 'main.sales' }, sampleIpc(20));
    admin.close();
    alice = await gw.connect(await gw.addUser('alice'));
    bob = await gw.connect(await gw.addUser('bob'));
    await alice.request(Methods.save, { name: 'orders', from: { sql: "SELECT range AS order_id, 'EU' AS region, range * 2.5 AS amount FROM range(10)" } });
    await bob.request(Methods.save, { name: 'payroll', from: { sql: 'SELECT 1 AS salary, 2 AS employee_id' } });
  });
  after(async () => {
    alice?.close();
    bob?.close();
    await gw?.dispose();
  });

  async function problem(client: GatewayClient, sql: string): Promise<SqlProblem & { text: string }> {
    const result = await client.request(Methods.sqlCheck, { sql });
    assert.equal(result.problems.length, 1, `expected one problem for ${sql}, got ${JSON.stringify(result)}`);
    const found = result.problems[0]!;
    return { ...found, text: sql.slice(found.start, found.end) };
  }

  test('a statement that binds has no problems and gives its columns, without running', async () => {
    const result = await alice.request(Methods.sqlCheck, { sql: 'SELECT o.region, sum(o.amount) AS total FROM orders o GROUP BY 1' });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.columns?.map((c) => c.name), ['region', 'total']);
  });

  test('each kind of problem comes with the range of the text at fault', async () => {
    const cases: [string, SqlProblem['kind'], string][] = [
      ['SELEC id FROM main.sales', 'syntax', 'SELEC'],
      ['SELECT id FROM main.sales WHERE', 'syntax', 'WHERE'],
      ['SELECT * FROM main.nope', 'frame', 'main.nope'],
      ['SELECT s.id FROM sales s JOIN nothing n ON s.id = n.id', 'frame', 'nothing'],
      ['SELECT id, wrong_column FROM main.sales', 'column', 'wrong_column'],
      ['SELECT o.order_id, o.nope FROM orders o', 'column', 'o.nope'],
      ['SELECT  no_such_function(id) FROM main.sales', 'function', 'no_such_function'],
      ["SELECT id, getenv('HOME') FROM main.sales", 'refused', 'getenv'],
    ];
    for (const [sql, kind, text] of cases) {
      const found = await problem(alice, sql);
      assert.equal(found.kind, kind, `${sql}: ${found.message}`);
      assert.equal(found.text, text, `${sql}: ${found.message}`);
    }
    const write = await problem(alice, 'DELETE FROM main.sales');
    assert.equal(write.kind, 'refused');
    assert.equal(write.text, 'DELETE FROM main.sales');
  });

  test("another person's private frame checks exactly like one that does not exist", async () => {
    const hidden = await problem(alice, 'SELECT * FROM bob.payroll');
    const missing = await problem(alice, 'SELECT * FROM bob.payrolx');
    assert.equal(hidden.kind, 'frame');
    assert.equal(hidden.message.replace('payroll', 'X'), missing.message.replace('payrolx', 'X'));
    assert.equal(hidden.text, 'bob.payroll');
    // Their owner reads it fine.
    assert.deepEqual((await bob.request(Methods.sqlCheck, { sql: 'SELECT * FROM bob.payroll' })).problems, []);
  });

  async function complete(client: GatewayClient, marked: string): Promise<SqlCompleteResult & { labels: string[] }> {
    const offset = marked.indexOf('|');
    const sql = marked.replace('|', '');
    const result = await client.request(Methods.sqlComplete, { sql, offset });
    return { ...result, labels: result.items.map((i) => i.label) };
  }

  test('completion after FROM offers namespaces and readable frames, with owner and rows', async () => {
    const result = await complete(alice, 'SELECT * FROM |');
    assert.ok(result.labels.includes('orders'), result.labels.join());
    assert.ok(result.labels.includes('sales'));
    assert.ok(result.labels.includes('main') && result.labels.includes('alice'));
    assert.ok(!result.labels.some((l) => l.includes('payroll')) && !result.labels.includes('bob'), 'nothing of bob');
    const orders = result.items.find((i) => i.label === 'orders')!;
    assert.equal(orders.kind, 'frame');
    assert.match(orders.detail ?? '', /alice\.orders · alice · 10 rows/);
  });

  test('completion of a namespace and of a half-typed name', async () => {
    assert.deepEqual((await complete(alice, 'SELECT * FROM main.|')).labels, ['sales']);
    const typed = await complete(alice, 'SELECT * FROM ord|');
    assert.deepEqual(typed.labels, ['orders']);
    assert.equal(typed.from, 'SELECT * FROM '.length);
    assert.deepEqual((await complete(bob, 'SELECT * FROM alice.|')).labels, []);
  });

  test('columns after an alias, of CTEs, and of everything a statement reads', async () => {
    assert.deepEqual((await complete(alice, 'SELECT o.| FROM orders o')).labels, ['order_id', 'region', 'amount']);
    assert.deepEqual((await complete(alice, 'WITH t AS (SELECT region, amount * 2 AS doubled FROM orders) SELECT t.| FROM t')).labels, ['region', 'doubled']);
    const all = await complete(alice, 'SELECT | FROM orders o JOIN main.sales s ON o.order_id = s.id');
    for (const column of ['order_id', 'region', 'amount', 'id', 'label', 'value']) assert.ok(all.labels.includes(column), column);
    assert.equal(all.items.find((i) => i.label === 'label')?.detail, 'VARCHAR · s');
  });

  test('functions and keywords from the engine', async () => {
    const fn = await complete(alice, 'SELECT count_| FROM orders');
    assert.ok(fn.labels.includes('count_star'), fn.labels.join());
    assert.ok(fn.items.every((i) => i.label.toLowerCase().startsWith('count_')));
    assert.ok(!(await complete(alice, 'SELECT getenv|')).labels.includes('getenv'), 'refused functions are not offered');
    const keyword = await complete(alice, 'SELECT count(*) FR|');
    assert.ok(keyword.items.some((i) => i.kind === 'keyword' && i.label === 'FROM'), keyword.labels.join());
  });

  test('completion follows access exactly: share, revoke, publish, group membership and delete show in the next answer', async () => {
    const frames = async (client: GatewayClient, marked: string) => (await complete(client, marked)).items.filter((i) => i.kind === 'frame').map((i) => i.detail!.split(' · ')[0]);
    await bob.request(Methods.save, { name: 'bonus', from: { sql: 'SELECT 1 AS amount' } });
    assert.deepEqual(await frames(alice, 'SELECT * FROM bo|'), [], 'not shared yet');
    await bob.request(Methods.share, { name: 'bonus', with: { kind: 'user', name: 'alice' } });
    assert.deepEqual(await frames(alice, 'SELECT * FROM bo|'), ['bob.bonus']);
    assert.match((await complete(alice, 'SELECT * FROM bob.|')).items[0]?.detail ?? '', /bob\.bonus · bob, shared by bob · 1 row$/);
    await bob.request(Methods.unshare, { name: 'bonus', with: { kind: 'user', name: 'alice' } });
    assert.deepEqual(await frames(alice, 'SELECT * FROM bo|'), [], 'revoked: gone from the next completion');
    assert.deepEqual(await frames(alice, 'SELECT * FROM bob.|'), []);

    const admin = await gw.connect();
    try {
      await admin.request(Methods.addGroup, { name: 'payroll_readers', members: ['alice'] });
      await bob.request(Methods.share, { name: 'bonus', with: { kind: 'group', name: 'payroll_readers' } });
      assert.deepEqual(await frames(alice, 'SELECT * FROM bo|'), ['bob.bonus'], 'through a group');
      await admin.request(Methods.removeGroup, { name: 'payroll_readers', members: ['alice'] });
      assert.deepEqual(await frames(alice, 'SELECT * FROM bo|'), [], 'out of the group');
    } finally {
      admin.close();
    }

    await bob.request(Methods.share, { name: 'bonus', with: { kind: 'team' } });
    assert.deepEqual(await frames(alice, 'SELECT * FROM bo|'), ['bob.bonus'], 'published to the team');
    await bob.request(Methods.delete, { name: 'bonus' });
    assert.deepEqual(await frames(alice, 'SELECT * FROM bo|'), [], 'deleted');
    assert.deepEqual(await frames(bob, 'SELECT * FROM bo|'), []);
  });

  test('bad params are refused with a clear error', async () => {
    const error = await failure(() => alice.request(Methods.sqlComplete, { sql: 'SELECT', offset: 99 }));
    assert.equal(error.code, ErrorCodes.InvalidParams);
  });
});
