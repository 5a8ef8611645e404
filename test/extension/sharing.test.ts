import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListUsersResult } from '../../protocol';
import { accessPickItems, grantText, sameGrantee, sharedMessage, sharePickItems, unsharedMessage, unsharePickItems, WHOLE_TEAM_LABEL } from '../../extension/sharing';
import { frameInfo, whoami } from './fixtures';

const user = (name: string, admin = false) => ({ name, admin, teamWriter: false, groups: [], createdAt: '2026-01-01T00:00:00.000Z', storageLimitBytes: null });
const directory: ListUsersResult = {
  users: [user('carol'), user('alice'), user('admin', true), user('bob')],
  groups: [
    { name: 'sales_team', members: ['bob', 'carol'] },
    { name: 'analysts', members: ['carol'] },
    { name: 'empty', members: [] },
  ],
};
const alice = whoami('alice');
const at = '2026-01-03T00:00:00.000Z';

test('share picks: the whole team, then groups, then users, without yourself; current grants are marked', () => {
  const frame = frameInfo('alice.totals', { scope: 'mine', published: false, canManage: true, grants: [{ to: { kind: 'user', name: 'bob' }, write: true, by: 'alice', at }] });
  const items = sharePickItems(frame, directory, alice);
  assert.deepEqual(
    items.map((i) => [i.label, i.description]),
    [
      [WHOLE_TEAM_LABEL, 'everyone on this gateway'],
      ['analysts', 'group · 1 member'],
      ['empty', 'group · 0 members'],
      ['sales_team', 'group · 2 members'],
      ['admin', 'user · admin'],
      ['bob', 'user · already shared: read & write'],
      ['carol', 'user'],
    ],
  );
  assert.deepEqual(items[0]!.grantee, { kind: 'team' });
  assert.deepEqual(items[3]!.grantee, { kind: 'group', name: 'sales_team' });
  assert.equal(items[3]!.detail, 'bob, carol');
  assert.equal('detail' in items[2]!, false);
  assert.deepEqual(items[6]!.grantee, { kind: 'user', name: 'carol' });
});

test('share picks leave out the whole team for a published frame and the owner when an admin shares', () => {
  const report = frameInfo('carol.report', { owner: 'carol', scope: 'admin', published: true, canManage: true, grants: [{ to: { kind: 'team' }, write: false, by: 'carol', at }] });
  const labels = sharePickItems(report, directory, whoami('admin', { admin: true })).map((i) => i.label);
  assert.deepEqual(labels, ['analysts', 'empty', 'sales_team', 'alice', 'bob']);
});

test('access picks: read only or read & write', () => {
  assert.deepEqual(accessPickItems({ kind: 'user', name: 'bob' }).map((i) => [i.label, i.write]), [
    ['Read only', false],
    ['Read & write', true],
  ]);
  assert.match(accessPickItems({ kind: 'group', name: 'g' })[1]!.description, /^Its members can also save new versions/);
});

test('unshare picks list the current grants, the team first', () => {
  const frame = frameInfo('alice.totals', {
    canManage: true,
    grants: [
      { to: { kind: 'user', name: 'bob' }, write: false, by: 'alice', at },
      { to: { kind: 'team' }, write: false, by: 'admin', at },
      { to: { kind: 'group', name: 'analysts' }, write: true, by: 'alice', at },
    ],
  });
  assert.deepEqual(unsharePickItems(frame).map((i) => [i.label, i.description]), [
    [WHOLE_TEAM_LABEL, 'published · read only · shared by admin'],
    ['analysts', 'group · read & write · shared by alice'],
    ['bob', 'user · read only · shared by alice'],
  ]);
  assert.deepEqual(unsharePickItems(frameInfo('alice.none', { grants: [] })), []);
});

test('grants and shares in words', () => {
  assert.equal(grantText({ to: { kind: 'group', name: 'analysts' }, write: true }), 'group analysts (read & write)');
  assert.equal(grantText({ to: { kind: 'team' }, write: false }, { access: false }), 'the whole team');
  assert.equal(sharedMessage('alice.totals', { kind: 'user', name: 'bob' }, false), 'Shared alice.totals with bob (read only).');
  assert.equal(sharedMessage('alice.totals', { kind: 'team' }, false), 'Published alice.totals to the whole team (read only).');
  assert.equal(unsharedMessage('alice.totals', { kind: 'group', name: 'g' }), 'alice.totals is no longer shared with group g.');
  assert.ok(sameGrantee({ kind: 'user', name: 'Bob' }, { kind: 'user', name: 'bob' }));
  assert.ok(!sameGrantee({ kind: 'user', name: 'bob' }, { kind: 'group', name: 'bob' }));
  assert.ok(sameGrantee({ kind: 'team' }, { kind: 'team' }));
});
