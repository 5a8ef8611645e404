import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_ROWS, seedDemo } from '../../../server/engine';
import { decode, openTempEngine, type TempEngine } from './helpers';

describe('demo seed', () => {
  let t: TempEngine;
  before(async () => {
    t = await openTempEngine();
  });
  after(async () => {
    await t.cleanup();
  });

  test('creates sales once, with the documented columns, deterministically', async () => {
    await seedDemo(t.engine);
    const sales = await t.engine.getFrame('sales');
    assert.equal(sales.rowCount, DEMO_ROWS);
    assert.deepEqual(sales.columns, [
      { name: 'order_id', type: 'BIGINT' },
      { name: 'order_date', type: 'DATE' },
      { name: 'region', type: 'VARCHAR' },
      { name: 'product', type: 'VARCHAR' },
      { name: 'quantity', type: 'INTEGER' },
      { name: 'unit_price', type: 'DOUBLE' },
      { name: 'amount', type: 'DOUBLE' },
      { name: 'customer', type: 'VARCHAR' },
    ]);
    await seedDemo(t.engine);
    assert.equal((await t.engine.getFrame('sales')).version, 1, 'a second seed leaves sales alone');

    const session = t.engine.openSession();
    const r = await session.runSql(`SELECT count(DISTINCT region) AS regions, count(DISTINCT product) AS products,
      min(order_id) AS lo, max(order_id) AS hi, bool_and(abs(amount - round(quantity * unit_price, 2)) < 1e-9) AS consistent,
      min(quantity) AS qmin, max(quantity) AS qmax FROM sales`);
    const row = decode((await session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 })).ipc).get(0)!;
    assert.equal(Number(row.regions), 5);
    assert.equal(Number(row.products), 8);
    assert.equal(row.lo, 1n);
    assert.equal(row.hi, BigInt(DEMO_ROWS));
    assert.equal(row.consistent, true);
    assert.equal(row.qmin, 1);
    assert.ok((row.qmax as number) <= 20 && (row.qmax as number) > 1);
    const first = decode((await session.window({ source: { kind: 'frame', name: 'sales' }, offset: 0, limit: 1 })).ipc).get(0)!;
    assert.equal(first.order_id, 1n);
    assert.equal(first.order_date, Date.UTC(2023, 0, 1));
    await session.close();
  });
});
