/** The CLI's local file helpers: a throwaway DuckDB reads and writes files on the client. */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import { readLocalFileAsArrow, writeArrowToFile } from '../../../server/engine';
import { joinIpcParts } from '../../../server/engine/local-files';
import { describeField, duckdbReference, rowsOf } from '../../support/nested-reference';
import { tempDir } from './helpers';

describe('local files (CLI helpers)', () => {
  let dir: string;
  before(() => {
    dir = tempDir('fg-local-');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

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

describe('local files with nested columns', () => {
  let dir: string;
  before(() => {
    dir = tempDir('fg-local-nested-');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('Parquet keeps nested types: written from Arrow and read back (as put reads it), the values are the same', async () => {
    const path = join(dir, 'nested.parquet');
    const reference = duckdbReference();
    // Parquet has no union; everything else of the reference goes through.
    const keep = reference.schema.fields.map((f) => f.name).filter((n) => n !== 'un');
    await writeArrowToFile(tableToIPC(reference.select(keep), 'stream'), path, 'parquet');
    const back = tableFromIPC(await joinIpcParts(await readLocalFileAsArrow(path)));
    const expected = reference.select(keep);
    for (const name of ['l', 's', 'm', 't', 'ls', 'll', 'md', 'sx', 'h', 'd', 'iv']) {
      const i = keep.indexOf(name);
      assert.deepEqual(describeField(back.schema.fields[i]!), describeField(expected.schema.fields[i]!), name);
      assert.deepEqual(rowsOf(back.select([name])), rowsOf(expected.select([name])), name);
    }
  });
});
