/**
 * Values arrive as the engine holds them: decimals stay exact DECIMALs from an Arrow upload, a
 * local Parquet file and a load, through windows, exports, SQL and the CLI's decoding; input that
 * cannot be held as sent (text that is not UTF-8, a decimal wider than its type) is refused with
 * a clear error and nothing is stored.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Decimal, makeData, makeVector, Table, tableFromIPC, tableToIPC, Utf8, type DataType } from 'apache-arrow';
import { decodeArrowRows } from '../../cli/values';
import { Methods } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { readLocalFileAsArrow } from '../../server/engine';
import { DuckDatabase } from '../../server/engine/duckdb/duckdb';
import { failure, startTestGateway, type TestGateway } from './support';

/** Decimal128 words (little-endian 32-bit) of unscaled values. */
function decimalWords(values: bigint[]): Uint32Array {
  const words = new Uint32Array(values.length * 4);
  values.forEach((value, i) => {
    let v = BigInt.asUintN(128, value);
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number(v & 0xffffffffn);
      v >>= 32n;
    }
  });
  return words;
}

function decimalIpc(precision: number, scale: number, unscaled: bigint[]): Uint8Array {
  const vector = makeVector(makeData({ type: new Decimal(scale, precision, 128), length: unscaled.length, data: decimalWords(unscaled) }));
  return tableToIPC(new Table({ amount: vector }), 'stream');
}

/** A Utf8 column whose second value is the given raw bytes. */
function textIpc(second: Uint8Array): Uint8Array {
  const first = new TextEncoder().encode('fine');
  const data = new Uint8Array([...first, ...second]);
  const vector = makeVector(makeData({ type: new Utf8(), length: 2, valueOffsets: new Int32Array([0, first.length, data.length]), data }));
  return tableToIPC(new Table({ label: vector }), 'stream');
}


