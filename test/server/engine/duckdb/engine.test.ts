/** The DuckDB engine: loads and uploads with DuckDB's types, refusals, ids, concurrency, persistence, crashes. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { linkSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Bool, Dictionary, Float64, Int32, Int64, RecordBatch, Table, TimestampMicrosecond, Utf8, makeTable, tableFromArrays, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { createImportPolicy, openDuckDBEngine, openEngine, writeArrowToFile, type BoundTable } from '../../../../server/engine';
import { joinIpcParts } from '../../../../server/engine/local-files';
import { newStorageId } from '../test-catalog';
import { decode, openTempEngine, rejectsWith, tempDir, type TempEngine } from '../helpers';

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
    rmSync(outsideDir, { recursive: true, force: true });
  });

  test('CSV with auto-detection, by relative or absolute path', async () => {
    const id = newStorageId();
    const info = await t.engine.storeFile(id, 'people.csv', undefined);
    assert.equal(info.rowCount, 3);
    assert.deepEqual(info.columns, [
      { name: 'id', type: 'BIGINT' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'score', type: 'DOUBLE' },
    ]);
    assert.equal(info.path, join(t.importDir, 'people.csv'));
    assert.equal((await t.engine.storeFile(newStorageId(), join(t.importDir, 'people.csv'), 'csv')).rowCount, 3);
    const s = t.engine.openSession('files');
    const table: BoundTable = { storage: id, columns: info.columns, rowCount: info.rowCount };
    assert.equal(decode((await s.window({ source: { kind: 'stored', table }, offset: 2, limit: 1 })).ipc).get(0)!.name, 'Cy, Jr');
    await s.close();
  });

  test('JSON and Parquet', async () => {
    assert.equal((await t.engine.storeFile(newStorageId(), 'rows.json', undefined)).rowCount, 2);
    const ipc = tableToIPC(tableFromArrays({ n: Int32Array.from([1, 2, 3]), f: Float64Array.from([0.5, 1.5, 2.5]) }), 'stream');
    await writeArrowToFile(ipc, join(t.importDir, 'nums.parquet'), 'parquet');
    const parquet = await t.engine.storeFile(newStorageId(), 'nums.parquet', undefined);
    assert.equal(parquet.rowCount, 3);
    assert.deepEqual(parquet.columns, [
      { name: 'n', type: 'INTEGER' },
      { name: 'f', type: 'DOUBLE' },
    ]);
  });

  test('refuses paths outside the import dirs, including through links; missing files are FileNotFound; nothing is stored', async () => {
    const before = await t.engine.listStorage();
    const load = (path: string, format?: 'csv' | 'parquet') => t.engine.storeFile(newStorageId(), path, format);
    await rejectsWith(load(join(outsideDir, 'secret.csv')), 'FileRefused');
    await rejectsWith(load('../../etc/passwd', 'csv'), 'FileRefused');
    await rejectsWith(load('link.csv'), 'FileRefused');
    await rejectsWith(load('/etc/passwd', 'csv'), 'FileRefused');
    await rejectsWith(load('missing.csv'), 'FileNotFound');
    await rejectsWith(load('sub', 'csv'), 'FileRefused');
    await rejectsWith(load('notes.xyz'), 'FileRefused', /format/);
    await rejectsWith(load('people.csv', 'parquet'), 'FileRefused');
    assert.deepEqual(await t.engine.listStorage(), before);
  });
});

describe('an import dir that contains the data dir', () => {
  test('the engine files stay unreadable by loads, under their own name or a hard link', async () => {
    const dir = tempDir();
    const t = await openTempEngine({ dataDir: join(dir, 'data'), importDirs: [dir] });
    try {
      const db = join(dir, 'data', 'frames.duckdb');
      await rejectsWith(t.engine.storeFile(newStorageId(), db, 'csv'), 'FileRefused', /data directory/);
      linkSync(db, join(dir, 'copy.csv'));
      await rejectsWith(t.engine.storeFile(newStorageId(), join(dir, 'copy.csv'), 'csv'), 'FileRefused', /data directory/);
    } finally {
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('uploads (storeArrow)', () => {
  let t: TempEngine;
  before(async () => {
    t = await openTempEngine();
  });
  after(async () => {
    await t.cleanup();
  });

  test('round trip of common types, nulls, dictionaries and several batches', async () => {
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
    const storage = newStorageId();
    const info = await t.engine.storeArrow(storage, tableToIPC(new Table(batches as RecordBatch[]), 'stream'));
    assert.equal(info.rowCount, n);
    assert.deepEqual(info.columns, [
      { name: 'id', type: 'INTEGER' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'flag', type: 'BOOLEAN' },
      { name: 'big', type: 'BIGINT' },
      { name: 'when', type: 'TIMESTAMP' },
      { name: 'cat', type: 'VARCHAR' },
      { name: 'half', type: 'DOUBLE' },
    ]);
    const s = t.engine.openSession('uploads');
    const exported = await s.export({ kind: 'stored', table: { storage, columns: info.columns, rowCount: info.rowCount } });
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

  test('invalid bytes are BadAttachment and store nothing; schema-only uploads store no rows', async () => {
    const before = await t.engine.listStorage();
    await rejectsWith(t.engine.storeArrow(newStorageId(), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])), 'BadAttachment');
    await rejectsWith(t.engine.storeArrow(newStorageId(), new Uint8Array(0)), 'BadAttachment');
    assert.deepEqual(await t.engine.listStorage(), before);
    const empty = await t.engine.storeArrow(newStorageId(), tableToIPC(makeTable({ x: new Int32Array(0) }), 'stream'));
    assert.equal(empty.rowCount, 0);
    assert.deepEqual(empty.columns, [{ name: 'x', type: 'INTEGER' }]);
  });
});

describe('storage ids', () => {
  let t: TempEngine;
  before(async () => {
    t = await openTempEngine();
  });
  after(async () => {
    await t.cleanup();
  });

  test('ids must have the shape t_ + 16 hex digits, and an id is stored once', async () => {
    const none = t.catalog.resolver();
    for (const bad of ['versions', 't_123', 'T_00000000000000AA', 't_00000000000000aa"; DROP TABLE x; --', '../t_00000000000000aa']) {
      await rejectsWith(t.engine.storeQuery(bad, 'SELECT 1 AS x', none), 'InternalError', /storage id/);
      await rejectsWith(t.engine.dropStorage(bad), 'InternalError', /storage id/);
    }
    const id = newStorageId();
    await t.engine.storeQuery(id, 'SELECT 1 AS x', none);
    await rejectsWith(t.engine.storeQuery(id, 'SELECT 2 AS x', none), 'InternalError', /taken/);
  });

  test('concurrent stores all land, each complete', async () => {
    const ids = Array.from({ length: 6 }, () => newStorageId());
    const infos = await Promise.all(ids.map((id, i) => t.engine.storeQuery(id, `SELECT ${i} AS writer FROM range(20000)`, t.catalog.resolver())));
    assert.ok(infos.every((info) => info.rowCount === 20000));
    const listed = await t.engine.listStorage();
    assert.ok(ids.every((id) => listed.includes(id)));
  });
});

describe('factory', () => {
  test('opens the DuckDB engine; Spark without a server address is refused with what it needs', async () => {
    const dir = tempDir();
    try {
      const options = { dataDir: join(dir, 'data'), importPolicy: createImportPolicy([], join(dir, 'data')), queryTimeoutMs: 10_000 };
      const engine = await openEngine('duckdb', options);
      assert.match(engine.description, /^duckdb v?\d/);
      await engine.close();
      await rejectsWith(openEngine('spark', options), 'InternalError', /needs the address of a Spark Connect server \(sc:\/\/HOST:PORT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('persistence', () => {
  test('stored data survives close and reopen', async () => {
    const t = await openTempEngine();
    try {
      const kept = await t.catalog.saveQuery('kept', 'SELECT range AS id FROM range(2345)');
      const dropped = await t.catalog.saveQuery('dropped', 'SELECT 1 AS x');
      await t.engine.dropStorage(dropped.storage);
      await t.engine.close();
      const reopened = await openDuckDBEngine(t.options);
      try {
        assert.deepEqual(await reopened.listStorage(), [kept.storage]);
        const s = reopened.openSession('reopened');
        const w = await s.window({ source: { kind: 'stored', table: kept }, offset: 2340, limit: 10 });
        assert.deepEqual([...(decode(w.ipc).getChild('id')!.toArray() as BigInt64Array)], [2340n, 2341n, 2342n, 2343n, 2344n]);
        await s.close();
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(t.dir, { recursive: true, force: true });
    }
  });

  test('acknowledged stores and drops survive SIGKILL of the process that made them', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'save-and-hang.ts'), dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise((r) => child.on('exit', r));
      await new Promise<void>((resolveStored, rejectStored) => {
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('stored')) resolveStored();
        });
        child.on('exit', (code) => rejectStored(new Error(`child exited early (${code}): ${stderr}`)));
      });
      child.kill('SIGKILL');
      await exited;

      const engine = await openDuckDBEngine({ dataDir, importPolicy: createImportPolicy([], dataDir), queryTimeoutMs: 10_000 });
      try {
        assert.deepEqual(await engine.listStorage(), ['t_000000000000000a', 't_000000000000000c']);
        const s = engine.openSession('after-crash');
        const table: BoundTable = { storage: 't_000000000000000a', columns: [{ name: 'id', type: 'BIGINT' }, { name: 'thrice', type: 'BIGINT' }], rowCount: 70000 };
        const r = await s.runSql('SELECT sum(thrice)::BIGINT AS total, count(*) AS n FROM durable', () => table);
        const row = decode((await s.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 })).ipc).get(0)!;
        assert.equal(row.total, 3n * ((69999n * 70000n) / 2n));
        assert.equal(row.n, 70000n);
        await s.close();
      } finally {
        await engine.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
