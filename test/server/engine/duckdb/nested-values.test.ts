/**
 * Nested and zoned values through the DuckDB engine: windows and exports of LIST, ARRAY, STRUCT,
 * MAP, UNION, ENUM, INTERVAL (and the flat types beside them) are DuckDB's own Arrow export of
 * the same query, field for field and value for value (test/fixtures/nested).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Field, List, Table, Utf8, makeData, makeVector, tableFromIPC, tableToIPC } from 'apache-arrow';
import { assertMatchesReference, describeField, duckdbReference, NESTED_SQL, referenceBytes, rowsOf } from '../../../support/nested-reference';
import { decode, openTempEngine, rejectsWith } from '../helpers';

async function nestedResult(t: import('node:test').TestContext) {
  const temp = await openTempEngine();
  t.after(() => temp.cleanup());
  const session = temp.engine.openSession('nested');
  t.after(() => session.close());
  const result = await session.runSql(NESTED_SQL, temp.catalog.resolver());
  return { temp, session, result };
}

async function joined(parts: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const all: Uint8Array[] = [];
  for await (const part of parts) all.push(part);
  return Buffer.concat(all);
}

test('a window of a result with nested columns is DuckDB’s own Arrow export of it', async (t) => {
  const { session, result } = await nestedResult(t);
  const window = await session.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: 10 });
  assert.equal(window.rows, 3);
  assertMatchesReference(decode(window.ipc));
});

test('stored nested data keeps its types: windows (sorted, offset, picked columns) and exports match the reference', async (t) => {
  const { session, result } = await nestedResult(t);
  await session.storeResult('t_00000000000000aa', result.id);
  const table = { storage: 't_00000000000000aa', columns: result.columns, rowCount: result.rowCount };
  const source = { kind: 'stored' as const, table };

  assertMatchesReference(decode((await session.window({ source, offset: 0, limit: 3 })).ipc));
  // Sorted descending on i: rows 2, 1, 0 of the reference; offset 1 leaves 1, 0.
  const sorted = await session.window({ source, offset: 1, limit: 5, sort: [{ column: 'i', descending: true }] });
  assert.equal(sorted.offset, 1);
  assertMatchesReference(decode(sorted.ipc), [1, 0]);

  // A window naming columns (one twice) carries those columns, in that order.
  const picked = decode((await session.window({ source, offset: 2, limit: 1, columns: ['m', 'i', 'm'] })).ipc);
  const reference = duckdbReference();
  const m = reference.schema.fields.findIndex((f) => f.name === 'm');
  const i = reference.schema.fields.findIndex((f) => f.name === 'i');
  assert.deepEqual(picked.schema.fields.map(describeField), [m, i, m].map((c) => describeField(reference.schema.fields[c]!)));
  assert.deepEqual(rowsOf(picked), [[rowsOf(reference)[2]![m], rowsOf(reference)[2]![i], rowsOf(reference)[2]![m]]]);

  const exported = await session.export(source);
  assertMatchesReference(tableFromIPC(await joined(exported.parts)));
  const sortedExport = await session.export(source, [{ column: 'i', descending: true }]);
  assertMatchesReference(tableFromIPC(await joined(sortedExport.parts)), [2, 1, 0]);

  // Flat columns of a nested frame still come through the cached path, and agree.
  const flat = decode((await session.window({ source, offset: 0, limit: 3, columns: ['i', 'd', 't'] })).ipc);
  const picks = ['i', 'd', 't'].map((n) => reference.schema.fields.findIndex((f) => f.name === n));
  assert.deepEqual(rowsOf(flat), rowsOf(reference).map((row) => picks.map((c) => row[c])));
});

test('a nested export of more rows than one chunk streams in parts and writes the enum dictionary once', async (t) => {
  const { temp, session } = await nestedResult(t);
  const big = await session.runSql(
    `SELECT i, [i, i * 2] AS l, (CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END)::ENUM('a', 'b') AS e FROM range(5000) r(i)`,
    temp.catalog.resolver(),
  );
  const exported = await session.export({ kind: 'result', id: big.id });
  const parts: Uint8Array[] = [];
  for await (const part of exported.parts) parts.push(part);
  assert.ok(parts.length >= 4, `schema with the first batch, more batches, end: ${parts.length} parts`);
  const table = tableFromIPC(Buffer.concat(parts));
  assert.equal(table.numRows, 5000);
  assert.deepEqual([...(table.getChild('l')!.get(4999) as Iterable<bigint>)], [4999n, 9998n]);
  assert.equal(table.getChild('e')!.get(4998), 'a');
  assert.equal(table.getChild('e')!.get(4999), 'b');
});

test('a nested window holding more bytes than it may is refused, and the session goes on', async (t) => {
  const { temp, session } = await nestedResult(t);
  const wide = await session.runSql(`SELECT i, list_transform(range(20000), x -> x) AS l FROM range(50) r(i)`, temp.catalog.resolver());
  const source = { kind: 'result' as const, id: wide.id };
  await rejectsWith(session.window({ source, offset: 0, limit: 50, maxBytes: 1 << 20 }), 'OutOfMemory');
  const small = decode((await session.window({ source, offset: 0, limit: 1 })).ipc);
  assert.equal((small.getChild('l')!.get(0) as { length: number }).length, 20000);
});

test('an upload of nested Arrow keeps its types: upload → window → export is the same data', async (t) => {
  const { temp, session } = await nestedResult(t);
  const stored = await temp.engine.storeArrow('t_00000000000000bb', referenceBytes());
  assert.equal(stored.columns.find((c) => c.name === 'ls')!.type, 'STRUCT("p" DECIMAL(4,1), "q" BIGINT[])[]');
  const source = { kind: 'stored' as const, table: { storage: 't_00000000000000bb', columns: stored.columns, rowCount: stored.rowCount } };
  assertMatchesReference(decode((await session.window({ source, offset: 0, limit: 3 })).ipc), undefined, { enumsAsText: true });
  assertMatchesReference(tableFromIPC(await joined((await session.export(source)).parts)), undefined, { enumsAsText: true });
});

test('an upload of nested Arrow that is not valid is refused whole, and nothing is stored', async (t) => {
  const { temp } = await nestedResult(t);
  const text = makeData({ type: new Utf8(), length: 1, nullCount: 0, valueOffsets: Int32Array.from([0, 1]), data: Uint8Array.from([0xff]) });
  const list = makeData({ type: new List(new Field('l', new Utf8(), true)), length: 1, nullCount: 0, valueOffsets: Int32Array.from([0, 1]), child: text });
  const notUtf8 = tableToIPC(new Table({ l: makeVector(list) }), 'stream');
  await rejectsWith(temp.engine.storeArrow('t_00000000000000dd', notUtf8), 'BadAttachment', /UTF-8/);
  assert.ok(!(await temp.engine.listStorage()).includes('t_00000000000000dd'));
});
