/** File access for loads and SQL file readers: digests, globs expanded to checked real files. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createImportPolicy } from '../../../../server/engine';
import { dataFiles } from '../../../../server/engine/duckdb/data-files';
import type { DuckConnection, DuckDatabase } from '../../../../server/engine/duckdb/duckdb';
import { digestFile, FileAccess } from '../../../../server/engine/duckdb/file-access';
import { openDatabase } from '../../../../server/engine/duckdb/open';
import { rejectsWith, tempDir } from '../helpers';

describe('file access', () => {
  let dir: string;
  let importDir: string;
  let db: DuckDatabase;
  let conn: DuckConnection;
  let files: FileAccess;
  before(async () => {
    dir = tempDir('fg-files-');
    importDir = join(dir, 'import');
    mkdirSync(join(importDir, 'sub'), { recursive: true });
    const outside = join(dir, 'outside.csv');
    writeFileSync(outside, 'x\n1\n');
    for (const name of ['a.csv', 'b.csv', join('sub', 'c.csv')]) writeFileSync(join(importDir, name), 'x\n1\n');
    symlinkSync(join(importDir, 'a.csv'), join(importDir, 'alias.csv'));
    symlinkSync(outside, join(importDir, 'sub', 'out.csv'));
    writeFileSync(join(importDir, 'weird[1].csv'), 'x\n1\n');
    const dataDir = join(dir, 'data');
    const policy = createImportPolicy([importDir], dataDir);
    ({ db } = await openDatabase({ dataDir, importPolicy: policy, queryTimeoutMs: 10_000 }));
    conn = await db.connect();
    files = new FileAccess(policy, dataFiles(dataDir));
  });
  after(() => {
    conn.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('digests are streamed: size and SHA-256 of a file larger than one read', async () => {
    const bytes = randomBytes(3 * 65_536 + 17);
    writeFileSync(join(importDir, 'blob.bin'), bytes);
    assert.deepEqual(await digestFile(join(importDir, 'blob.bin')), { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
  });

  test('a glob becomes the real files it matches, links resolved', async () => {
    assert.deepEqual(await files.sqlFiles(conn, 'read_csv', `${importDir}/[ab]*.csv`), [join(importDir, 'a.csv'), join(importDir, 'a.csv'), join(importDir, 'b.csv')]);
    assert.deepEqual(await files.sqlFiles(conn, 'read_csv', join(importDir, 'alias.csv')), [join(importDir, 'a.csv')]);
    await rejectsWith(files.sqlFiles(conn, 'read_csv', `${importDir}/*/*.csv`), 'SqlRefused', /outside the import directories/);
    await rejectsWith(files.sqlFiles(conn, 'read_csv', `${importDir}/nothing*.csv`), 'FileNotFound');
  });

  test('files whose real name has glob characters are refused (DuckDB would expand them again)', async () => {
    await rejectsWith(files.sqlFiles(conn, 'read_csv', `${importDir}/weird*`), 'SqlRefused', /glob characters/);
  });

  test('loads resolve to the real file inside an import dir', () => {
    assert.equal(files.loadable('alias.csv'), join(importDir, 'a.csv'));
    assert.throws(() => files.loadable('sub/out.csv'), /outside the import directories/);
  });
});
