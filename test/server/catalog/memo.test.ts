import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { CatalogMemo, catalogVersion } from '../../../server/catalog/memo';

describe('CatalogMemo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'framegate-memo-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'c.sqlite');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v INTEGER)');
  after(() => db.close());

  it('remembers an answer until a row of the catalog changes', () => {
    const memo = new CatalogMemo<number>(catalogVersion(db));
    let computed = 0;
    const count = () => memo.get('n', () => (computed++, (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n));
    assert.equal(count(), 0);
    assert.equal(count(), 0);
    assert.equal(computed, 1);
    db.prepare('INSERT INTO t VALUES (1)').run();
    assert.equal(count(), 1, 'a write makes it stale');
    assert.equal(computed, 2);
  });

  it('sees commits made by another connection to the same file', () => {
    const memo = new CatalogMemo<number>(catalogVersion(db));
    const count = () => memo.get('n', () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n);
    const before = count();
    const other = new Database(path);
    other.prepare('INSERT INTO t VALUES (2)').run();
    other.close();
    assert.equal(count(), before + 1);
  });

  it('does not keep an answer whose computing wrote to the catalog', () => {
    const memo = new CatalogMemo<string>(catalogVersion(db));
    let computed = 0;
    const writes = () => memo.get('w', () => (computed++, db.prepare('INSERT INTO t VALUES (3)').run(), 'done'));
    writes();
    writes();
    assert.equal(computed, 2);
  });

  it('keeps at most its number of entries, the oldest going first', () => {
    const memo = new CatalogMemo<number>(catalogVersion(db), 2);
    let computed = 0;
    for (const key of ['a', 'b', 'c', 'a']) memo.get(key, () => ++computed);
    assert.equal(computed, 4, 'a was let go when c came');
  });
});
