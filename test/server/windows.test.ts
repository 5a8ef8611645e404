/**
 * Windows through the gateway stay exact with the engine's caches behind them: a frame larger
 * than a cached block, read unsorted and sorted (as `ORDER BY …, rowid`) at block edges and
 * everywhere else; a replaced frame shows its new version at once, a deleted one is gone, and
 * another user still cannot read a private frame whose blocks are cached. Real gateway, real
 * tokens, real WebSockets, real DuckDB.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCodes, Methods, type SortKey } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { failure, decodeRows, startTestGateway, type TestGateway } from './support';

const ROWS = 100_000; // three default blocks and a bit
const SQL = `SELECT range AS id, (range * 7919) % 1000 AS k, 'name-' || range AS label, CASE WHEN range % 7 = 0 THEN NULL ELSE range % 13 END AS maybe FROM range(${ROWS})`;


describe('windows through the gateway and its caches', () => {
  let gw: TestGateway;
  let alice: GatewayClient;
  let bob: GatewayClient;
  before(async () => {
    gw = await startTestGateway();
    alice = await gw.connect(await gw.addUser('alice', { teamWriter: true }));
    bob = await gw.connect(await gw.addUser('bob', { teamWriter: true }));
    await alice.request(Methods.save, { name: 'main.big', from: { sql: SQL } });
  });
  after(async () => {
    alice.close();
    bob.close();
    await gw.dispose();
  });

  /** The rows DuckDB's own SQL gives for a window (a result of the same client, read whole). */
  async function truth(client: GatewayClient, frame: string, offset: number, limit: number, sort: SortKey[] = []): Promise<Record<string, unknown>[]> {
    const keys = [...sort.map((k) => `${k.column} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`), 'rowid'];
    const result = await client.request(Methods.sql, { sql: `SELECT * FROM ${frame} ORDER BY ${keys.join(', ')} LIMIT ${limit} OFFSET ${offset}` });
    const { ipc } = await client.export({ source: { kind: 'result', id: result.id } });
    await client.request(Methods.closeResult, { id: result.id });
    return decodeRows(ipc);
  }

  test('unsorted windows at block edges and elsewhere equal the SQL, for every client', async () => {
    for (const [offset, limit] of [
      [0, 1000],
      [32_700, 200],
      [65_536, 10],
      [50_000, 40_000],
      [ROWS - 5, 100],
    ] as const) {
      for (const client of [alice, bob]) {
        const { result, ipc } = await client.window({ source: { kind: 'frame', name: 'big' }, offset, limit });
        assert.equal(result.rowCount, ROWS);
        assert.deepEqual(decodeRows(ipc), await truth(client, 'big', offset, Math.min(limit, ROWS - offset)), `offset ${offset}`);
      }
    }
  });

  test('sorted windows equal ORDER BY …, rowid everywhere', async () => {
    for (const sort of [[{ column: 'k', descending: true }], [{ column: 'maybe' }, { column: 'label', descending: true }]] as SortKey[][]) {
      for (const offset of [0, 31_999, 70_000, ROWS - 1000]) {
        const { ipc } = await bob.window({ source: { kind: 'frame', name: 'big' }, offset, limit: 1000, sort });
        assert.deepEqual(decodeRows(ipc), await truth(bob, 'big', offset, 1000, sort), `${JSON.stringify(sort)} at ${offset}`);
      }
    }
  });

  test('a replaced frame shows its new version at once; a deleted one is gone', async () => {
    await alice.request(Methods.save, { name: 'main.changing', from: { sql: 'SELECT range AS v FROM range(50000)' } });
    const source = { kind: 'frame' as const, name: 'changing' };
    assert.deepEqual(decodeRows((await bob.window({ source, offset: 40_000, limit: 2 })).ipc), [{ v: 40_000 }, { v: 40_001 }]);
    assert.deepEqual(decodeRows((await bob.window({ source, offset: 0, limit: 1, sort: [{ column: 'v', descending: true }] })).ipc), [{ v: 49_999 }]);
    await alice.request(Methods.save, { name: 'main.changing', from: { sql: 'SELECT range * 2 AS v FROM range(60000)' }, replace: true });
    const { result, ipc } = await bob.window({ source, offset: 40_000, limit: 2 });
    assert.equal(result.rowCount, 60_000);
    assert.deepEqual(decodeRows(ipc), [{ v: 80_000 }, { v: 80_002 }]);
    assert.deepEqual(decodeRows((await bob.window({ source, offset: 0, limit: 1, sort: [{ column: 'v', descending: true }] })).ipc), [{ v: 119_998 }]);
    await alice.request(Methods.delete, { name: 'main.changing' });
    assert.equal((await failure(() => bob.window({ source, offset: 40_000, limit: 2 }))).code, ErrorCodes.FrameNotFound);
  });

  test("a private frame's cached blocks do not let another user read it", async () => {
    await alice.request(Methods.save, { name: 'alice.secret', from: { sql: 'SELECT range AS v FROM range(40000)' } });
    const source = { kind: 'frame' as const, name: 'alice.secret' };
    assert.equal(decodeRows((await alice.window({ source, offset: 100, limit: 1 })).ipc)[0]!.v, 100);
    assert.equal((await failure(() => bob.window({ source, offset: 100, limit: 1 }))).code, ErrorCodes.FrameNotFound);
    assert.equal((await failure(() => bob.window({ source, offset: 100, limit: 1, sort: [{ column: 'v' }] }))).code, ErrorCodes.FrameNotFound);
  });
});
