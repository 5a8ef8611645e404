/**
 * Share…, Unshare…, Publish and the frame pickers over a scripted UI and a fake gateway: what is
 * asked, in which order, what reaches the gateway, and what the user is told.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FramegateError, type FrameInfo, type ListUsersResult } from '../../protocol';
import * as commands from '../../extension/commands';
import * as sql from '../../extension/sql-commands';
import type { Gateway } from '../../extension/connection';
import { silentLogger } from '../../extension/log';
import { frameTreeItems } from '../../extension/tree-items';
import { frameInfo, whoami } from './fixtures';
import { FakeGateway } from './support/fake-gateway';
import { RecordingGrids, ScriptedUi } from './support/scripted-ui';

const alice = whoami('alice');
const at = '2026-01-03T00:00:00.000Z';
const directory: ListUsersResult = {
  users: ['alice', 'bob', 'carol'].map((name) => ({ name, admin: false, teamWriter: false, groups: [], createdAt: at, storageLimitBytes: null })),
  groups: [{ name: 'analysts', members: ['carol'] }],
};

function world(frames: FrameInfo[]) {
  const byName = new Map(frames.map((f) => [f.name, f]));
  const gateway = new FakeGateway(alice, {
    'objects/list': () => ({ objects: [...byName.values()] }),
    'objects/get': (params) => {
      const frame = byName.get((params as { name: string }).name);
      if (!frame) throw new FramegateError(ErrorCodes.FrameNotFound, 'no such frame');
      return frame;
    },
    'users/list': () => directory,
    'objects/share': (params) => {
      const { name, with: to, write } = params as { name: string; with: NonNullable<FrameInfo['grants']>[number]['to']; write: boolean };
      const frame = byName.get(name)!;
      const updated = { ...frame, grants: [...(frame.grants ?? []), { to, write, by: 'alice', at }], published: frame.published || to.kind === 'team' };
      byName.set(name, updated);
      return updated;
    },
    'objects/unshare': (params) => {
      const { name } = params as { name: string };
      return { ...byName.get(name)!, grants: [] };
    },
  });
  const ctx = (ui: ScriptedUi): commands.CommandContext => ({
    connection: { requireClient: (): Gateway => gateway, me: alice },
    ui,
    grids: new RecordingGrids(),
    log: silentLogger,
  });
  return { gateway, ctx };
}

const totals = frameInfo('alice.totals', { scope: 'mine', published: false, canWrite: true, canManage: true, grants: [] });
const shared = frameInfo('bob.kpis', { owner: 'bob', scope: 'shared', sharedBy: 'bob', published: false });

test('Share… from the tree: whom (users, groups, whole team), then access; the gateway gets the full name', async () => {
  const { gateway, ctx } = world([totals, shared]);
  const ui = new ScriptedUi([{ pick: 'bob' }, { pick: 'Read & write' }]);
  const item = frameTreeItems([totals], 'mine', alice)[0]!;
  const result = await commands.share(ctx(ui), item);
  assert.equal(result?.name, 'alice.totals');
  assert.deepEqual(ui.prompts, ['Share alice.totals with…', 'What may bob do with alice.totals?']);
  assert.deepEqual(ui.picks[0]!.map((i) => i.label), ['Whole team', 'analysts', 'bob', 'carol']);
  assert.deepEqual(gateway.requests.map((r) => r.method), ['objects/get', 'users/list', 'objects/share']);
  assert.deepEqual(gateway.requests[2]!.params, { name: 'alice.totals', kind: 'frame', with: { kind: 'user', name: 'bob' }, write: true });
  assert.deepEqual(ui.infos, ['Shared alice.totals with bob (read & write).']);
});

test('Share… from the palette lists only frames you manage; a frame you do not manage is refused in words', async () => {
  const { gateway, ctx } = world([totals, shared]);
  const ui = new ScriptedUi([{ pick: 'alice.totals' }, { pick: 'analysts' }, { pick: 'Read only' }]);
  await commands.share(ctx(ui));
  assert.deepEqual(ui.picks[0]!.map((i) => i.label), ['alice.totals']);
  assert.deepEqual(gateway.requests.at(-1)!.params, { name: 'alice.totals', kind: 'frame', with: { kind: 'group', name: 'analysts' }, write: false });

  const refused = new ScriptedUi();
  assert.equal(await commands.share(ctx(refused), 'bob.kpis'), undefined);
  assert.deepEqual(refused.errors, ['Framegate: only the owner of bob.kpis (bob) or an admin may share it.']);
  assert.ok(!gateway.requests.some((r) => r.method === 'objects/share' && (r.params as { name: string }).name === 'bob.kpis'));
});

test('Share… with arguments asks nothing; cancelling a pick shares nothing', async () => {
  const { gateway, ctx } = world([totals]);
  const ui = new ScriptedUi();
  await commands.share(ctx(ui), 'alice.totals', { kind: 'team' }, false);
  assert.deepEqual(ui.prompts, []);
  assert.deepEqual(ui.infos, ['Published alice.totals to the whole team (read only).']);

  const cancelled = new ScriptedUi([{ pick: 'carol' }, { pick: undefined }]);
  const before = gateway.requests.filter((r) => r.method === 'objects/share').length;
  assert.equal(await commands.share(ctx(cancelled), 'alice.totals'), undefined);
  assert.equal(gateway.requests.filter((r) => r.method === 'objects/share').length, before);
});

test('Unshare… picks one of the current grants', async () => {
  const granted = { ...totals, grants: [{ to: { kind: 'user' as const, name: 'bob' }, write: false, by: 'alice', at }, { to: { kind: 'group' as const, name: 'analysts' }, write: true, by: 'alice', at }] };
  const { gateway, ctx } = world([granted]);
  const ui = new ScriptedUi([{ pick: 'analysts' }]);
  await commands.unshare(ctx(ui), 'alice.totals');
  assert.deepEqual(ui.picks[0]!.map((i) => i.label), ['analysts', 'bob']);
  assert.deepEqual(gateway.requests.at(-1), { method: 'objects/unshare', params: { name: 'alice.totals', kind: 'frame', with: { kind: 'group', name: 'analysts' } } });
  assert.deepEqual(ui.infos, ['alice.totals is no longer shared with group analysts.']);

  const none = world([totals]);
  const nothing = new ScriptedUi();
  assert.equal(await commands.unshare(none.ctx(nothing), 'alice.totals'), undefined);
  assert.deepEqual(nothing.infos, ['alice.totals is not shared with anyone.']);
});

test('Publish shares with the whole team, read only, and says so; an already published frame is left alone', async () => {
  const { gateway, ctx } = world([totals]);
  const ui = new ScriptedUi();
  const published = await commands.publish(ctx(ui), 'alice.totals');
  assert.equal(published?.published, true);
  assert.deepEqual(gateway.requests.at(-1)!.params, { name: 'alice.totals', kind: 'frame', with: { kind: 'team' }, write: false });
  const again = new ScriptedUi();
  await commands.publish(ctx(again), 'alice.totals');
  assert.deepEqual(again.infos, ['alice.totals is already published to the whole team.']);
  assert.equal(gateway.requests.filter((r) => r.method === 'objects/share').length, 1);
});

test('Delete offers only frames you manage; Save As says where a bare name goes', async () => {
  const { ctx } = world([totals, shared]);
  const ui = new ScriptedUi([{ pick: undefined }]);
  await commands.deleteFrame(ctx(ui));
  assert.deepEqual(ui.picks[0]!.map((i) => i.label), ['alice.totals']);
  assert.deepEqual(ui.picks[0]![0]!.description, '1,000,000 rows · v3 · alice');

  const save = new ScriptedUi([{ input: undefined }]);
  const grids = new RecordingGrids();
  grids.open({ source: { kind: 'result', id: 'r1' }, title: 'r', result: { id: 'r1', columns: [], rowCount: 0, sql: 'SELECT 1' } });
  await sql.saveResultAs({ ...ctx(save), grids }, undefined);
  assert.match(save.inputs[0]!.prompt, /a bare name saves as alice\.NAME/);
  assert.equal(save.inputs[0]!.placeHolder, 'sales_eu (saves as alice.sales_eu)');
});
