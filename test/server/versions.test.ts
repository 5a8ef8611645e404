/**
 * Versions, lineage, retention, saved queries, notes and storage through a real gateway with
 * three people (real DuckDB, WebSockets, Arrow), and their survival of `kill -9` and a restart.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, Methods, Notifications, type GatewayEvent, type LineageNode } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { removeDir, startGatewayProcess } from '../support/gateway-process';
import { failure, decodeRows, sampleIpc, startTestGateway, waitFor, type TestGateway } from './support';


function refs(node: LineageNode): unknown {
  if (!node.visible) return `a ${node.kind} you cannot see`;
  return node.reads.length ? [node.ref, ...node.reads.map(refs)] : node.ref;
}

const CSV = 'id,region,amount\n1,North,10\n2,South,20\n3,North,5\n';

describe('versions and lineage, three people', () => {
  let gw: TestGateway;
  let alice: GatewayClient;
  let bob: GatewayClient;
  let carol: GatewayClient;
  const bobHeard: GatewayEvent[] = [];

  before(async () => {
    gw = await startTestGateway({ keepVersions: 2 });
    alice = await gw.connect(await gw.addUser('alice'));
    bob = await gw.connect(await gw.addUser('bob'));
    carol = await gw.connect(await gw.addUser('carol'));
    bob.onNotification(Notifications.event, (e) => bobHeard.push(e));
    writeFileSync(join(gw.importDir, 'sales.csv'), CSV);
  });
  after(async () => {
    for (const c of [alice, bob, carol]) c?.close();
    await gw?.dispose();
  });

  test('a loaded file, a frame made from it by someone else, and the chain back with exact versions, file size and checksum', async () => {
    await alice.request(Methods.load, { path: 'sales.csv', name: 'sales' });
    await alice.request(Methods.share, { name: 'sales', with: { kind: 'user', name: 'bob' } });
    const totals = await bob.request(Methods.save, { name: 'totals', from: { sql: 'SELECT region, sum(amount) AS total FROM alice.sales GROUP BY region' } });
    assert.equal(totals.version, 1);
    const { root } = await bob.request(Methods.lineage, { name: 'totals' });
    assert.deepEqual(refs(root), ['bob.totals@1', 'alice.sales@1']);
    assert.ok(root.visible && root.reads[0]?.visible);
    const file = root.reads[0].origin;
    assert.equal(file.kind, 'file');
    assert.ok(file.kind === 'file');
    assert.deepEqual([file.bytes, file.sha256], [CSV.length, createHash('sha256').update(CSV).digest('hex')]);
    assert.equal(root.origin.kind, 'sql');
    assert.equal(root.author, 'bob');

    // carol may read bob's frame, not alice's: that step is opaque, and nothing of it is told.
    await bob.request(Methods.share, { name: 'totals', with: { kind: 'user', name: 'carol' } });
    assert.deepEqual(refs((await carol.request(Methods.lineage, { name: 'bob.totals' })).root), ['bob.totals@1', 'a frame you cannot see']);
    const refused = await failure(() => carol.request(Methods.lineage, { name: 'alice.sales' }));
    assert.equal(refused.message, 'no frame, query or note named alice.sales', 'reads like a miss');
  });

  test('saving a name again makes a new version; NAME@N reads it; versions lists them with author, rows, size and origin', async () => {
    await alice.request(Methods.save, { name: 'sales', from: { sql: 'SELECT * FROM sales WHERE amount > 6' }, replace: true });
    await alice.upload({ name: 'sales', replace: true }, sampleIpc(7));
    const { versions, keep } = await bob.request(Methods.versions, { name: 'alice.sales' });
    assert.equal(keep, 2);
    assert.deepEqual(
      versions.map((v) => [v.version, v.author, v.rowCount, v.origin.kind, v.state.kind, v.latest]),
      [
        [1, 'alice', 3, 'file', 'present', false],
        [2, 'alice', 2, 'sql', 'present', false],
        [3, 'alice', 7, 'upload', 'present', true],
      ],
      'v1 keeps its data beyond retention: bob.totals@1 was made from it',
    );
    assert.deepEqual(versions[0]?.keptFor, ['lineage']);
    assert.ok(versions.every((v) => v.bytes > 0));
    const old = decodeRows((await bob.window({ source: { kind: 'frame', name: 'alice.sales@2' }, offset: 0, limit: 10 })).ipc);
    assert.deepEqual(
      old.map((r) => r.amount),
      [10, 20],
    );
    const viaSql = await bob.request(Methods.sql, { sql: 'SELECT count(*) AS n FROM "alice.sales@1"' });
    assert.deepEqual(decodeRows((await bob.window({ source: { kind: 'result', id: viaSql.id }, offset: 0, limit: 1 })).ipc), [{ n: 3 }]);
    const atVersion = await bob.request(Methods.sql, { sql: 'SELECT count(*) AS n FROM alice.sales AT (VERSION => 2)' });
    assert.deepEqual(decodeRows((await bob.window({ source: { kind: 'result', id: atVersion.id }, offset: 0, limit: 1 })).ipc), [{ n: 2 }]);
  });

  test('retention drops the data of versions past the last N after a save, tells readers, and keeps the records', async () => {
    await alice.upload({ name: 'sales', replace: true }, sampleIpc(8));
    const { versions } = await alice.request(Methods.versions, { name: 'sales' });
    assert.deepEqual(
      versions.map((v) => [v.version, v.state.kind === 'removed' ? v.state.reason : 'present']),
      [
        [1, 'present'],
        [2, 'retention'],
        [3, 'present'],
        [4, 'present'],
      ],
    );
    await waitFor(() => bobHeard.some((e) => e.type === 'version.removed' && e.version === 2 && e.reason === 'retention'), 'bob hears of it');
    const gone = await failure(() => bob.request(Methods.schema, { name: 'alice.sales@2' }));
    assert.equal(gone.code, ErrorCodes.FrameNotFound);
    assert.match(gone.message, /the data of alice\.sales@2 was removed/);
  });

  test('rm NAME@N removes one version (owner or admin), never the latest; the frame reads on', async () => {
    assert.equal((await failure(() => bob.request(Methods.deleteObject, { name: 'alice.sales@3' }))).code, ErrorCodes.Forbidden);
    assert.equal((await failure(() => alice.request(Methods.deleteObject, { name: 'sales@4' }))).code, ErrorCodes.InvalidParams);
    assert.deepEqual(await alice.request(Methods.deleteObject, { name: 'sales@3' }), { deleted: 'alice.sales', kind: 'frame', version: 3 });
    assert.equal((await bob.request(Methods.schema, { name: 'alice.sales' })).version, 4);
    const { versions } = await alice.request(Methods.versions, { name: 'sales' });
    const state = versions[2]?.state;
    assert.ok(state?.kind === 'removed');
    assert.deepEqual([state.reason, state.by, versions[2]?.bytes], ['removed', 'alice', 0]);
  });

  test('saved queries: checked when saved without running, run as the caller, pinned versions kept, results saved with the query in their lineage', async () => {
    const bad = await failure(() => alice.request(Methods.saveQuery, { name: 'broken', sql: 'SELEC 1' }));
    assert.equal(bad.code, ErrorCodes.InvalidSql);
    assert.equal((await failure(() => alice.request(Methods.getObject, { name: 'broken' }))).code, ErrorCodes.FrameNotFound, 'nothing was recorded');
    const slow = Date.now();
    const daily = await alice.request(Methods.saveQuery, {
      name: 'daily',
      sql: 'SELECT s.label, count(*) AS n FROM sales s, range(2000000000) GROUP BY s.label',
      description: 'too slow to run, fine to save',
    });
    assert.ok(Date.now() - slow < 5_000, 'saving does not run it');
    assert.deepEqual(
      daily.columns.map((c) => c.name),
      ['label', 'n'],
    );
    const pinned = await alice.request(Methods.saveQuery, { name: 'pinned', sql: 'SELECT count(*) AS n FROM "sales@1"; ' });
    assert.deepEqual(pinned.pinned, ['alice.sales@1']);
    await alice.request(Methods.shareObject, { name: 'pinned', with: { kind: 'team' } });

    // carol may run the query but not read what it reads: her own access decides.
    assert.equal((await failure(() => carol.request(Methods.runQuery, { name: 'alice.pinned' }))).code, ErrorCodes.FrameNotFound);
    const run = await bob.request(Methods.runQuery, { name: 'alice.pinned' });
    assert.deepEqual([run.query, run.version, run.rowCount], ['alice.pinned', 1, 1]);
    assert.deepEqual(decodeRows((await bob.window({ source: { kind: 'result', id: run.id }, offset: 0, limit: 1 })).ipc), [{ n: 3 }], 'the pinned version, not the latest');
    const saved = await bob.request(Methods.save, { name: 'counted', from: { result: run.id } });
    const { root } = await bob.request(Methods.lineage, { name: saved.name });
    assert.ok(root.visible);
    assert.deepEqual(root.origin, { kind: 'query', sql: 'SELECT count(*) AS n FROM "sales@1"; ', query: 'alice.pinned', queryVersion: 1 });
    assert.deepEqual(refs(root), ['bob.counted@1', 'alice.sales@1']);
    assert.equal((await failure(() => alice.request(Methods.deleteObject, { name: 'sales@1' }))).code, ErrorCodes.Conflict, 'a pinned version stays');
  });

  test('notes: on a frame, read by whoever reads it; standing alone, private until shared; versioned', async () => {
    const note = await bob.request(Methods.addNote, { on: 'alice.sales', text: '# Odd\nNorth is *low*' });
    assert.deepEqual([note.name, note.attachedTo, note.scope], ['bob.sales_note1', 'alice.sales', 'mine']);
    const { objects } = await alice.request(Methods.listObjects, { kind: 'note', attachedTo: 'sales' });
    assert.deepEqual(
      objects.map((o) => [o.name, o.author]),
      [['bob.sales_note1', 'bob']],
    );
    assert.equal((await failure(() => carol.request(Methods.getObject, { name: 'bob.sales_note1' }))).code, ErrorCodes.FrameNotFound);
    assert.equal((await failure(() => alice.request(Methods.addNote, { name: 'bob.sales_note1', text: 'edited', replace: true }))).code, ErrorCodes.Forbidden, 'readers of the frame do not edit others’ notes');
    const standing = await carol.request(Methods.addNote, { name: 'howto', text: 'v1' });
    await carol.request(Methods.addNote, { name: 'howto', text: 'v2', replace: true });
    assert.equal(standing.scope, 'mine');
    assert.equal((await failure(() => bob.request(Methods.getObject, { name: 'carol.howto' }))).code, ErrorCodes.FrameNotFound);
    await carol.request(Methods.shareObject, { name: 'howto', with: { kind: 'user', name: 'bob' } });
    const latest = await bob.request(Methods.getObject, { name: 'carol.howto' });
    const first = await bob.request(Methods.getObject, { name: 'carol.howto@1' });
    assert.ok(latest.kind === 'note' && first.kind === 'note');
    assert.deepEqual([latest.text, latest.version, first.text], ['v2', 2, 'v1']);
    assert.equal((await failure(() => carol.request(Methods.save, { name: 'howto', from: { sql: 'SELECT 1 AS x' } }))).code, ErrorCodes.NameTaken, 'one name, one object');
  });

  test('storage per user in whoami; a storage limit refuses a save with a clear error and keeps nothing of it', async () => {
    const me = await alice.request(Methods.whoami, {});
    assert.ok(me.storage.usedBytes > 0 && me.storage.versions > 0);
    assert.deepEqual(me.limits, { storageBytes: null, concurrentQueries: null });
    const admin = await gw.connect();
    try {
      await admin.request(Methods.updateUser, { name: 'carol', storageLimitBytes: 1 });
    } finally {
      admin.close();
    }
    assert.equal((await carol.request(Methods.whoami, {})).limits.storageBytes, 1);
    const refused = await failure(() => carol.request(Methods.save, { name: 'big', from: { sql: 'SELECT range AS i FROM range(1000)' } }));
    assert.equal(refused.code, ErrorCodes.LimitReached);
    assert.match(refused.message, /past your limit of 1 bytes: remove versions you no longer need/);
    assert.equal((await failure(() => carol.request(Methods.schema, { name: 'big' }))).code, ErrorCodes.FrameNotFound);
    assert.equal((await carol.request(Methods.whoami, {})).storage.usedBytes, 0);
  });
});

test('versions, lineage, queries, notes and the audit log survive kill -9 and a restart (needs npm run build)', async (t) => {
  const first = await startGatewayProcess();
  t.after(() => removeDir(first.dataDir));
  t.after(() => removeDir(first.configDir));
  t.after(() => first.kill());
  const daveToken = await first.addUser('dave');
  const dave = await first.connect(daveToken);
  await dave.upload({ name: 'base' }, sampleIpc(100));
  await dave.request(Methods.save, { name: 'base', from: { sql: 'SELECT * FROM base WHERE id < 50' }, replace: true });
  await dave.request(Methods.save, { name: 'derived', from: { sql: 'SELECT count(*) AS n FROM "base@1"' } });
  await dave.request(Methods.saveQuery, { name: 'q', sql: 'SELECT * FROM base' });
  await dave.request(Methods.addNote, { on: 'base', text: 'kept?' });
  const before = await dave.request(Methods.versions, { name: 'base' });
  dave.close();
  await first.kill();
  assert.equal(first.child.signalCode, 'SIGKILL');

  const second = await startGatewayProcess({ dataDir: first.dataDir, configDir: first.configDir, adminToken: first.adminToken });
  t.after(() => second.stop());
  const again = await second.connect(daveToken);
  t.after(() => again.close());
  assert.deepEqual(await again.request(Methods.versions, { name: 'base' }), before);
  assert.deepEqual(refs((await again.request(Methods.lineage, { name: 'derived' })).root), ['dave.derived@1', 'dave.base@1']);
  assert.equal((await again.request(Methods.getObject, { name: 'q' })).kind, 'query');
  assert.deepEqual(
    (await again.request(Methods.listObjects, { kind: 'note', attachedTo: 'base' })).objects.map((n) => n.name),
    ['dave.base_note1'],
  );
  const admin = await second.connect();
  t.after(() => admin.close());
  const saves = (await admin.request(Methods.audit, { user: 'dave', action: 'save' })).entries.map((e) => `${e.object}@${e.version}`);
  assert.deepEqual(saves, ['dave.base@1', 'dave.base@2', 'dave.derived@1', 'dave.q@1', 'dave.base_note1@1']);
});
