import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { Catalog, CATALOG_FILE } from '../../../server/catalog/catalog';
import { MIGRATIONS } from '../../../server/catalog/schema';
import { openStore } from '../../../server/catalog/store';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'framegate-store-'));
}

test('a new catalog gets every migration; reopening runs none; a newer catalog is refused', () => {
  const dir = tempDir();
  try {
    const path = join(dir, CATALOG_FILE);
    const first = openStore(path);
    assert.deepEqual([first.created, first.migrated], [true, MIGRATIONS.length]);
    assert.equal(first.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(first.db.pragma('synchronous', { simple: true }), 2, 'FULL: durable at commit');
    first.db.close();
    const again = openStore(path);
    assert.deepEqual([again.created, again.migrated], [false, 0]);
    again.db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    again.db.close();
    assert.throws(() => openStore(path), /written by a newer Framegate/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every save acknowledged before kill -9 is there after reopening', async () => {
  const dir = tempDir();
  try {
    // A child records versions as fast as it can and says "acked N" after each commit returns.
    const script = `
      const { Catalog } = require(${JSON.stringify(resolve(__dirname, '../../../server/catalog/catalog'))});
      const catalog = Catalog.open(${JSON.stringify(dir)});
      const user = catalog.identity.users.add('writer', { admin: false, teamWriter: false });
      const principal = catalog.identity.principal(user.id);
      for (let i = 1; ; i++) {
        const target = catalog.resolver.planWrite(principal, 'f' + (i % 7), 'frame');
        catalog.changes.record(principal, target, { storage: 't_' + i.toString(16).padStart(16, '0'), columns: [], rowCount: i, bytes: 0, source: 's', origin: { kind: 'upload' } }, [], { replace: true });
        process.stdout.write('acked ' + i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = 0;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    await new Promise<void>((done) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        acked = Number(line.split(' ')[1]);
        if (acked >= 200 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          done();
        }
      });
    });
    await exited;
    const catalog = Catalog.open(dir);
    try {
      const count = (catalog.db.prepare('SELECT count(*) AS n FROM versions').get() as { n: number }).n;
      assert.ok(count >= acked, `${count} versions on disk, ${acked} acknowledged`);
      const db = new Database(join(dir, CATALOG_FILE), { readonly: true });
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      db.close();
    } finally {
      catalog.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('statements stay compiled: the same text is the same statement, and texts beyond the bound still work', () => {
  const dir = tempDir();
  try {
    const { db } = openStore(join(dir, CATALOG_FILE));
    const sql = 'SELECT count(*) AS n FROM meta WHERE key = ?';
    assert.equal(db.prepare(sql), db.prepare(sql));
    // More distinct texts than are kept (the grants query varies with a number of placeholders).
    for (let n = 1; n <= 300; n++) {
      const row = db.prepare(`SELECT ${n} AS n, count(*) AS c FROM meta WHERE key IN (${Array(n).fill('?').join(', ')})`).get(...Array<string>(n).fill('x')) as { n: number };
      assert.equal(row.n, n);
    }
    assert.equal((db.prepare(sql).get('nothing') as { n: number }).n, 0);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
