/**
 * Sharing, enforced by a real gateway over real WebSockets for three people: every access path is
 * refused before a share, allowed after it, and refused again after unshare; SQL cannot get round
 * it however it is written; refusals read exactly like a frame that does not exist; and nobody
 * hears about a frame they cannot see.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCodes, Methods, Notifications, type FramesChangedNotification } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { decodeRows, failure, sampleIpc, startTestGateway, type TestGateway, waitFor } from './support';

const FRAME = 'alice.secret';

describe('three people on one gateway', () => {
  let gw: TestGateway;
  let alice: GatewayClient;
  let bob: GatewayClient;
  let carol: GatewayClient;
  const heardByBob: FramesChangedNotification[] = [];
  const heardByCarol: FramesChangedNotification[] = [];

  before(async () => {
    gw = await startTestGateway();
    alice = await gw.connect(await gw.addUser('alice'));
    bob = await gw.connect(await gw.addUser('bob'));
    carol = await gw.connect(await gw.addUser('carol'));
    bob.onNotification(Notifications.framesChanged, (n) => heardByBob.push(n));
    carol.onNotification(Notifications.framesChanged, (n) => heardByCarol.push(n));
    writeFileSync(join(gw.importDir, 'more.csv'), 'id,label,value\n7,seven,7.5\n');
    await alice.upload({ name: 'secret' }, sampleIpc(100, 'secret-'));
  });
  after(async () => {
    for (const client of [alice, bob, carol]) client?.close();
    await gw?.dispose();
  });

  async function windowRows(who: GatewayClient): Promise<unknown[]> {
    return decodeRows((await who.window({ source: { kind: 'frame', name: FRAME }, offset: 0, limit: 2 })).ipc);
  }

  /** Every read path for `who`: each resolves to the rows it read, or fails with its error. */
  function readPaths(who: GatewayClient): Record<string, () => Promise<unknown>> {
    return {
      schema: () => who.request(Methods.schema, { name: FRAME }),
      window: async () => decodeRows((await who.window({ source: { kind: 'frame', name: FRAME }, offset: 0, limit: 2 })).ipc),
      sortedWindow: async () => decodeRows((await who.window({ source: { kind: 'frame', name: FRAME }, offset: 0, limit: 1, sort: [{ column: 'id', descending: true }] })).ipc),
      versionWindow: async () => decodeRows((await who.window({ source: { kind: 'frame', name: `${FRAME}@1` }, offset: 0, limit: 1 })).ipc),
      select: () => who.request(Methods.select, { from: FRAME, columns: ['label'] }),
      sql: () => who.request(Methods.sql, { sql: `SELECT count(*) AS n FROM ${FRAME}` }),
      export: async () => (await who.export({ source: { kind: 'frame', name: FRAME } })).result.rows,
      saveFromSql: () => who.request(Methods.save, { name: 'copy_of_secret', from: { sql: `SELECT * FROM ${FRAME}` }, replace: true }),
    };
  }

  /** Every write path onto the frame itself. */
  function writePaths(who: GatewayClient): Record<string, () => Promise<unknown>> {
    return {
      save: () => who.request(Methods.save, { name: FRAME, from: { sql: 'SELECT 1 AS id' }, replace: true }),
      load: () => who.request(Methods.load, { path: 'more.csv', name: FRAME, replace: true }),
      upload: () => who.upload({ name: FRAME, replace: true }, sampleIpc(3)),
    };
  }

  function managePaths(who: GatewayClient): Record<string, () => Promise<unknown>> {
    return {
      share: () => who.request(Methods.share, { name: FRAME, with: { kind: 'user', name: 'carol' } }),
      unshare: () => who.request(Methods.unshare, { name: FRAME, with: { kind: 'user', name: 'bob' } }),
      delete: () => who.request(Methods.delete, { name: FRAME }),
    };
  }

  async function listed(who: GatewayClient): Promise<string[]> {
    return (await who.request(Methods.listFrames, {})).frames.map((f) => f.name);
  }

  /** Reads are refused exactly as for a frame that does not exist; writes and management too. */
  async function assertShutOut(who: GatewayClient, label: string): Promise<void> {
    assert.ok(!(await listed(who)).includes(FRAME), `${label}: not listed`);
    assert.deepEqual((await who.request(Methods.listFrames, { namespace: 'alice' })).frames, [], `${label}: not listed in alice's namespace`);
    const missing = await failure(() => who.request(Methods.schema, { name: 'alice.no_such_frame' }));
    for (const [path, run] of Object.entries({ ...readPaths(who), ...managePaths(who) })) {
      const error = await failure(run);
      assert.equal(error.code, ErrorCodes.FrameNotFound, `${label}: ${path} -> ${error.kind}: ${error.message}`);
      assert.equal(error.message.replace(/secret(@1)?/, 'X'), missing.message.replace('no_such_frame', 'X'), `${label}: ${path} says no more than for a missing frame`);
    }
    for (const [path, run] of Object.entries(writePaths(who))) {
      const error = await failure(run);
      assert.equal(error.code, ErrorCodes.Forbidden, `${label}: ${path} -> ${error.kind}`);
      const absent = await failure(() => who.request(Methods.save, { name: 'alice.absent', from: { sql: 'SELECT 1 AS id' } }));
      assert.equal(error.message.replaceAll('secret', 'X'), absent.message.replaceAll('absent', 'X'), `${label}: ${path} says the same as for an absent frame`);
    }
  }

  test('a new frame is private: bob and carol are shut out of every path', async () => {
    const mine = (await alice.request(Methods.listFrames, {})).frames.find((f) => f.name === FRAME);
    assert.deepEqual([mine?.scope, mine?.published, mine?.grants], ['mine', false, []]);
    await assertShutOut(bob, 'bob before the share');
    await assertShutOut(carol, 'carol before the share');
  });

  test('shared read-only with bob: he reads on every path, cannot write or manage; carol still cannot', async () => {
    await alice.request(Methods.share, { name: 'secret', with: { kind: 'user', name: 'bob' } });
    const seen = (await bob.request(Methods.listFrames, {})).frames.find((f) => f.name === FRAME);
    assert.deepEqual([seen?.scope, seen?.sharedBy, seen?.canWrite, seen?.canManage, seen?.grants], ['shared', 'alice', false, false, undefined]);
    const results = Object.fromEntries(await Promise.all(Object.entries(readPaths(bob)).map(async ([path, run]) => [path, await run()] as const)));
    assert.deepEqual(results.window, [
      { id: 0, label: 'secret-0', value: 0 },
      { id: 1, label: 'secret-1', value: 1.5 },
    ]);
    assert.deepEqual(results.sortedWindow, [{ id: 99, label: 'secret-99', value: 148.5 }]);
    assert.equal(results.export, 100);
    assert.equal((results.saveFromSql as { name: string; rowCount: number }).name, 'bob.copy_of_secret', 'his own copy, in his namespace');
    for (const [path, run] of Object.entries(writePaths(bob))) {
      const error = await failure(run);
      assert.equal(error.code, ErrorCodes.Forbidden, path);
      assert.match(error.message, /ask alice to share it with you --write/);
    }
    for (const [path, run] of Object.entries(managePaths(bob))) assert.equal((await failure(run)).code, ErrorCodes.Forbidden, path);
    await assertShutOut(carol, 'carol while only bob is shared');
  });

  test('a write share lets bob save new versions by every write path, never delete', async () => {
    await alice.request(Methods.share, { name: 'secret', with: { kind: 'user', name: 'bob' }, write: true });
    const versions: number[] = [];
    for (const run of Object.values(writePaths(bob))) versions.push(((await run()) as { version: number }).version);
    assert.deepEqual(versions, [2, 3, 4]);
    const latest = await alice.request(Methods.schema, { name: 'secret' });
    assert.deepEqual([latest.version, latest.owner, latest.author, latest.rowCount], [4, 'alice', 'bob', 3]);
    assert.equal((await failure(() => bob.request(Methods.delete, { name: FRAME }))).code, ErrorCodes.Forbidden);
    // Back to version 1's data for the rest of the suite.
    assert.equal((await alice.request(Methods.save, { name: 'secret', from: { sql: 'SELECT * FROM "alice"."secret@1"' }, replace: true })).rowCount, 100);
    await alice.request(Methods.unshare, { name: 'secret', with: { kind: 'user', name: 'bob' } });
  });

  test('SQL cannot reach a frame you may not read, however it is written', async () => {
    // What a curious colleague could know or guess: the storage id of the frame, a result id of alice's.
    const catalogDb = new Database(join(gw.dataDir, 'catalog.sqlite'), { readonly: true });
    const storage = (catalogDb.prepare('SELECT storage FROM versions WHERE storage IS NOT NULL ORDER BY rowid LIMIT 1').get() as { storage: string }).storage;
    catalogDb.close();
    const aliceResult = (await alice.request(Methods.sql, { sql: 'SELECT * FROM secret' })).id;
    const attempts = [
      'SELECT * FROM alice.secret',
      'SELECT * FROM "alice"."secret"',
      'SELECT * FROM ALICE.SECRET',
      'SELECT * FROM "alice"."secret@1"',
      'SELECT * FROM alice.secret AT (VERSION => 1)',
      'FROM alice.secret',
      'TABLE alice.secret',
      'SUMMARIZE alice.secret',
      'DESCRIBE alice.secret',
      'SELECT * FROM (SELECT * FROM alice.secret) s',
      'WITH s AS (SELECT * FROM alice.secret) SELECT * FROM s',
      'SELECT * FROM (WITH secret AS (SELECT 1 AS x) SELECT * FROM secret), secret',
      'SELECT * FROM range(3) r JOIN alice.secret s ON s.id = r.range',
      'SELECT 1 AS id UNION ALL SELECT id FROM alice.secret',
      'SELECT * FROM range(2) r, LATERAL (SELECT * FROM alice.secret WHERE id = r.range)',
      'SELECT (SELECT max(id) FROM alice.secret) AS m',
      'SELECT * FROM range(1) WHERE EXISTS (SELECT 1 FROM alice.secret)',
      "SELECT * FROM query_table('alice.secret')",
      "SELECT * FROM query('SELECT * FROM alice.secret')",
      `SELECT * FROM _fg.${storage}`,
      `SELECT * FROM "_fg"."${storage}"`,
      `SELECT * FROM frames._fg.${storage}`,
      `SELECT * FROM _fgmem."${aliceResult}"`,
      'SELECT * FROM duckdb_tables()',
      'SELECT * FROM information_schema.tables',
      'SELECT * FROM pg_catalog.pg_tables',
      'SELECT * FROM sqlite_master',
      `SELECT * FROM read_parquet('${gw.dataDir}/*')`,
      `SELECT * FROM read_csv('${join(gw.dataDir, 'catalog.sqlite')}')`,
      'SELECT * FROM secret',
    ];
    for (const sql of attempts) {
      for (const who of [bob, carol]) {
        const error = await failure(() => who.request(Methods.sql, { sql }));
        assert.ok(([ErrorCodes.FrameNotFound, ErrorCodes.SqlRefused, ErrorCodes.InvalidSql] as number[]).includes(error.code), `${sql} -> ${error.kind}: ${error.message}`);
        assert.doesNotMatch(error.message, /secret-\d/, `${sql} leaked data`);
      }
    }
    // The same spellings work for whoever may read it.
    assert.equal((await alice.request(Methods.sql, { sql: 'SELECT * FROM "alice"."secret@1"' })).rowCount, 100);
    assert.equal((await alice.request(Methods.sql, { sql: 'SELECT * FROM ALICE.SECRET AT (VERSION => 1)' })).rowCount, 100);
  });

  test('after unshare bob is shut out again on every path; a group share reaches carol, a publish everyone', async () => {
    await alice.request(Methods.share, { name: 'secret', with: { kind: 'user', name: 'bob' } });
    assert.equal((await bob.request(Methods.schema, { name: FRAME })).scope, 'shared');
    // Windows just read are not a pass: the very next one after the unshare is refused.
    for (let i = 0; i < 3; i++) assert.equal((await windowRows(bob)).length, 2);
    await alice.request(Methods.unshare, { name: 'secret', with: { kind: 'user', name: 'bob' } });
    await assertShutOut(bob, 'bob after unshare');

    const admin = await gw.connect();
    try {
      await admin.request(Methods.addGroup, { name: 'analysts', members: ['carol'] });
    } finally {
      admin.close();
    }
    await alice.request(Methods.share, { name: 'secret', with: { kind: 'group', name: 'analysts' } });
    assert.equal((await carol.request(Methods.schema, { name: FRAME })).sharedBy, 'alice');
    await assertShutOut(bob, 'bob, not in the group');
    // Leaving the group ends the access at once, though she has just read.
    assert.equal((await windowRows(carol)).length, 2);
    const groupAdmin = await gw.connect();
    try {
      await groupAdmin.request(Methods.removeGroup, { name: 'analysts', members: ['carol'] });
      await assertShutOut(carol, 'carol out of the group');
      await groupAdmin.request(Methods.addGroup, { name: 'analysts', members: ['carol'] });
    } finally {
      groupAdmin.close();
    }
    assert.equal((await windowRows(carol)).length, 2, 'back in the group');
    await alice.request(Methods.unshare, { name: 'secret', with: { kind: 'group', name: 'analysts' } });
    await assertShutOut(carol, 'carol after the group unshare');

    await alice.request(Methods.share, { name: 'secret', with: { kind: 'team' } });
    for (const who of [bob, carol]) {
      const info = await who.request(Methods.schema, { name: FRAME });
      assert.deepEqual([info.scope, info.published, info.canWrite], ['team', true, false]);
    }
    await alice.request(Methods.unshare, { name: 'secret', with: { kind: 'team' } });
    await assertShutOut(bob, 'bob after unpublish');
  });

  test('notifications reach only those who may see the frame, and say who did it', async () => {
    heardByBob.length = 0;
    heardByCarol.length = 0;
    await alice.upload({ name: 'quiet' }, sampleIpc(1));
    await alice.request(Methods.share, { name: 'quiet', with: { kind: 'user', name: 'bob' } });
    await alice.upload({ name: 'quiet', replace: true }, sampleIpc(2));
    await alice.request(Methods.unshare, { name: 'quiet', with: { kind: 'user', name: 'bob' } });
    await alice.upload({ name: 'quiet', replace: true }, sampleIpc(3));
    // A sentinel everyone may see: once it arrives, anything sent before it has arrived too.
    await alice.upload({ name: 'sentinel' }, sampleIpc(1));
    await alice.request(Methods.share, { name: 'sentinel', with: { kind: 'team' } });
    await waitFor(() => heardByBob.some((n) => n.name === 'alice.sentinel') && heardByCarol.some((n) => n.name === 'alice.sentinel'), 'the sentinel');
    assert.deepEqual(
      heardByBob.filter((n) => n.name === 'alice.quiet'),
      [
        { action: 'shared', name: 'alice.quiet', by: 'alice' },
        { action: 'uploaded', name: 'alice.quiet', by: 'alice' },
        { action: 'unshared', name: 'alice.quiet', by: 'alice' },
      ],
    );
    assert.deepEqual(heardByCarol.filter((n) => n.name !== 'alice.sentinel'), [], 'carol could never see alice.quiet');
  });

  test('the owner deletes; those who could see the frame hear of it', async () => {
    heardByBob.length = 0;
    await alice.request(Methods.share, { name: 'secret', with: { kind: 'user', name: 'bob' } });
    assert.deepEqual(await alice.request(Methods.delete, { name: 'secret' }), { deleted: FRAME });
    await waitFor(() => heardByBob.some((n) => n.action === 'deleted'), 'the delete notification');
    assert.equal((await failure(() => bob.request(Methods.schema, { name: FRAME }))).code, ErrorCodes.FrameNotFound);
    assert.ok(!heardByCarol.some((n) => n.name === FRAME && n.action === 'deleted'));
  });
});
