import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FramegateError } from '../../../protocol';
import type { Principal } from '../../../server/catalog/access';
import { openTestCatalog, type TestCatalog } from './support';

let t: TestCatalog;
let root: Principal;
beforeEach(() => {
  t = openTestCatalog();
  root = t.user('root', { admin: true });
});
afterEach(() => t.dispose());

async function rejects(code: number, work: () => unknown): Promise<void> {
  await assert.rejects(
    () => Promise.resolve().then(work),
    (error: unknown) => error instanceof FramegateError && error.code === code,
  );
}

test('admins add users with a token shown once; names are identifiers, unique in any case, not reserved', async () => {
  const added = await t.catalog.identity.addUser(root, 'Alice', { admin: false, teamWriter: false });
  assert.equal(added.user, 'alice');
  assert.ok((await t.catalog.identity.tokens.verify(added.token))?.userId);
  assert.equal(t.catalog.objects.namespace('alice')?.ownerId, t.principal('alice').userId, 'a namespace of their own');
  await rejects(ErrorCodes.NameTaken, () => t.catalog.identity.addUser(root, 'ALICE', { admin: false, teamWriter: false }));
  for (const reserved of ['main', 'team', 'system', '_fg_x', 'duckdb_x', 'information_schema']) {
    await rejects(ErrorCodes.InvalidParams, () => t.catalog.identity.addUser(root, reserved, { admin: false, teamWriter: false }));
  }
  await rejects(ErrorCodes.Forbidden, () => t.catalog.identity.addUser(t.principal('alice'), 'eve', { admin: false, teamWriter: false }));
});

test('anyone rotates their own token; only admins rotate others’', async () => {
  const { token } = await t.catalog.identity.addUser(root, 'bob', { admin: false, teamWriter: false });
  const bob = t.principal('bob');
  const rotated = await t.catalog.identity.rotateToken(bob, undefined);
  assert.equal(rotated.user, 'bob');
  assert.equal(await t.catalog.identity.tokens.verify(token), null);
  await rejects(ErrorCodes.Forbidden, () => t.catalog.identity.rotateToken(bob, 'root'));
  const byAdmin = await t.catalog.identity.rotateToken(root, 'bob');
  assert.equal(await t.catalog.identity.tokens.verify(rotated.token), null);
  assert.ok(await t.catalog.identity.tokens.verify(byAdmin.token));
});

test('removing a user revokes them and their shares; their frames stay; re-adding brings them back', async () => {
  const { token } = await t.catalog.identity.addUser(root, 'carol', { admin: false, teamWriter: false });
  const dave = t.user('dave');
  t.save(dave, 'shared');
  t.catalog.changes.share(dave, 'shared', 'frame', { kind: 'user', name: 'carol' }, false);
  t.save(t.principal('carol'), 'kept');
  t.catalog.identity.removeUser(root, 'carol');
  assert.equal(await t.catalog.identity.tokens.verify(token), null);
  assert.equal(t.catalog.identity.list().users.some((u) => u.name === 'carol'), false);
  assert.equal(t.catalog.resolver.resolveText(root, 'carol.kept', 'frame').object.name, 'kept');
  await t.catalog.identity.addUser(root, 'carol', { admin: false, teamWriter: false });
  const carol = t.principal('carol');
  assert.equal(t.catalog.resolver.resolveText(carol, 'kept', 'frame').access.scope, 'mine');
  assert.throws(() => t.catalog.resolver.resolveText(carol, 'dave.shared', 'frame'), /no frame named/, 'the old share is gone');
  assert.throws(() => t.catalog.identity.removeUser(root, 'root'), /cannot remove yourself/);
});

test('the last admin cannot be demoted', async () => {
  await rejects(ErrorCodes.InvalidParams, () => t.catalog.identity.updateUser(root, 'root', { admin: false }));
  t.user('second', { admin: true });
  assert.equal(t.catalog.identity.updateUser(root, 'root', { admin: false }).admin, false);
});

test('groups: admins create and fill them, take members out, remove them', () => {
  t.user('erin');
  t.user('frank');
  assert.deepEqual(t.catalog.identity.addGroup(root, 'Analysts', ['erin']), { name: 'analysts', members: ['erin'] });
  assert.deepEqual(t.catalog.identity.addGroup(root, 'analysts', ['frank']).members, ['erin', 'frank']);
  assert.deepEqual(t.principal('erin').groupIds.length, 1);
  assert.deepEqual(t.catalog.identity.removeGroup(root, 'analysts', ['erin']), { name: 'analysts', members: ['frank'] });
  assert.throws(() => t.catalog.identity.addGroup(root, 'erin', []), /a user is named erin/);
  assert.throws(() => t.catalog.identity.addGroup(t.principal('erin'), 'x', []), /only admins/);
  assert.throws(() => t.catalog.identity.addGroup(root, 'x', ['nobody']), /no user named nobody/);
  assert.deepEqual(t.catalog.identity.removeGroup(root, 'analysts', undefined), { removed: 'analysts' });
  assert.deepEqual(t.catalog.identity.list().groups, []);
});

test('bootstrap: the first start makes an admin and hands the token to persist before committing', async () => {
  const fresh = openTestCatalog();
  try {
    let persisted: string | undefined;
    const first = await fresh.catalog.bootstrapAdmin('ops', (r) => (persisted = r.token));
    assert.equal(first?.user, 'ops');
    assert.equal(persisted, first?.token);
    assert.ok(fresh.catalog.identity.principal((await fresh.catalog.identity.tokens.verify(first?.token ?? ''))!.userId)?.admin);
    assert.equal(await fresh.catalog.bootstrapAdmin('other', () => undefined), null, 'only when there is no admin');
    const failing = openTestCatalog();
    try {
      await assert.rejects(failing.catalog.bootstrapAdmin('ops', () => { throw new Error('disk full'); }), /disk full/);
      assert.equal(failing.catalog.identity.users.countAdmins(), 0, 'nothing committed when the token could not be kept');
    } finally {
      failing.dispose();
    }
  } finally {
    fresh.dispose();
  }
});
