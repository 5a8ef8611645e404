import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Bool, Dictionary, Float64, Int32, Int64, TimestampMicrosecond, Utf8, Field, Schema, tableFromIPC, tableToIPC, vectorFromArray, makeTable, tableFromArrays, Table, RecordBatch } from 'apache-arrow';
import { readLocalFileAsArrow, writeArrowToFile } from '../../../server/engine';
import { joinIpcParts } from '../../../server/engine/local-files';
import { decode, openTempEngine, owner, rejectsWith, tempDir, type TempEngine } from './helpers';

describe('loading files', () => {
  let t: TempEngine;
  let outsideDir: string;
  before(async () => {
    t = await openTempEngine();
    writeFileSync(join(t.importDir, 'people.csv'), 'id,name,score\n1,Ann,3.5\n2,Bob,\n3,"Cy, Jr",7\n');
    writeFileSync(join(t.importDir, 'rows.json'), '[{"a": 1, "b": "x"}, {"a": 2, "b": null}]');
    writeFileSync(join(t.importDir, 'notes.xyz'), 'hello');
    mkdirSync(join(t.importDir, 'sub'));
    outsideDir = tempDir('fg-outside-');
    writeFileSync(join(outsideDir, 'secret.csv'), 'secret\n1\n');
    symlinkSync(join(outsideDir, 'secret.csv'), join(t.importDir, 'link.csv'));
  });
  after(async () => {
    await t.cleanup();
  });

  test('CSV with auto-detection, by relative or absolute path', async () => {
    const frame = await t.engine.loadFile('people', 'people.csv', undefined, owner);
    assert.equal(frame.rowCount, 3);
    assert.deepEqual(frame.columns, [
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'score', type: 'DOUBLE' },
    ]);
    assert.equal(frame.source, `load ${join(t.importDir, 'people.csv')}`);
    const again = await t.engine.loadFile('people2', join(t.importDir, 'people.csv'), 'csv', owner);
    assert.equal(again.rowCount, 3);
    const s = t.engine.openSession();
    const w = decode((await s.window({ source: { kind: 'frame', name: 'people' }, offset: 2, limit: 1 })).ipc);
    assert.equal(w.get(0)!.name, 'Cy, Jr');
    await s.close();
  });

  test('JSON and Parquet', async () => {
    const json = await t.engine.loadFile('rows', 'rows.json', undefined, owner);
    assert.equal(json.rowCount, 2);
    // Write a Parquet file with the local helper, then load it.
    const ipc = tableToIPC(tableFromArrays({ n: Int32Array.from([1, 2, 3]), f: Float64Array.from([0.5, 1.5, 2.5]) }), 'stream');
    await writeArrowToFile(ipc, join(t.importDir, 'nums.parquet'), 'parquet');
    const parquet = await t.engine.loadFile('nums', 'nums.parquet', undefined, owner);
    assert.equal(parquet.rowCount, 3);
    assert.deepEqual(parquet.columns, [
      { name: 'n', type: 'INTEGER' },
      { name: 'f', type: 'DOUBLE' },
    ]);
  });

  test('refuses paths outside the import dirs, including through links; missing files are FileNotFound', async () => {
    await rejectsWith(t.engine.loadFile('x', join(outsideDir, 'secret.csv'), undefined, owner), 'FileRefused');
    await rejectsWith(t.engine.loadFile('x', '../../etc/passwd', 'csv', owner), 'FileRefused');
    await rejectsWith(t.engine.loadFile('x', 'link.csv', undefined, owner), 'FileRefused');
    await rejectsWith(t.engine.loadFile('x', '/etc/passwd', 'csv', owner), 'FileRefused');
    await rejectsWith(t.engine.loadFile('x', 'missing.csv', undefined, owner), 'FileNotFound');
    await rejectsWith(t.engine.loadFile('x', 'sub', 'csv', owner), 'FileRefused');
    await rejectsWith(t.engine.loadFile('x', 'notes.xyz', undefined, owner), 'FileRefused', /format/);
    await rejectsWith(t.engine.loadFile('x', 'people.csv', 'parquet', owner), 'FileRefused');
    await rejectsWith(t.engine.getFrame('x'), 'FrameNotFound');
  });

  test('loading over an existing name needs replace', async () => {
    await t.engine.loadFile('dup', 'people.csv', undefined, owner);
    await rejectsWith(t.engine.loadFile('dup', 'people.csv', undefined, owner), 'FrameExists');
  });
});

