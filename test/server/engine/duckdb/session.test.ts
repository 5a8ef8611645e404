/** The DuckDB session: Arrow types and interrupts (windows and their caches: windows.test.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCodes, FramegateError } from '../../../../protocol';
import { decode, openTempEngine } from '../helpers';

const RUNAWAY = 'SELECT count(*) FROM range(100000000000) a, range(1000) b';

function isCancelled(error: unknown): boolean {
  return error instanceof FramegateError && error.code === ErrorCodes.Cancelled;
}

describe('Arrow types', () => {
  test('fixed-width fast path, nested values and exact decimals', async (t) => {
    const temp = await openTempEngine();
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('types');
    t.after(() => session.close());
    const r = await session.runSql(
      `SELECT
      true AS b, 7::TINYINT AS i8, 300::SMALLINT AS i16, 70000::INTEGER AS i32, 9007199254740993::BIGINT AS i64,
      200::UTINYINT AS u8, 4000000000::UINTEGER AS u32, 1.5::FLOAT AS f32, 2.25::DOUBLE AS f64,
      DATE '2024-02-29' AS d, TIMESTAMP '2024-02-29 12:34:56.789' AS ts, TIME '01:02:03' AS tm,
      'a much longer string than twelve bytes' AS s, '\\xAA\\xBB'::BLOB AS bl,
      123.45::DECIMAL(10,2) AS dec, [1, 2, 3] AS list, {'k': 1} AS st, 170141183460469231731687303715884105727::HUGEINT AS huge,
      NULL::INTEGER AS nothing`,
      temp.catalog.resolver(),
    );
    const table = decode((await session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 })).ipc);
    const row = table.get(0)!.toJSON() as Record<string, unknown>;
    assert.equal(row.b, true);
    assert.equal(row.i8, 7);
    assert.equal(row.i16, 300);
    assert.equal(row.i32, 70000);
    assert.equal(row.i64, 9007199254740993n);
    assert.equal(row.u8, 200);
    assert.equal(row.u32, 4000000000);
    assert.equal(row.f32, 1.5);
    assert.equal(row.f64, 2.25);
    assert.equal(row.d, Date.UTC(2024, 1, 29));
    assert.equal(row.ts, Date.UTC(2024, 1, 29, 12, 34, 56, 789));
    assert.equal(String(table.schema.fields.find((f) => f.name === 'tm')!.type), 'Time64<MICROSECOND>');
    assert.equal(row.s, 'a much longer string than twelve bytes');
    assert.deepEqual([...(row.bl as Uint8Array)], [0xaa, 0xbb]);
    // Exact: Decimal128 with its scale, the unscaled value 12345.
    assert.equal(String(row.dec), '12345');
    assert.equal(String(table.schema.fields.find((f) => f.name === 'dec')!.type), 'Decimal[10e+2]');
    // Nested values travel as Arrow's nested types (nested-values.test.ts has them all).
    assert.deepEqual([...(row.list as Iterable<number>)], [1, 2, 3]);
    assert.equal(String(table.schema.fields.find((f) => f.name === 'list')!.type), 'List<Int32>');
    assert.deepEqual((row.st as { toJSON(): unknown }).toJSON(), { k: 1 });
    // HUGEINT is an int128, sent exact as Decimal128 of scale 0.
    assert.equal(String(row.huge), '170141183460469231731687303715884105727');
    assert.equal(String(table.schema.fields.find((f) => f.name === 'huge')!.type), 'Decimal[38e0]');
    assert.equal(row.nothing, null);
    assert.equal(r.columns.find((c) => c.name === 'dec')!.type, 'DECIMAL(10,2)');
  });
});

describe('interrupts', () => {
  test('an interrupt that lands between two statements of one request still stops it', async (t) => {
    const temp = await openTempEngine({ queryTimeoutMs: 60_000 });
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('interrupts');
    t.after(() => session.close());
    // runSql binds (several statements), then materializes: interrupt in the same tick, before
    // any statement has started, so there is no running statement for DuckDB to stop.
    const request = session.runSql(RUNAWAY, temp.catalog.resolver());
    session.interrupt();
    await assert.rejects(request, isCancelled);
    assert.equal((await session.runSql('SELECT 42 AS answer', temp.catalog.resolver())).rowCount, 1);
  });

  test('a runaway query in a session times out within the limit', async (t) => {
    const temp = await openTempEngine({ queryTimeoutMs: 1500 });
    t.after(() => temp.cleanup());
    const session = temp.engine.openSession('timeouts');
    t.after(() => session.close());
    const started = Date.now();
    await assert.rejects(session.runSql(RUNAWAY, temp.catalog.resolver()), (error: unknown) => error instanceof FramegateError && error.kind === 'QueryTimeout');
    assert.ok(Date.now() - started < 1500 + 3000, `took ${Date.now() - started} ms`);
  });
});
