import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childTreeItems, columnTreeItems, ContextValues, frameTreeItems, namespaceTreeItems, rootTreeItems } from '../../extension/tree-items';
import { frameInfo } from './fixtures';

const frames = [frameInfo('sales'), frameInfo('bob.scratch', { owner: 'bob', rowCount: 1 }), frameInfo('alpha'), frameInfo('bob.alpha', { owner: 'bob' })];

test('frames are grouped by namespace, namespaces sorted', () => {
  const namespaces = namespaceTreeItems(frames);
  assert.deepEqual(
    namespaces.map((n) => [n.label, n.description, n.collapsible, n.contextValue]),
    [
      ['bob', '2 frames', 'expanded', ContextValues.namespace],
      ['main', '2 frames', 'expanded', ContextValues.namespace],
    ],
  );
});

test('frame items show rows and owner, a tooltip with version and creation time, and preview on click', () => {
  const items = frameTreeItems(frames, 'bob');
  assert.deepEqual(items.map((i) => i.label), ['alpha', 'scratch']);
  const scratch = items[1]!;
  assert.equal(scratch.id, 'frame:bob.scratch');
  assert.equal(scratch.description, '1 row · bob');
  assert.equal(scratch.contextValue, ContextValues.frame);
  assert.equal(scratch.collapsible, 'collapsed');
  assert.deepEqual(scratch.command, { command: 'framegate.preview', title: 'Preview', arguments: ['bob.scratch'] });
  for (const expected of ['bob.scratch', 'rows: 1', 'owner: bob', 'version: 3', 'created: 2026-01-02T03:04:05.000Z']) {
    assert.ok(scratch.tooltip?.includes(expected), `tooltip has ${expected}: ${scratch.tooltip}`);
  }
  assert.equal(frameTreeItems(frames, 'main')[1]!.description, '1,000,000 rows · alice');
});

test('expanding a frame lists its columns with types', () => {
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
  const frameItem = frameTreeItems(frames, 'main').find((i) => i.label === 'sales')!;
  assert.deepEqual(childTreeItems(frameItem.node, frames), columns);
  assert.deepEqual(childTreeItems(columns[0]!.node, frames), []);
});

test('the root shows namespaces when connected, a message otherwise', () => {
  const connected = { kind: 'connected', url: 'ws://h:1', user: 'u' } as const;
  assert.deepEqual(rootTreeItems(connected, frames).map((i) => i.label), ['bob', 'main']);
  assert.match(rootTreeItems(connected, []).at(0)!.label, /No frames yet/);
  assert.match(rootTreeItems(connected, undefined).at(0)!.label, /Loading/);
  assert.match(rootTreeItems({ kind: 'reconnecting', url: 'ws://h:1', attempt: 2, delayMs: 1000 }, frames).at(0)!.label, /Reconnecting to ws:\/\/h:1/);
  // Disconnected: empty, so the view's welcome content ("Connect") shows.
  assert.deepEqual(rootTreeItems({ kind: 'disconnected' }, frames), []);
});
