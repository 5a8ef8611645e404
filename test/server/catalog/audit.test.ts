/**
 * The audit log on a real catalog: changes and their lines commit together; nothing can change or
 * delete a line; filters; the most recent lines or a page from a time on; and every line written
 * before `kill -9` is there after reopening.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Catalog } from '../../../server/catalog/catalog';
import { openTestCatalog, type TestCatalog } from './support';

let t: TestCatalog | undefined;
afterEach(() => t?.dispose());

/** A time after every line written so far (the clock has moved on by at least a millisecond). */
function afterNow(): string {
  const start = new Date().toISOString();
  let now = start;
  while (now <= start) now = new Date().toISOString();
  return now;
}

test('saves, shares, unshares and deletes come with their audit lines; a refused change leaves none', () => {
  t = openTestCatalog();
  const alice = t.user('alice');
  t.user('bob');
  t.save(alice, 'sales');
  t.save(alice, 'sales', { replace: true });
  t.catalog.changes.share(alice, 'sales', 'frame', { kind: 'user', name: 'bob' }, true);
  t.catalog.changes.unshare(alice, 'sales', 'frame', { kind: 'user', name: 'bob' });
  assert.throws(() => t!.catalog.changes.unshare(alice, 'sales', 'frame', { kind: 'user', name: 'bob' }), /not shared with user bob/);
  t.catalog.changes.delete(alice, 'sales', 'frame');
  const { entries, more } = t.catalog.audit.query({ user: 'alice', limit: 100 });
  assert.equal(more, false);
  assert.deepEqual(
    entries.map((e) => [e.action, e.object, e.version ?? null, e.detail ?? null]),
    [
      ['save', 'alice.sales', 1, { origin: 'upload' }],
      ['save', 'alice.sales', 2, { origin: 'upload' }],
      ['share', 'alice.sales', null, { to: { kind: 'user', name: 'bob' }, write: true }],
      ['unshare', 'alice.sales', null, { from: { kind: 'user', name: 'bob' } }],
      ['delete', 'alice.sales', null, null],
    ],
  );
});

test('the log is append-only: the database itself refuses to change or delete a line', () => {
  t = openTestCatalog();
  t.catalog.audit.record({ principal: null, action: 'refused', remoteAddress: '192.0.2.1', detail: { reason: 'no token' } });
  assert.throws(() => t!.catalog.db.prepare("UPDATE audit SET action = 'read'").run(), /append-only/);
  assert.throws(() => t!.catalog.db.prepare('DELETE FROM audit').run(), /append-only/);
  assert.deepEqual(
    t.catalog.audit.query({ limit: 10 }).entries.map((e) => [e.user, e.action, e.remoteAddress]),
    [[null, 'refused', '192.0.2.1']],
  );
});

test('without --since: the most recent lines, oldest first; with it: from then on; filters by user, action, object', () => {
  t = openTestCatalog();
  const alice = t.user('alice');
  const bob = t.user('bob');
  for (let i = 0; i < 5; i++) t.save(alice, `a${i}`);
  const middle = afterNow();
  for (let i = 0; i < 3; i++) t.save(bob, `b${i}`);
  const recent = t.catalog.audit.query({ limit: 2 });
  assert.deepEqual(
    recent.entries.map((e) => e.object),
    ['bob.b1', 'bob.b2'],
  );
  assert.equal(recent.more, true);
  const since = t.catalog.audit.query({ since: middle, limit: 2 });
  assert.deepEqual(
    since.entries.map((e) => e.object),
    ['bob.b0', 'bob.b1'],
  );
  assert.equal(since.more, true);
  assert.equal(t.catalog.audit.query({ user: 'ALICE', limit: 100 }).entries.length, 5);
  assert.deepEqual(
    t.catalog.audit.query({ object: 'Alice.A3', limit: 100 }).entries.map((e) => e.object),
    ['alice.a3'],
  );
  assert.equal(t.catalog.audit.query({ action: 'share', limit: 100 }).entries.length, 0);
  assert.equal(t.catalog.audit.query({ until: middle, limit: 100 }).entries.length, 5);
});

test('every audit line written before kill -9 is there after reopening', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'framegate-audit-'));
  try {
    // A child appends lines as fast as it can and says "acked N" after each one returns.
    const script = `
      const { Catalog } = require(${JSON.stringify(resolve(__dirname, '../../../server/catalog/catalog'))});
      const catalog = Catalog.open(${JSON.stringify(dir)});
      for (let i = 1; ; i++) {
        catalog.audit.record({ principal: null, action: 'refused', remoteAddress: '192.0.2.' + (i % 250), detail: { i } });
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
      const { entries } = catalog.audit.query({ limit: 10_000, since: '2000-01-01T00:00:00Z' });
      assert.ok(entries.length >= acked, `${entries.length} lines on disk, ${acked} acknowledged`);
      assert.deepEqual(
        entries.slice(0, acked).map((e) => (e.detail as { i: number }).i),
        Array.from({ length: acked }, (_, i) => i + 1),
        'in order, none missing',
      );
    } finally {
      catalog.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
