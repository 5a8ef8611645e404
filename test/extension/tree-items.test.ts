import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  childTreeItems,
  columnTreeItems,
  ContextValues,
  frameContextValue,
  frameTreeItems,
  groupTreeItems,
  rootTreeItems,
} from '../../extension/tree-items';
import { frameInfo, whoami } from './fixtures';

const alice = whoami('alice');
const grant = (to: { kind: 'user' | 'group'; name: string } | { kind: 'team' }, write = false) => ({ to, write, by: 'alice', at: '2026-01-03T00:00:00.000Z' });

const frames = [
  frameInfo('alice.totals', { scope: 'mine', published: false, canWrite: true, canManage: true, grants: [grant({ kind: 'user', name: 'bob' }), grant({ kind: 'group', name: 'analysts' }, true)] }),
  frameInfo('alice.draft', { scope: 'mine', published: false, canWrite: true, canManage: true, grants: [], rowCount: 1, version: 1 }),
  frameInfo('alice.report', { scope: 'mine', published: true, canWrite: true, canManage: true, grants: [grant({ kind: 'team' })] }),
  frameInfo('bob.scratch', { owner: 'bob', author: 'bob', scope: 'shared', sharedBy: 'bob', published: false, canWrite: true }),
  frameInfo('carol.budget', { owner: 'carol', author: 'carol', scope: 'shared', sharedBy: 'dave', published: false }),
  frameInfo('sales', { owner: 'admin', author: 'admin', scope: 'team' }),
  frameInfo('bob.kpis', { owner: 'bob', scope: 'team', published: true }),
];

test('the root groups frames as My frames, Shared with me and Team, each with its count', () => {
  const groups = groupTreeItems(frames, alice);
  assert.deepEqual(
    groups.map((g) => [g.label, g.description, g.collapsible, g.contextValue]),
    [
      ['My frames', '3 frames', 'expanded', ContextValues.group],
      ['Shared with me', '2 frames', 'expanded', ContextValues.group],
      ['Team', '2 frames', 'expanded', ContextValues.group],
    ],
  );
  assert.match(groups[0]!.tooltip!, /your namespace alice/);
  assert.match(groups[2]!.tooltip!, /team namespace main/);
});

test('the three groups show even when empty; the admin group only when an admin sees frames through it', () => {
  const empty = groupTreeItems([], alice);
  // Not the ids of the same groups with frames, which VS Code then shows expanded.
  assert.deepEqual(empty.map((g) => g.id), ['group:mine:empty', 'group:shared:empty', 'group:team:empty']);
  assert.deepEqual(groupTreeItems(frames, alice).map((g) => g.id), ['group:mine', 'group:shared', 'group:team']);
  assert.deepEqual(empty.map((g) => [g.label, g.description, g.collapsible]), [
    ['My frames', 'none', 'none'],
    ['Shared with me', 'none', 'none'],
    ['Team', 'none', 'none'],
  ]);
  const admin = whoami('root', { admin: true });
  const withAdmin = groupTreeItems([...frames, frameInfo('erin.private', { owner: 'erin', scope: 'admin', published: false, canManage: true, grants: [] })], admin);
  assert.deepEqual(withAdmin.map((g) => g.label), ['My frames', 'Shared with me', 'Team', 'All frames (admin)']);
  assert.deepEqual(frameTreeItems([frameInfo('erin.private', { scope: 'admin' })], 'admin', admin).map((i) => i.label), ['erin.private']);
});

test('your own frames are labelled by short name, everything else by full name', () => {
  assert.deepEqual(frameTreeItems(frames, 'mine', alice).map((i) => i.label), ['draft', 'report', 'totals']);
  assert.deepEqual(frameTreeItems(frames, 'shared', alice).map((i) => i.label), ['bob.scratch', 'carol.budget']);
  assert.deepEqual(frameTreeItems(frames, 'team', alice).map((i) => i.label), ['bob.kpis', 'main.sales']);
  // Commands always get the full name.
  assert.deepEqual(frameTreeItems(frames, 'mine', alice)[0]!.command, { command: 'framegate.preview', title: 'Preview', arguments: ['alice.draft'] });
});

test('descriptions give rows, version and owner, who shared it, and how your frames are shared', () => {
  const mine = frameTreeItems(frames, 'mine', alice);
  assert.equal(mine.find((i) => i.label === 'draft')!.description, '1 row · v1 · 1000 bytes');
  assert.equal(mine.find((i) => i.label === 'totals')!.description, '1,000,000 rows · v3 · 1000 bytes · shared with bob, group analysts');
  assert.equal(mine.find((i) => i.label === 'report')!.description, '1,000,000 rows · v3 · 1000 bytes · published');
  const shared = frameTreeItems(frames, 'shared', alice);
  assert.equal(shared[0]!.description, '1,000,000 rows · v3 · 1000 bytes · bob');
  assert.equal(shared[1]!.description, '1,000,000 rows · v3 · 1000 bytes · carol · shared by dave');
  assert.equal(frameTreeItems(frames, 'team', alice)[1]!.description, '1,000,000 rows · v3 · 1000 bytes · admin');
});