describe('uploads (saveArrow)', () => {
  let t: TempEngine;
  before(async () => {
    t = await openTempEngine();
  });
  after(async () => {
    await t.cleanup();
  });

  test('round trip of common types, nulls and several batches', async () => {
    const n = 5000;
    const ids = Array.from({ length: n }, (_, i) => i);
    const names = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `name ${i} with a longer tail`));
    const flags = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i % 2 === 0));
    const big = Array.from({ length: n }, (_, i) => BigInt(i) * 1_000_000_007n);
    const when = Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * 1000);
    const cats = Array.from({ length: n }, (_, i) => ['red', 'green', 'blue'][i % 3]!);
    const whole = new Table({
      id: vectorFromArray(ids, new Int32()),
      name: vectorFromArray(names, new Utf8()),
      flag: vectorFromArray(flags, new Bool()),
      big: vectorFromArray(big, new Int64()),
      when: vectorFromArray(when, new TimestampMicrosecond()),
      cat: vectorFromArray(cats, new Dictionary(new Utf8(), new Int32())),
      half: vectorFromArray(Array.from({ length: n }, (_, i) => i / 2), new Float64()),
    });
    // Two record batches: slices keep non-zero offsets into shared buffers.
    const batches = [whole.slice(0, 1234), whole.slice(1234)].flatMap((part) => part.batches);
    const table = new Table(batches as RecordBatch[]);
    const ipc = tableToIPC(table, 'stream');
    const frame = await t.engine.saveArrow('uploaded', ipc, owner);
    assert.equal(frame.rowCount, n);
    assert.equal(frame.source, 'upload');
    assert.deepEqual(frame.columns, [
      { name: 'id', type: 'INTEGER' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'flag', type: 'BOOLEAN' },
      { name: 'big', type: 'BIGINT' },
      { name: 'when', type: 'TIMESTAMP' },
      { name: 'cat', type: 'VARCHAR' },
      { name: 'half', type: 'DOUBLE' },
    ]);
    const s = t.engine.openSession();
    const exported = await s.export({ kind: 'frame', name: 'uploaded' });
    const back = tableFromIPC(await joinIpcParts(exported.parts));
    assert.equal(back.numRows, n);
    for (const i of [0, 1, 7, 1233, 1234, 1235, 4999]) {
      const row = back.get(i)!;
      assert.equal(row.id, i);
      assert.equal(row.name, names[i]);
      assert.equal(row.flag, flags[i]);
      assert.equal(row.big, big[i]);
      assert.equal(row.when, when[i]);
      assert.equal(row.cat, cats[i]);
      assert.equal(row.half, i / 2);
    }
    await s.close();
  });

  test('invalid bytes are BadAttachment', async () => {
    await rejectsWith(t.engine.saveArrow('junk', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), owner), 'BadAttachment');
    await rejectsWith(t.engine.saveArrow('junk', new Uint8Array(0), owner), 'BadAttachment');
    await rejectsWith(t.engine.getFrame('junk'), 'FrameNotFound');
  });

  test('schema-only uploads make an empty frame', async () => {
    const empty = makeTable({ x: new Int32Array(0) });
    const schema = new Schema([new Field('x', new Int32(), true)]);
    assert.equal(empty.schema.fields.length, schema.fields.length);
    const frame = await t.engine.saveArrow('empty', tableToIPC(empty, 'stream'), owner);
    assert.equal(frame.rowCount, 0);
    assert.deepEqual(frame.columns, [{ name: 'x', type: 'INTEGER' }]);
  });
});

describe('local files (CLI helpers)', () => {
  let dir: string;
  before(() => {
    dir = tempDir('fg-local-');
  });

  test('CSV → Arrow → Parquet → Arrow → CSV and Arrow files', async () => {
    const csv = join(dir, 'in.csv');
    writeFileSync(csv, 'k,v,when\na,1.5,2024-01-02\nb,,2024-03-04\n');
    const first = tableFromIPC(await joinIpcParts(await readLocalFileAsArrow(csv)));
    assert.equal(first.numRows, 2);
    assert.deepEqual(first.schema.fields.map((f) => f.name), ['k', 'v', 'when']);
    assert.equal(first.get(1)!.v, null);

    const ipc = await joinIpcParts(await readLocalFileAsArrow(csv));
    await writeArrowToFile(ipc, join(dir, 'out.parquet'), 'parquet');
    const fromParquet = tableFromIPC(await joinIpcParts(await readLocalFileAsArrow(join(dir, 'out.parquet'))));
    const rows = (table: Table) => (table.toArray() as { toJSON(): unknown }[]).map((r) => r.toJSON());
    assert.deepEqual(rows(fromParquet), rows(first));

    await writeArrowToFile(await readLocalFileAsArrow(csv), join(dir, 'out.csv'), 'csv');
    const fromCsv = tableFromIPC(await joinIpcParts(await readLocalFileAsArrow(join(dir, 'out.csv'))));
    assert.equal(fromCsv.get(0)!.k, 'a');
    assert.equal(fromCsv.get(0)!.v, 1.5);

    await writeArrowToFile(ipc, join(dir, 'out.arrow'), 'arrow');
    const fromArrow = tableFromIPC(await joinIpcParts(await readLocalFileAsArrow(join(dir, 'out.arrow'))));
    assert.equal(fromArrow.numRows, 2);
    assert.equal(fromArrow.get(0)!.k, 'a');

    writeFileSync(join(dir, 'rows.json'), '[{"a": 1}, {"a": 2}, {"a": 3}]');
    const fromJson = tableFromIPC(await joinIpcParts(await readLocalFileAsArrow(join(dir, 'rows.json'))));
    assert.equal(fromJson.numRows, 3);
  });
});

describe('an import dir that contains the data dir', () => {
  test('the catalog files stay unreadable by loads and SQL', async () => {
    const dir = tempDir();
    const t = await openTempEngine({ dataDir: join(dir, 'data'), importDirs: [dir] });
    try {
      await rejectsWith(t.engine.loadFile('x', join(dir, 'data', 'catalog.duckdb'), 'csv', owner), 'FileRefused', /data directory/);
      const s = t.engine.openSession();
      await rejectsWith(s.runSql(`SELECT * FROM read_csv('${join(dir, 'data', 'catalog.duckdb')}')`), 'SqlRefused', /data directory/);
      await rejectsWith(s.runSql(`SELECT * FROM read_csv('${join(dir, 'data')}/*')`), 'SqlRefused', /data directory/);
      await s.close();
    } finally {
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
