/** The plain logic of working as a team: human units, mutes, who hears what, grid effects, versions, storage. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayEvent, VersionInfo } from '../../protocol';
import { storageMarkdown } from '../../extension/admin-commands';
import { gridEffect } from '../../extension/grid-events';
import { mutingRule, parseMutes, withMute } from '../../extension/mutes';
import { eventNotice } from '../../extension/notices';
import { compactRows, formatBytes, shortTime } from '../../extension/units';
import { versionTreeItems } from '../../extension/version-tree-items';
import { frameInfo, whoami } from './fixtures';

const base = { seq: 1, at: '2026-05-01T12:00:00Z', by: 'alice' } as const;
const version = (object: string, v: number): GatewayEvent => ({ ...base, type: 'object.version', object: { kind: 'frame', name: object }, version: v });

test('sizes and counts in human units', () => {
  assert.equal(formatBytes(1), '1 byte');
  assert.equal(formatBytes(512), '512 bytes');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(24 * 1024 * 1024), '24.0 MiB');
  assert.equal(compactRows(1_234_567), '1.2M rows');
  assert.equal(compactRows(1), '1 row');
  assert.equal(shortTime('2026-05-01T12:03:44.120Z'), '2026-05-01 12:03');
});

test('mutes: a person, a namespace or one object; bad entries are reported, not applied', () => {
  const { rules, invalid } = parseMutes(['Alice', 'main.*', 'bob.sales', 'no spaces here', 3]);
  assert.deepEqual(invalid, ['no spaces here', '3']);
  assert.deepEqual(mutingRule({ ...version('carol.x', 2), by: 'carol' }, rules), undefined);
  assert.deepEqual(mutingRule(version('main.kpis', 2), rules), { kind: 'person', name: 'alice' });
  assert.deepEqual(mutingRule({ ...version('main.kpis', 2), by: 'carol' }, rules), { kind: 'namespace', namespace: 'main' });
  assert.deepEqual(mutingRule({ ...version('bob.sales', 2), by: 'carol' }, rules), { kind: 'object', name: 'bob.sales' });
  assert.deepEqual(withMute(['alice'], 'ALICE'), ['alice']);
  assert.deepEqual(withMute(undefined, 'bob.*'), ['bob.*']);
});

test('a new version pops up for its readers, with the rows, and never for its author', () => {
  const bob = whoami('bob');
  const info = frameInfo('alice.sales', { owner: 'alice', rowCount: 1_500_000, scope: 'shared' });
  assert.deepEqual(eventNotice(version('alice.sales', 4), { me: bob, mutes: [], info, now: new Date() }), {
    level: 'info',
    text: 'alice saved v4 of alice.sales (1.5M rows)',
    buttons: [
      { label: 'Preview', action: { kind: 'preview', name: 'alice.sales' } },
      { label: 'Mute…', action: { kind: 'mute', patterns: ['alice', 'alice.*'] } },
    ],
  });
  assert.equal(eventNotice(version('alice.sales', 4), { me: whoami('alice'), mutes: [], info, now: new Date() }), undefined);
});

test('grids: a preview of the latest checks for a newer version, one of NAME@N stays, a deletion marks both gone', () => {
  assert.deepEqual(gridEffect({ kind: 'frame', name: 'alice.sales' }, version('alice.sales', 2)), { kind: 'check' });
  assert.equal(gridEffect({ kind: 'frame', name: 'alice.sales@1' }, version('alice.sales', 2)), undefined);
  assert.equal(gridEffect({ kind: 'result', id: 'r1' }, version('alice.sales', 2)), undefined);
  const deleted: GatewayEvent = { ...base, type: 'object.deleted', object: { kind: 'frame', name: 'alice.sales' } };
  assert.deepEqual(gridEffect({ kind: 'frame', name: 'alice.sales@1' }, deleted), { kind: 'gone', message: 'alice.sales was deleted by alice.' });
});

test('versions newest first, each with author, time, rows and size; removed ones open nothing; managers may remove older ones', () => {
  const v = (n: number, extra: Partial<VersionInfo> = {}): VersionInfo => ({
    version: n, author: n === 2 ? 'bob' : 'alice', createdAt: `2026-05-0${n}T10:00:00Z`, rowCount: n * 1000, bytes: n * 2048, source: 'SELECT 1',
    origin: { kind: 'sql', sql: 'SELECT 1' }, state: { kind: 'present' }, latest: false, ...extra,
  });
  const frame = frameInfo('alice.sales', { canManage: true });
  const items = versionTreeItems(frame, { name: 'alice.sales', kind: 'frame', keep: null, keepIsOwn: false, versions: [
    v(1, { state: { kind: 'removed', reason: 'retention' }, bytes: 0 }), v(2), v(3, { latest: true }),
  ] });
  assert.deepEqual(items.map((i) => [i.label, i.description]), [
    ['v3', 'alice · 2026-05-03 10:00 · 3,000 rows · 6.0 KiB · latest'],
    ['v2', 'bob · 2026-05-02 10:00 · 2,000 rows · 4.0 KiB'],
    ['v1', 'alice · 2026-05-01 10:00 · dropped by retention'],
  ]);
  assert.deepEqual(items[1]!.command?.arguments, ['alice.sales@2']);
  assert.equal(items[2]!.command, undefined);
  assert.deepEqual(items.map((i) => i.contextValue), ['framegate.version', 'framegate.version removable', 'framegate.version']);
});

test('storage per user, largest first, in human units against the limit', () => {
  const text = storageMarkdown({ totalBytes: 3 * 1024 * 1024, users: [
    { user: 'bob', usedBytes: 1024 * 1024, versions: 2, limitBytes: null },
    { user: 'alice', usedBytes: 2 * 1024 * 1024, versions: 5, limitBytes: 4 * 1024 * 1024 },
  ] });
  const rows = text.split('\n').filter((l) => /^\| (alice|bob) /.test(l));
  assert.deepEqual(rows, ['| alice | 2.0 MiB (50%) | 5 | 4.0 MiB |', '| bob | 1.0 MiB | 2 | none |']);
  assert.match(text, /Total: 3\.0 MiB/);
});
