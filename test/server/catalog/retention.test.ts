/**
 * Retention and version removal on a real catalog: keep the last N per frame (the gateway's
 * setting or the frame's own), never what another frame's lineage or a saved query's pin needs,
 * never the latest; records stay; gc reclaims only what the caller manages; storage per author
 * and its limit.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FramegateError } from '../../../protocol';
import type { Principal } from '../../../server/catalog/access';
import { openTestCatalog, type TestCatalog } from './support';

let t: TestCatalog | undefined;
afterEach(() => t?.dispose());

function failsWith(code: number, work: () => unknown): FramegateError {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof FramegateError, String(error));
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail('expected an error');
}

/** Versions of a frame that still have their data. */
function withData(cat: TestCatalog, who: Principal, name: string): number[] {
  const { object } = cat.catalog.resolver.resolveText(who, name, 'frame');
  return cat.catalog.objects
    .versions(object.id)
    .filter((v) => v.storage !== null)
    .map((v) => v.version);
}

test('the gateway keeps the last N versions of every frame; a frame may keep more or fewer; records stay', () => {
  t = openTestCatalog({ keepVersions: 2 });
  const alice = t.user('alice');
  for (let i = 0; i < 4; i++) t.save(alice, 'daily', { replace: i > 0 });
  const { object } = t.catalog.resolver.resolveText(alice, 'daily', 'frame');
  assert.deepEqual(
    t.catalog.retention.plan(object).map((v) => v.version),
    [1, 2],
  );
  const dropped = t.catalog.retention.collect(alice);
  assert.deepEqual(
    dropped.map((d) => d.version),
    [1, 2],
  );
  assert.deepEqual(withData(t, alice, 'daily'), [3, 4]);
  assert.equal(t.catalog.objects.versions(object.id).length, 4, 'the records stay');
  assert.deepEqual(
    t.catalog.describer.versions(alice, object).map((v) => [v.version, v.state.kind === 'removed' ? v.state.reason : 'present']),
    [
      [1, 'retention'],
      [2, 'retention'],
      [3, 'present'],
      [4, 'present'],
    ],
  );
  failsWith(ErrorCodes.FrameNotFound, () => t!.catalog.resolver.resolveText(alice, 'daily@1', 'frame'));

  t.catalog.changes.setRetention(alice, 'daily', 1);
  assert.deepEqual(
    t.catalog.retention.collect(alice).map((d) => d.version),
    [3],
  );
  assert.deepEqual(withData(t, alice, 'daily'), [4], 'the latest is always kept');
  t.catalog.changes.setRetention(alice, 'daily', null);
  assert.equal(t.catalog.retention.keepFor(t.catalog.objects.byId(object.id)!), 2, "back to the gateway's");
});

test('without a setting every version keeps its data', () => {
  t = openTestCatalog();
  const alice = t.user('alice');
  for (let i = 0; i < 5; i++) t.save(alice, 'all', { replace: i > 0 });
  assert.deepEqual(t.catalog.retention.collect(alice), []);
  assert.deepEqual(withData(t, alice, 'all'), [1, 2, 3, 4, 5]);
});

test("retention never drops a version another frame's lineage or a saved query's pin needs; a frame reading its own past does not count", () => {
  t = openTestCatalog({ keepVersions: 1 });
  const alice = t.user('alice');
  const bob = t.user('bob');
  const v1 = t.save(alice, 'sales');
  t.save(alice, 'sales', { replace: true });
  t.save(alice, 'sales', { replace: true, reads: [{ objectId: v1.object.id, version: 2 }] });
  t.save(alice, 'sales', { replace: true });
  // bob's frame read sales@1; a saved query of bob's pins sales@2 (bob read them while they were shared).
  t.save(bob, 'derived', { reads: [{ objectId: v1.object.id, version: 1 }] });
  const target = t.catalog.resolver.planWrite(bob, 'q', 'query');
  t.catalog.changes.record(
    bob,
    target,
    { storage: null, columns: [], rowCount: 0, bytes: 0, source: 'SELECT 1', origin: { kind: 'written' }, body: { sql: 'SELECT 1', description: '', columns: [] } },
    [{ objectId: v1.object.id, version: 2, pinned: true }],
    { replace: false },
  );
  assert.deepEqual(
    t.catalog.describer.versions(alice, v1.object).map((v) => [v.version, v.keptFor ?? []]),
    [
      [1, ['lineage']],
      [2, ['pinned']],
      [3, []],
      [4, []],
    ],
    'sales@3 reads sales@2 but that is its own history: it protects nothing',
  );
  assert.deepEqual(
    t.catalog.retention.collect(alice).map((d) => d.version),
    [3],
  );
  assert.deepEqual(withData(t, alice, 'sales'), [1, 2, 4]);

  // Once the reader is gone (deleted) and the query too, gc reclaims them.
  t.catalog.changes.delete(bob, 'derived', 'frame');
  t.catalog.changes.delete(bob, 'q', 'query');
  assert.deepEqual(
    t.catalog.retention.collect(alice).map((d) => d.version),
    [1, 2],
  );
});

