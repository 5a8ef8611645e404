import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FramegateError, parseFrameRef } from '../../../protocol';
import type { Principal } from '../../../server/catalog/access';
import { openTestCatalog, type TestCatalog } from './support';

let t: TestCatalog;
let alice: Principal;
let bob: Principal;
let carol: Principal;
let root: Principal;

beforeEach(() => {
  t = openTestCatalog();
  alice = t.user('alice');
  bob = t.user('bob');
  carol = t.user('carol');
  root = t.user('root', { admin: true });
});
afterEach(() => t.dispose());

function failsWith(code: number, work: () => unknown): FramegateError {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof FramegateError, String(error));
    assert.equal(error.kind, Object.entries(ErrorCodes).find(([, v]) => v === code)?.[0]);
    return error;
  }
  assert.fail('expected an error');
}

const read = (who: Principal, text: string) => t.catalog.resolver.resolveText(who, text, 'frame');

test('a bare save goes to your own namespace and is private; others get FrameNotFound, as for a missing frame', () => {
  const { info } = t.save(alice, 'sales');
  assert.equal(info.name, 'alice.sales');
  assert.deepEqual([info.owner, info.author, info.scope, info.published, info.version], ['alice', 'alice', 'mine', false, 1]);
  const hidden = failsWith(ErrorCodes.FrameNotFound, () => read(bob, 'alice.sales'));
  const missing = failsWith(ErrorCodes.FrameNotFound, () => read(bob, 'alice.nothing'));
  assert.equal(hidden.message.replaceAll('sales', 'X'), missing.message.replaceAll('nothing', 'X'), 'same wording: nothing revealed');
  assert.equal(read(root, 'alice.sales').access.scope, 'admin');
});

test('names are case-insensitive and keep the case they were saved with', () => {
  t.save(alice, 'Sales');
  assert.equal(read(alice, 'ALICE.sales').object.name, 'Sales');
  failsWith(ErrorCodes.FrameExists, () => t.save(alice, 'alice.SALES'));
  assert.equal(t.save(alice, 'SALES', { replace: true }).info.version, 2);
  assert.deepEqual(
    t.catalog.describer.list(alice, { kind: 'frame', namespace: 'ALICE' }).map((f) => f.name),
    ['alice.Sales'],
  );
});

test('bare reads: your own frame, then the team’s, then the one shared with you; two shared ones are ambiguous', () => {
  t.save(bob, 'sales');
  t.catalog.changes.share(bob, 'bob.sales', 'frame', { kind: 'user', name: 'alice' }, false);
  assert.equal(read(alice, 'sales').object.namespace, 'bob', 'the only one alice can see');
  t.save(carol, 'sales');
  t.catalog.changes.share(carol, 'carol.sales', 'frame', { kind: 'team' }, false);
  const ambiguous = failsWith(ErrorCodes.AmbiguousName, () => read(alice, 'sales'));
  assert.deepEqual((ambiguous.detail as { candidates: string[] }).candidates, ['bob.sales', 'carol.sales']);
  t.save(root, 'main.sales');
  assert.equal(read(alice, 'sales').object.namespace, 'main', 'the team namespace comes before shares');
  t.save(alice, 'sales');
  assert.equal(read(alice, 'sales').object.namespace, 'alice', 'your own comes first');
  assert.equal(read(bob, 'sales').object.namespace, 'bob');
});

test('versions: NAME@N reads a given version; a missing one is FrameNotFound', () => {
  t.save(alice, 'v', { rows: 1 });
  t.save(alice, 'v', { rows: 2, replace: true });
  assert.equal(read(alice, 'v').version.rowCount, 2);
  assert.equal(read(alice, 'alice.v@1').version.rowCount, 1);
  failsWith(ErrorCodes.FrameNotFound, () => read(alice, 'v@3'));
  failsWith(ErrorCodes.FrameNotFound, () => read(bob, 'alice.v@1'));
});