describe('values end to end', () => {
  let gw: TestGateway;
  let client: GatewayClient;
  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect();
  });
  after(async () => {
    client.close();
    await gw.dispose();
  });

  test('an Arrow DECIMAL(10,2) upload is stored as DECIMAL(10,2) and comes back exact in windows, exports and SQL', async () => {
    const frame = await client.upload({ name: 'money' }, decimalIpc(10, 2, [1234567n, -1n, 99999999_99n, 0n]));
    assert.deepEqual(frame.columns, [{ name: 'amount', type: 'DECIMAL(10,2)' }]);
    const { ipc } = await client.window({ source: { kind: 'frame', name: 'money' }, offset: 0, limit: 10 });
    const type = tableFromIPC(ipc).schema.fields[0]!.type as DataType;
    assert.ok(type instanceof Decimal && type.scale === 2 && type.precision === 10, `window sends type id ${type.typeId}`);
    assert.deepEqual(
      decodeArrowRows(ipc).rows.map((r) => r.amount),
      ['12345.67', '-0.01', '99999999.99', '0.00'],
    );
    const exported = await client.export({ source: { kind: 'frame', name: 'money' } });
    assert.deepEqual(decodeArrowRows(exported.ipc).rows.map((r) => r.amount)[2], '99999999.99');
    const sum = await client.request(Methods.sql, { sql: 'SELECT sum(amount) AS total FROM money' });
    assert.match(sum.columns[0]!.type, /^DECIMAL\(38,2\)$/);
    const total = await client.window({ source: { kind: 'result', id: sum.id }, offset: 0, limit: 1 });
    assert.deepEqual(decodeArrowRows(total.ipc).rows, [{ total: '100012345.65' }]);
  });

  test('HUGEINT (a sum of BIGINT) arrives as an exact integer, past what 64 bits hold, in windows and exports', async () => {
    const sum = await client.request(Methods.sql, { sql: 'SELECT sum(x) AS total, -sum(x) AS negative FROM (VALUES (9223372036854775807::BIGINT), (9223372036854775807::BIGINT), (5::BIGINT)) AS t(x)' });
    assert.equal(sum.columns[0]!.type, 'HUGEINT');
    const { ipc } = await client.window({ source: { kind: 'result', id: sum.id }, offset: 0, limit: 1 });
    const type = tableFromIPC(ipc).schema.fields[0]!.type as DataType;
    assert.ok(type instanceof Decimal && type.scale === 0 && type.precision === 38, `window sends type id ${type.typeId}`);
    assert.deepEqual(decodeArrowRows(ipc).rows, [{ total: '18446744073709551619', negative: '-18446744073709551619' }]);
    const exported = await client.export({ source: { kind: 'result', id: sum.id } });
    assert.deepEqual(decodeArrowRows(exported.ipc).rows, [{ total: '18446744073709551619', negative: '-18446744073709551619' }]);
  });

  test('38-digit decimals round-trip without losing a digit', async () => {
    const big = 10n ** 37n + 123456789012345678901234567n;
    await client.upload({ name: 'wide' }, decimalIpc(38, 10, [big, -big]));
    const { ipc } = await client.window({ source: { kind: 'frame', name: 'wide' }, offset: 0, limit: 2 });
    const text = big.toString();
    const expected = `${text.slice(0, -10)}.${text.slice(-10)}`;
    assert.deepEqual(
      decodeArrowRows(ipc).rows.map((r) => r.amount),
      [expected, `-${expected}`],
    );
  });

  test('a DECIMAL column of a local Parquet file (framegate put) and of a load stays DECIMAL', async () => {
    const file = join(gw.importDir, 'prices.parquet');
    const db = await DuckDatabase.open(':memory:');
    await db.withConnection((conn) => conn.run(`COPY (SELECT 12.34::DECIMAL(6,2) AS price UNION ALL SELECT -0.5) TO '${file}' (FORMAT parquet)`));
    db.close();
    const put = await client.upload({ name: 'put_prices' }, await readLocalFileAsArrow(file));
    assert.deepEqual(put.columns, [{ name: 'price', type: 'DECIMAL(6,2)' }]);
    const loaded = await client.request(Methods.load, { path: 'prices.parquet', name: 'loaded_prices' });
    assert.deepEqual(loaded.columns, [{ name: 'price', type: 'DECIMAL(6,2)' }]);
    for (const name of ['put_prices', 'loaded_prices']) {
      const { ipc } = await client.window({ source: { kind: 'frame', name }, offset: 0, limit: 5 });
      assert.deepEqual(
        decodeArrowRows(ipc).rows.map((r) => r.price),
        ['12.34', '-0.50'],
      );
    }
  });

  test('text that is not UTF-8 is refused with the column and row; nothing is stored', async () => {
    const error = await failure(() => client.upload({ name: 'garbled' }, textIpc(new Uint8Array([0x61, 0xff, 0xfe]))));
    assert.equal(error.kind, 'BadAttachment');
    assert.match(error.message, /column label, row 2: the text is not valid UTF-8/);
    assert.equal((await failure(() => client.request(Methods.schema, { name: 'garbled' }))).kind, 'FrameNotFound');
    // A character cut between two values is caught too.
    const split = await failure(() => client.upload({ name: 'garbled' }, textIpc(new Uint8Array([0xa9]))));
    assert.equal(split.kind, 'BadAttachment');
    const fine = await client.upload({ name: 'fine_text' }, textIpc(new TextEncoder().encode('é')));
    assert.equal(fine.rowCount, 2);
  });

  test('a decimal with more digits than its type is refused, not stored wrong', async () => {
    const error = await failure(() => client.upload({ name: 'overflow' }, decimalIpc(4, 2, [12345n])));
    assert.equal(error.kind, 'BadAttachment');
    assert.match(error.message, /more digits than DECIMAL\(4,2\)/);
    assert.equal((await failure(() => client.request(Methods.schema, { name: 'overflow' }))).kind, 'FrameNotFound');
  });
});