test('gc reclaims the frames the caller manages; admins reclaim all; a dry run drops nothing', () => {
  t = openTestCatalog({ keepVersions: 1 });
  const alice = t.user('alice');
  const bob = t.user('bob');
  const root = t.user('root', { admin: true });
  for (const who of [alice, bob]) for (let i = 0; i < 3; i++) t.save(who, 'f', { replace: i > 0 });
  assert.deepEqual(
    t.catalog.retention.collect(alice, { dryRun: true }).map((d) => `${d.object.namespace}@${d.version}`),
    ['alice@1', 'alice@2'],
  );
  assert.deepEqual(withData(t, alice, 'f'), [1, 2, 3], 'a dry run drops nothing');
  assert.equal(t.catalog.retention.collect(alice).length, 2);
  assert.deepEqual(withData(t, bob, 'f'), [1, 2, 3], "alice's gc leaves bob's frames alone");
  assert.deepEqual(
    t.catalog.retention.collect(root).map((d) => `${d.object.namespace}@${d.version}`),
    ['bob@1', 'bob@2'],
  );
  assert.deepEqual(
    t.catalog.audit.query({ action: 'gc', limit: 10 }).entries.map((e) => [e.user, e.object, e.version]),
    [
      ['alice', 'alice.f', 1],
      ['alice', 'alice.f', 2],
      ['root', 'bob.f', 1],
      ['root', 'bob.f', 2],
    ],
  );
});

test('removing a version: owner or admin; not the latest; not one a saved query pins; its record stays', () => {
  t = openTestCatalog();
  const alice = t.user('alice');
  const bob = t.user('bob');
  const first = t.save(alice, 'sales');
  t.save(alice, 'sales', { replace: true });
  t.save(alice, 'sales', { replace: true });
  t.catalog.changes.share(alice, 'sales', 'frame', { kind: 'user', name: 'bob' }, true);
  failsWith(ErrorCodes.Forbidden, () => t!.catalog.changes.removeVersion(bob, 'alice.sales@1', undefined));
  assert.match(failsWith(ErrorCodes.InvalidParams, () => t!.catalog.changes.removeVersion(alice, 'sales@3', undefined)).message, /latest version/);
  failsWith(ErrorCodes.FrameNotFound, () => t!.catalog.changes.removeVersion(alice, 'sales@9', undefined));
  const target = t.catalog.resolver.planWrite(bob, 'pinning', 'query');
  t.catalog.changes.record(
    bob,
    target,
    { storage: null, columns: [], rowCount: 0, bytes: 0, source: 's', origin: { kind: 'written' }, body: { sql: 's', description: '', columns: [] } },
    [{ objectId: first.object.id, version: 2, pinned: true }],
    { replace: false },
  );
  assert.match(failsWith(ErrorCodes.Conflict, () => t!.catalog.changes.removeVersion(alice, 'sales@2', undefined)).message, /1 query you cannot see/, 'a query alice cannot see stays unnamed');
  const removed = t.catalog.changes.removeVersion(alice, 'sales@1', undefined);
  assert.equal(removed.version, 1);
  assert.ok(removed.storage);
  assert.equal(t.catalog.objects.versions(first.object.id).length, 3);
  failsWith(ErrorCodes.FrameNotFound, () => t!.catalog.resolver.resolveText(alice, 'sales@1', 'frame'));
  failsWith(ErrorCodes.FrameNotFound, () => t!.catalog.changes.removeVersion(alice, 'sales@1', undefined));
});

test('storage is counted per author; a limit refuses a save that would pass it and records nothing', () => {
  t = openTestCatalog({ storageLimitBytes: 1000 });
  const alice = t.user('alice');
  const bob = t.user('bob');
  t.save(alice, 'a', { bytes: 600 });
  t.catalog.changes.share(alice, 'a', 'frame', { kind: 'user', name: 'bob' }, true);
  t.save(bob, 'alice.a', { bytes: 300, replace: true });
  assert.deepEqual(
    [t.catalog.objects.storageOf(alice.userId).bytes, t.catalog.objects.storageOf(bob.userId).bytes],
    [600, 300],
    'each pays for what they saved, in whoever’s frame',
  );
  const refused = failsWith(ErrorCodes.LimitReached, () => t!.save(alice, 'b', { bytes: 500 }));
  assert.match(refused.message, /past your limit of 1000 bytes/);
  assert.equal(t.catalog.objects.findLive('alice', 'b'), undefined, 'nothing recorded');
  assert.equal(t.catalog.audit.query({ action: 'save', object: 'alice.b', limit: 10 }).entries.length, 0, 'and nothing audited as saved');
  t.catalog.identity.users.update(alice.userId, { storageLimit: 5000 });
  assert.equal(t.save(alice, 'b', { bytes: 500 }).version.version, 1, 'her own limit counts over the gateway’s');
  t.catalog.identity.users.update(alice.userId, { storageLimit: 100 });
  failsWith(ErrorCodes.LimitReached, () => t!.catalog.changes.checkStorageRoom(alice));
});