test('writes: others’ namespaces are refused alike whether the frame exists or not; read shares do not write; write shares do', () => {
  t.save(bob, 'sales');
  const existing = failsWith(ErrorCodes.Forbidden, () => t.catalog.resolver.planWrite(alice, 'bob.sales', 'frame'));
  const absent = failsWith(ErrorCodes.Forbidden, () => t.catalog.resolver.planWrite(alice, 'bob.other', 'frame'));
  assert.equal(existing.message.replaceAll('sales', 'X'), absent.message.replaceAll('other', 'X'));
  t.catalog.changes.share(bob, 'bob.sales', 'frame', { kind: 'user', name: 'alice' }, false);
  assert.match(failsWith(ErrorCodes.Forbidden, () => t.catalog.resolver.planWrite(alice, 'bob.sales', 'frame')).message, /ask bob to share it with you --write/);
  t.catalog.changes.share(bob, 'bob.sales', 'frame', { kind: 'user', name: 'alice' }, true);
  const { info } = t.save(alice, 'bob.sales', { replace: true });
  assert.deepEqual([info.name, info.owner, info.author, info.version], ['bob.sales', 'bob', 'alice', 2]);
  // A write share is for that frame only.
  failsWith(ErrorCodes.Forbidden, () => t.catalog.resolver.planWrite(alice, 'bob.new_one', 'frame'));
});

test('the team namespace: readable by all, writable by admins and team writers', () => {
  failsWith(ErrorCodes.Forbidden, () => t.save(alice, 'main.shared'));
  const writer = t.user('wendy', { teamWriter: true });
  assert.equal(t.save(writer, 'main.shared').info.scope, 'mine');
  const seen = read(alice, 'shared');
  assert.deepEqual([seen.access.read, seen.access.write, seen.access.scope], [true, false, 'team']);
  assert.equal(t.save(root, 'main.shared', { replace: true }).info.version, 2);
});

test('only the owner or an admin shares, unshares and deletes; a grant to a group reaches its members', () => {
  t.save(bob, 'sales');
  failsWith(ErrorCodes.FrameNotFound, () => t.catalog.changes.share(alice, 'bob.sales', 'frame', { kind: 'user', name: 'alice' }, false));
  const group = t.catalog.identity.groups.ensure('analysts');
  t.catalog.identity.groups.addMembers(group.id, [alice.userId]);
  alice = t.principal('alice');
  const info = t.catalog.describer.info(bob, t.catalog.changes.share(bob, 'bob.sales', 'frame', { kind: 'group', name: 'analysts' }, false));
  assert.deepEqual(info.grants?.map((g) => [g.to, g.write, g.by]), [[{ kind: 'group', name: 'analysts' }, false, 'bob']]);
  const seen = t.catalog.describer.info(alice, read(alice, 'bob.sales').object, read(alice, 'bob.sales').version);
  assert.deepEqual([seen.scope, seen.sharedBy, seen.canWrite, seen.canManage, seen.grants], ['shared', 'bob', false, false, undefined]);
  failsWith(ErrorCodes.Forbidden, () => t.catalog.changes.share(alice, 'bob.sales', 'frame', { kind: 'user', name: 'carol' }, false));
  failsWith(ErrorCodes.Forbidden, () => t.catalog.changes.delete(alice, 'bob.sales', 'frame'));
  t.catalog.changes.unshare(root, 'bob.sales', 'frame', { kind: 'group', name: 'analysts' });
  failsWith(ErrorCodes.FrameNotFound, () => read(alice, 'bob.sales'));
  failsWith(ErrorCodes.InvalidParams, () => t.catalog.changes.unshare(bob, 'bob.sales', 'frame', { kind: 'team' }));
  failsWith(ErrorCodes.UserNotFound, () => t.catalog.changes.share(bob, 'bob.sales', 'frame', { kind: 'user', name: 'nobody' }, false));
  failsWith(ErrorCodes.GroupNotFound, () => t.catalog.changes.share(bob, 'bob.sales', 'frame', { kind: 'group', name: 'nobody' }, false));
});

test('a delete keeps the versions (lineage) but frees the name and returns the data to drop', () => {
  t.save(bob, 'gone');
  t.save(bob, 'gone', { replace: true });
  const { storage } = t.catalog.changes.delete(bob, 'gone', 'frame');
  assert.equal(storage.length, 2);
  failsWith(ErrorCodes.FrameNotFound, () => read(bob, 'gone'));
  assert.equal(t.save(bob, 'gone').info.version, 1, 'a new frame of the same name');
  assert.ok(![...t.catalog.objects.referencedStorage()].some((id) => storage.includes(id)));
});

