/**
 * Per-column filters on windows: structured filters the gateway turns into SQL itself. Values,
 * ranges and text keep the rows SQL says they keep, combined with a sort; names and values that
 * look like SQL are data; wrong types and unknown columns are refused clearly, and refused to a
 * user who may not read the frame exactly as for a window. Real gateway, DuckDB, WebSockets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCodes, Methods, type ColumnFilter, type SortKey } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { decodeRows, failure, startTestGateway, type TestGateway } from './support';

const SQL = `SELECT range AS id, range % 10 AS k, CASE WHEN range % 3 = 0 THEN 'Apple pie' WHEN range % 3 = 1 THEN 'banana' ELSE NULL END AS fruit,
  DATE '2024-01-01' + CAST(range % 60 AS INTEGER) AS day, 'it''s 50%_off' AS odd FROM range(5000)`;

describe('filtered windows', () => {
  let gw: TestGateway;
  let alice: GatewayClient;
  let bob: GatewayClient;
  const source = { kind: 'frame' as const, name: 'alice.shop' };
  before(async () => {
    gw = await startTestGateway();
    alice = await gw.connect(await gw.addUser('alice'));
    bob = await gw.connect(await gw.addUser('bob'));
    await alice.request(Methods.save, { name: 'shop', from: { sql: SQL } });
    // A column whose name is an attempt at SQL.
    await alice.request(Methods.save, { name: 'weird', from: { sql: `SELECT range AS "x"" OR 1=1 --", range AS v FROM range(10)` } });
  });
  after(async () => {
    alice.close();
    bob.close();
    await gw.dispose();
  });

  /** What DuckDB's own SQL keeps, in that order. */
  async function truth(where: string, order = 'id'): Promise<Record<string, unknown>[]> {
    const result = await alice.request(Methods.sql, { sql: `SELECT * FROM shop WHERE ${where} ORDER BY ${order}` });
    const { ipc } = await alice.export({ source: { kind: 'result', id: result.id } });
    await alice.request(Methods.closeResult, { id: result.id });
    return decodeRows(ipc);
  }

  async function filtered(filters: ColumnFilter[], sort: SortKey[] = [], offset = 0, limit = 10_000) {
    const { result, ipc } = await alice.window({ source, offset, limit, filters, sort });
    return { result, rows: decodeRows(ipc) };
  }

  test('values, ranges and text keep what SQL keeps, with the row count and the SQL shown', async () => {
    const values = await filtered([{ kind: 'values', column: 'k', values: ['3', '7'] }]);
    assert.deepEqual(values.rows, await truth('k IN (3, 7)'));
    assert.equal(values.result.rowCount, 1000);
    assert.equal(values.result.sql, `SELECT * FROM "alice"."shop" WHERE CAST("k" AS VARCHAR) IN ('3', '7')`);

    const nulls = await filtered([{ kind: 'values', column: 'fruit', values: ['banana', null] }]);
    assert.deepEqual(nulls.rows, await truth(`fruit = 'banana' OR fruit IS NULL`));

    const range = await filtered([{ kind: 'range', column: 'id', min: 100, max: 120.5 }]);
    assert.deepEqual(range.rows.map((r) => r.id), Array.from({ length: 21 }, (_, i) => 100 + i));
    const days = await filtered([{ kind: 'range', column: 'day', min: '2024-02-01' }]);
    assert.deepEqual(days.rows, await truth(`day >= DATE '2024-02-01'`));

    const contains = await filtered([{ kind: 'text', column: 'fruit', match: 'contains', text: 'PIE' }]);
    assert.deepEqual(contains.rows, await truth(`fruit ILIKE '%pie%'`));
    const starts = await filtered([{ kind: 'text', column: 'fruit', match: 'startsWith', text: 'ban' }]);
    assert.deepEqual(starts.rows, await truth(`fruit ILIKE 'ban%'`));
    // LIKE's own wildcards in the text are matched literally.
    assert.equal((await filtered([{ kind: 'text', column: 'fruit', match: 'contains', text: '_' }])).result.rowCount, 0);
    assert.equal((await filtered([{ kind: 'text', column: 'odd', match: 'contains', text: "'s 50%_" }])).result.rowCount, 5000);
  });

  test('filters combine with each other and with a sort, windowed anywhere', async () => {
    const filters: ColumnFilter[] = [
      { kind: 'values', column: 'fruit', values: ['Apple pie'] },
      { kind: 'range', column: 'k', min: 2, max: 8 },
    ];
    const sort = [{ column: 'k', descending: true }, { column: 'id', descending: true }];
    const all = await truth(`fruit = 'Apple pie' AND k BETWEEN 2 AND 8`, 'k DESC, id DESC');
    const first = await filtered(filters, sort, 0, 100);
    assert.equal(first.result.rowCount, all.length);
    assert.deepEqual(first.rows, all.slice(0, 100));
    assert.deepEqual((await filtered(filters, sort, 500, 50)).rows, all.slice(500, 550));
    assert.equal(first.result.sql, `SELECT * FROM "alice"."shop" WHERE CAST("fruit" AS VARCHAR) IN ('Apple pie') AND "k" >= 2 AND "k" <= 8 ORDER BY "k" DESC, "id" DESC`);
  });

  test('SQL in values and column names is data, never code', async () => {
    for (const attack of [`3') OR 1=1 --`, `'; DROP TABLE shop; --`, `\\'`]) {
      const values = await filtered([{ kind: 'values', column: 'k', values: [attack] }]);
      assert.equal(values.result.rowCount, 0, attack);
      const text = await filtered([{ kind: 'text', column: 'fruit', match: 'contains', text: attack }]);
      assert.equal(text.result.rowCount, 0, attack);
    }
    const named = await alice.window({ source: { kind: 'frame', name: 'weird' }, offset: 0, limit: 100, filters: [{ kind: 'range', column: 'x" OR 1=1 --', max: 2 }] });
    assert.deepEqual(decodeRows(named.ipc).map((r) => r.v), [0, 1, 2]);
    const missing = await failure(() => alice.window({ source, offset: 0, limit: 10, filters: [{ kind: 'values', column: 'k" OR 1=1 --', values: ['1'] }] }));
    assert.equal(missing.code, ErrorCodes.ColumnNotFound);
    // The frame is untouched.
    assert.equal((await alice.window({ source, offset: 0, limit: 1 })).result.rowCount, 5000);
  });

  test('wrong types are refused with a clear error, before anything runs', async () => {
    const text = await failure(() => alice.window({ source, offset: 0, limit: 10, filters: [{ kind: 'range', column: 'id', min: '1; DROP' }] }));
    assert.equal(text.code, ErrorCodes.InvalidParams);
    assert.match(text.message, /id holds numbers.*takes numbers/);
    const date = await failure(() => alice.window({ source, offset: 0, limit: 10, filters: [{ kind: 'range', column: 'day', min: 'yesterday' }] }));
    assert.match(date.message, /ISO dates/);
    const onText = await failure(() => alice.window({ source, offset: 0, limit: 10, filters: [{ kind: 'range', column: 'fruit', min: 1 }] }));
    assert.match(onText.message, /range filter needs numbers or dates; fruit is VARCHAR/);
    const empty = await failure(() => alice.window({ source, offset: 0, limit: 10, filters: [{ kind: 'range', column: 'id' }] }));
    assert.match(empty.message, /needs a min, a max or both/);
    const malformed = await failure(() => alice.window({ source, offset: 0, limit: 10, filters: [{ kind: 'sql', column: 'id', text: '1=1' } as unknown as ColumnFilter] }));
    assert.equal(malformed.code, ErrorCodes.InvalidParams);
  });

  test('a user who may not read the frame learns nothing from a filter', async () => {
    const refused = await failure(() => bob.window({ source, offset: 0, limit: 10, filters: [{ kind: 'values', column: 'nope', values: ['1'] }] }));
    const plain = await failure(() => bob.window({ source: { kind: 'frame', name: 'alice.nothing' }, offset: 0, limit: 10 }));
    assert.equal(refused.code, ErrorCodes.FrameNotFound);
    assert.equal(refused.code, plain.code);
  });

  test('a filtered view is kept: the same filter again, sorted or not, does not run it again; old views are closed', async () => {
    const made = () => gw.logs.filter((l) => l.event === 'filtered-view').length;
    const filters: ColumnFilter[] = [{ kind: 'range', column: 'id', min: 4000 }];
    const start = made();
    await filtered(filters);
    for (let i = 0; i < 5; i++) assert.equal((await filtered(filters, [{ column: 'id', descending: i % 2 === 0 }], 0, 10)).result.rowCount, 1000);
    assert.equal(made(), start + 1);
    // More views than a connection keeps: the oldest is closed, and made again when asked for.
    for (let min = 1; min <= 4; min++) await filtered([{ kind: 'range', column: 'id', min }], [], 0, 1);
    assert.equal(made(), start + 5);
    await filtered(filters, [], 0, 1);
    assert.equal(made(), start + 6);
  });
});
