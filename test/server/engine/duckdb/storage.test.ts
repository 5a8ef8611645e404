/** Stored data by id on a real DuckDB: atomic stores, sizes, listing, drops that wait for readers. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createImportPolicy } from '../../../../server/engine';
import type { DuckDatabase } from '../../../../server/engine/duckdb/duckdb';
import { openDatabase } from '../../../../server/engine/duckdb/open';
import { Storage } from '../../../../server/engine/duckdb/storage';
import { newStorageId } from '../test-catalog';
import { rejectsWith, tempDir } from '../helpers';

describe('storage', () => {
  let dir: string;
  let db: DuckDatabase;
  let storage: Storage;
  before(async () => {
    dir = tempDir('fg-storage-');
    const dataDir = join(dir, 'data');
    ({ db } = await openDatabase({ dataDir, importPolicy: createImportPolicy([], dataDir), queryTimeoutMs: 30_000 }));
    storage = new Storage(db, 30_000);
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const storeRange = (id: string, rows: number) => storage.store(id, (conn, table) => conn.run(`CREATE TABLE ${table} AS SELECT range AS id, range * 0.5 AS x FROM range(${rows})`));

  test('sizes are DuckDB\'s own figures: small tables in memory, large ones in blocks', async () => {
    const small = await storeRange(newStorageId(), 1000);
    // Hashes do not compress: 2M × 8 bytes is 16 MB in any storage.
    const large = await storage.store(newStorageId(), (conn, table) => conn.run(`CREATE TABLE ${table} AS SELECT hash(range) AS h FROM range(2000000)`));
    assert.equal(large.rowCount, 2_000_000);
    assert.ok(small.bytes > 1000 && small.bytes < 1 << 20, `small: ${small.bytes}`);
    assert.ok(large.bytes > 15 << 20 && large.bytes < 24 << 20, `large: ${large.bytes}`);
    // A range compresses to almost nothing, and the figure says so.
    const compressible = await storeRange(newStorageId(), 2_000_000);
    assert.ok(compressible.bytes < large.bytes / 4, `compressible: ${compressible.bytes}`);
  });

  test('a fill that fails after creating the table leaves nothing', async () => {
    const id = newStorageId();
    await assert.rejects(
      storage.store(id, async (conn, table) => {
        await conn.run(`CREATE TABLE ${table} AS SELECT 1 AS x`);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.ok(!(await storage.list()).includes(id));
  });

  test('only storage ids are listed', async () => {
    await db.withConnection((conn) => conn.run('CREATE TABLE frames._fg.versions (x INTEGER)'));
    const listed = await storage.list();
    assert.ok(listed.length > 0 && listed.every((id) => /^t_[0-9a-f]{16}$/.test(id)), listed.join(', '));
    await db.withConnection((conn) => conn.run('DROP TABLE frames._fg.versions'));
  });

  test('a drop waits for the readers holding the id; new readers are refused meanwhile', async () => {
    const id = newStorageId();
    await storeRange(id, 10);
    const release = storage.hold([id]);
    let dropped = false;
    const drop = storage.drop(id).then(() => (dropped = true));
    // Work that needs the database still runs while the drop waits.
    assert.ok((await storage.list()).includes(id));
    assert.equal(dropped, false);
    await rejectsWith(storage.read([id], () => Promise.resolve()), 'FrameNotFound');
    assert.equal(storage.drop(id), storage.drop(id), 'one drop at a time per id');
    release();
    release(); // twice is harmless
    await drop;
    assert.ok(!(await storage.list()).includes(id));
    await storage.drop(id); // absent is fine
  });
});
