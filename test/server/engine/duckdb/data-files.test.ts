/** Moving a 0.1 data dir's database: every state a crash can leave is finished by the next start. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { moveLegacyFiles } from '../../../../server/engine/duckdb/data-files';
import { rejectsWith, tempDir } from '../helpers';

describe('moving catalog.duckdb to frames.duckdb', () => {
  let dir: string;
  const at = (name: string) => join(dir, name);
  const files = () => ['catalog.duckdb', 'catalog.duckdb.wal', 'frames.duckdb', 'frames.duckdb.wal'].filter((f) => existsSync(at(f)));
  beforeEach(() => {
    dir = tempDir('fg-move-');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a database and its WAL move together, contents intact', () => {
    writeFileSync(at('catalog.duckdb'), 'db');
    writeFileSync(at('catalog.duckdb.wal'), 'wal');
    assert.equal(moveLegacyFiles(dir), true);
    assert.deepEqual(files(), ['frames.duckdb', 'frames.duckdb.wal']);
    assert.equal(readFileSync(at('frames.duckdb'), 'utf8'), 'db');
    assert.equal(readFileSync(at('frames.duckdb.wal'), 'utf8'), 'wal');
    assert.equal(moveLegacyFiles(dir), false, 'nothing left to move');
  });

  test('a run that died after moving the WAL is finished', () => {
    writeFileSync(at('catalog.duckdb'), 'db');
    writeFileSync(at('frames.duckdb.wal'), 'wal');
    assert.equal(moveLegacyFiles(dir), true);
    assert.deepEqual(files(), ['frames.duckdb', 'frames.duckdb.wal']);
  });

  test('a database moved without its WAL gets it', () => {
    writeFileSync(at('frames.duckdb'), 'db');
    writeFileSync(at('catalog.duckdb.wal'), 'wal');
    assert.equal(moveLegacyFiles(dir), true);
    assert.deepEqual(files(), ['frames.duckdb', 'frames.duckdb.wal']);
  });

  test('a new data dir, or one of this release, is left alone', () => {
    assert.equal(moveLegacyFiles(dir), false);
    writeFileSync(at('frames.duckdb'), 'db');
    writeFileSync(at('frames.duckdb.wal'), 'wal');
    assert.equal(moveLegacyFiles(dir), false);
    assert.deepEqual(files(), ['frames.duckdb', 'frames.duckdb.wal']);
  });

  test('both generations at once: refused, nothing touched', async () => {
    writeFileSync(at('catalog.duckdb'), 'old');
    writeFileSync(at('frames.duckdb'), 'new');
    await rejectsWith(Promise.resolve().then(() => moveLegacyFiles(dir)), 'InternalError', /both/);
    writeFileSync(at('catalog.duckdb.wal'), 'old wal');
    writeFileSync(at('frames.duckdb.wal'), 'new wal');
    rmSync(at('catalog.duckdb'));
    await rejectsWith(Promise.resolve().then(() => moveLegacyFiles(dir)), 'InternalError', /both/);
    assert.deepEqual(files(), ['catalog.duckdb.wal', 'frames.duckdb', 'frames.duckdb.wal']);
  });
});