test('tooltips carry owner, version, rows, the share and, for frames you manage, the grants', () => {
  const totals = frameTreeItems(frames, 'mine', alice).find((i) => i.label === 'totals')!;
  for (const line of ['alice.totals', 'owner: alice (you)', 'version: 3 of 3', 'size: 1000 bytes; 2.9 KiB for every version kept', 'rows: 1,000,000', 'columns: 3', 'shared with: bob (read only), group analysts (read & write)', 'you may: read, save new versions, share and delete']) {
    assert.ok(totals.tooltip!.split('\n').includes(line), `tooltip has "${line}":\n${totals.tooltip}`);
  }
  const budget = frameTreeItems(frames, 'shared', alice).find((i) => i.label === 'carol.budget')!;
  assert.ok(budget.tooltip!.includes('shared with you by dave (read only)'), budget.tooltip);
  assert.ok(!budget.tooltip!.includes('shared with:'), 'no grants for frames you do not manage');
  const sales = frameTreeItems(frames, 'team', alice).find((i) => i.label === 'main.sales')!;
  assert.ok(sales.tooltip!.includes('in the team namespace: everyone reads it'), sales.tooltip);
  const edited = frameTreeItems([frameInfo('bob.scratch', { owner: 'bob', author: 'alice', scope: 'shared', canWrite: true })], 'shared', alice)[0]!;
  assert.ok(edited.tooltip!.includes('version: 3 (saved by alice) of 3'), edited.tooltip);
});

test('context values allow Share/Delete only where you manage, Unshare where there are grants, Publish where unpublished', () => {
  const byName = (name: string) => frames.find((f) => f.name === name)!;
  assert.equal(frameContextValue(byName('alice.totals')), 'framegate.frame manage granted unpublished');
  assert.equal(frameContextValue(byName('alice.draft')), 'framegate.frame manage unpublished');
  assert.equal(frameContextValue(byName('alice.report')), 'framegate.frame manage granted');
  assert.equal(frameContextValue(byName('bob.scratch')), 'framegate.frame');
  // The package.json when-clauses, applied to those values.
  const manage = /^framegate\.frame\b.*\bmanage\b/;
  const frame = /^framegate\.frame\b/;
  assert.ok(frame.test(frameContextValue(byName('bob.scratch'))) && !manage.test(frameContextValue(byName('bob.scratch'))));
  assert.ok(!frame.test(ContextValues.column) && !frame.test(ContextValues.group));
});

test('expanding a group lists its frames; expanding a frame lists its versions folder, then its columns with types', () => {
  const group = groupTreeItems(frames, alice)[0]!;
  assert.deepEqual(childTreeItems(group.node, frames, alice).map((i) => i.label), ['draft', 'report', 'totals']);
  assert.deepEqual(childTreeItems(group.node, frames, undefined), []);
  const frame = frames[0]!;
  const columns = columnTreeItems(frame);
  assert.deepEqual(
    columns.map((c) => [c.label, c.description, c.collapsible]),
    [
      ['order_id', 'BIGINT', 'none'],
      ['region', 'VARCHAR', 'none'],
      ['amount', 'DOUBLE', 'none'],
    ],
  );
  const frameItem = frameTreeItems(frames, 'mine', alice).find((i) => i.label === 'totals')!;
  const children = childTreeItems(frameItem.node, frames, alice);
  assert.deepEqual(children.slice(1), columns);
  assert.deepEqual([children[0]!.label, children[0]!.description, children[0]!.collapsible, children[0]!.node.kind], ['Versions', '3', 'collapsed', 'versions']);
  assert.deepEqual(childTreeItems(columns[0]!.node, frames, alice), []);
});

test('the root shows the groups when connected, a message while connecting, nothing when a sign-in is needed', () => {
  const connected = { kind: 'connected', url: 'ws://h:1', me: alice } as const;
  assert.deepEqual(rootTreeItems(connected, frames).map((i) => i.label), ['My frames', 'Shared with me', 'Team']);
  assert.deepEqual(rootTreeItems(connected, []).map((i) => i.description), ['none', 'none', 'none']);
  assert.match(rootTreeItems(connected, undefined).at(0)!.label, /Loading/);
  assert.match(rootTreeItems({ kind: 'reconnecting', url: 'ws://h:1', attempt: 2, delayMs: 1000 }, frames).at(0)!.label, /Reconnecting to h:1/);
  // Empty, so the view's welcome content (Connect, or Sign In) shows.
  assert.deepEqual(rootTreeItems({ kind: 'disconnected' }, frames), []);
  assert.deepEqual(rootTreeItems({ kind: 'signInRequired', url: 'ws://h:1', message: 'refused' }, frames), []);
});
