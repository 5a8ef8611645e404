import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessTo, canCreateIn, type Principal } from '../../../server/catalog/access';
import type { GrantRecord, ObjectRecord } from '../../../server/catalog/records';

const alice: Principal = { userId: 1, name: 'alice', admin: false, teamWriter: false, groupIds: [10] };
const bob: Principal = { userId: 2, name: 'bob', admin: false, teamWriter: false, groupIds: [] };
const admin: Principal = { userId: 3, name: 'root', admin: true, teamWriter: true, groupIds: [] };
const writer: Principal = { userId: 4, name: 'wendy', admin: false, teamWriter: true, groupIds: [] };

const frame = (namespace: string, ownerId: number): ObjectRecord => ({
  id: 7,
  kind: 'frame',
  namespace,
  name: 'sales',
  ownerId,
  createdAt: '',
  deletedAt: null,
  attachedTo: null,
  keepVersions: null,
});
const grant = (granteeKind: GrantRecord['granteeKind'], granteeId: number, write = false): GrantRecord => ({ objectId: 7, granteeKind, granteeId, write, grantedBy: 2, grantedAt: '' });

test('a private frame is its owner’s alone (and admins’)', () => {
  const privateFrame = frame('bob', 2);
  assert.deepEqual(accessTo(bob, privateFrame, []), { read: true, write: true, manage: true, scope: 'mine' });
  assert.equal(accessTo(alice, privateFrame, []).read, false);
  assert.equal(accessTo(writer, privateFrame, []).read, false);
  const asAdmin = accessTo(admin, privateFrame, []);
  assert.deepEqual([asAdmin.read, asAdmin.write, asAdmin.manage, asAdmin.scope], [true, true, true, 'admin']);
});

test('shares reach a user directly or through a group; write shares allow new versions, never managing', () => {
  const direct = accessTo(alice, frame('bob', 2), [grant('user', 1)]);
  assert.deepEqual([direct.read, direct.write, direct.manage, direct.scope], [true, false, false, 'shared']);
  const viaGroup = accessTo(alice, frame('bob', 2), [grant('group', 10, true)]);
  assert.deepEqual([viaGroup.read, viaGroup.write, viaGroup.manage, viaGroup.scope], [true, true, false, 'shared']);
  assert.equal(accessTo(alice, frame('bob', 2), [grant('group', 11, true)]).read, false, 'a group alice is not in');
  assert.equal(accessTo(alice, frame('bob', 2), [{ ...grant('user', 1), objectId: 8 }]).read, false, 'a grant on another frame');
});

test('published and team-namespace frames are readable by all, writable by team writers only in the team namespace', () => {
  const published = accessTo(alice, frame('bob', 2), [grant('team', 0)]);
  assert.deepEqual([published.read, published.write, published.scope], [true, false, 'team']);
  const team = frame('main', 2);
  assert.deepEqual([accessTo(alice, team, []).read, accessTo(alice, team, []).write], [true, false]);
  assert.equal(accessTo(writer, team, []).write, true);
  assert.equal(accessTo(writer, frame('bob', 2), [grant('team', 0)]).write, false, 'team writers do not write published private frames');
});

test('creating frames: your own namespace; the team namespace for team writers and admins', () => {
  assert.equal(canCreateIn(alice, 'alice', 1), true);
  assert.equal(canCreateIn(alice, 'bob', 2), false);
  assert.equal(canCreateIn(alice, 'main', null), false);
  assert.equal(canCreateIn(writer, 'main', null), true);
  assert.equal(canCreateIn(admin, 'bob', 2), true);
  assert.equal(canCreateIn(admin, 'nobody', undefined), false, 'not even admins create namespaces by saving');
});