test('list: mine, shared with me (and by whom), team-wide; nothing else', () => {
  t.save(alice, 'mine');
  t.save(bob, 'for_alice');
  t.catalog.changes.share(bob, 'for_alice', 'frame', { kind: 'user', name: 'alice' }, true);
  t.save(bob, 'published');
  t.catalog.changes.share(bob, 'published', 'frame', { kind: 'team' }, false);
  t.save(bob, 'private');
  t.save(root, 'main.team');
  const seen = t.catalog.describer.list(alice, { kind: 'frame' }).map((f) => [f.name, f.scope, f.sharedBy ?? '', f.canWrite]);
  assert.deepEqual(seen, [
    ['alice.mine', 'mine', '', true],
    ['bob.for_alice', 'shared', 'bob', true],
    ['bob.published', 'team', '', false],
    ['main.team', 'team', '', false],
  ]);
  assert.equal(t.catalog.describer.list(root, { kind: 'frame' }).length, 5, 'admins see everything');
  assert.deepEqual(parseFrameRef('ALICE.x@2'), { namespace: 'alice', name: 'x', version: 2 });
});

test('one name, one object: a query or note cannot take a frame’s name, and reads name the kind they found', () => {
  t.save(alice, 'daily');
  assert.match(failsWith(ErrorCodes.NameTaken, () => t.catalog.resolver.planWrite(alice, 'daily', 'query')).message, /alice\.daily is a frame: a query needs another name/);
  const target = t.catalog.resolver.planWrite(alice, 'report', 'query');
  t.catalog.changes.record(alice, target, { storage: null, columns: [], rowCount: 0, bytes: 0, source: 'SELECT 1', origin: { kind: 'written' }, body: { sql: 'SELECT 1' } }, [], { replace: false });
  assert.match(failsWith(ErrorCodes.FrameNotFound, () => read(alice, 'report')).message, /alice\.report is a query, not a frame/);
  assert.equal(t.catalog.resolver.resolveText(alice, 'report').object.kind, 'query', 'without a kind, any kind');
  // Others still cannot tell a hidden query from nothing.
  const hidden = failsWith(ErrorCodes.FrameNotFound, () => read(bob, 'alice.report'));
  assert.equal(hidden.message, 'no frame named alice.report');
});

test('a note on a frame is read by whoever reads the frame; a note standing alone is private until shared', () => {
  const { object: frame } = t.save(bob, 'sales');
  t.catalog.changes.share(bob, 'sales', 'frame', { kind: 'user', name: 'alice' }, false);
  const note = (who: Principal, name: string, attachedTo?: number) =>
    t.catalog.changes.record(
      who,
      t.catalog.resolver.planWrite(who, name, 'note'),
      { storage: null, columns: [], rowCount: 0, bytes: 0, source: 'hi', origin: { kind: 'written' }, body: { text: 'hi' } },
      [],
      { replace: false, ...(attachedTo !== undefined ? { attachedTo } : {}) },
    ).object;
  const remark = note(alice, 'remark', frame.id);
  const diary = note(alice, 'diary');
  assert.equal(t.catalog.resolver.access(bob, remark).read, true, 'the frame’s owner reads remarks about it');
  assert.equal(t.catalog.resolver.access(bob, remark).write, false, 'but does not edit them');
  assert.equal(t.catalog.resolver.access(carol, remark).read, false);
  assert.equal(t.catalog.resolver.access(bob, diary).read, false);
  t.catalog.changes.share(bob, 'sales', 'frame', { kind: 'user', name: 'carol' }, false);
  assert.equal(t.catalog.resolver.access(carol, remark).read, true, 'a new reader of the frame reads its notes');
  assert.deepEqual(
    t.catalog.describer.list(carol, { kind: 'note', attachedTo: frame.id }).map((n) => [n.name, n.scope]),
    [['alice.remark', 'shared']],
  );
  t.catalog.changes.delete(bob, 'sales', 'frame');
  assert.equal(t.catalog.resolver.access(carol, remark).read, false, 'a deleted frame lends its notes no readers');
  assert.equal(t.catalog.resolver.access(alice, remark).read, true, 'their author keeps them');
});
