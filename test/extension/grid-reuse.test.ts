import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GridTarget } from '../../extension/commands';
import { canPin, reusablePanel, type PanelState } from '../../extension/grid-reuse';

function result(id: string, origin: GridTarget['origin']): GridTarget {
  return { source: { kind: 'result', id }, title: id, result: { id, columns: [], rowCount: 0, sql: 'SELECT 1' }, origin };
}

const frame = (name: string): GridTarget => ({ source: { kind: 'frame', name }, title: name });

test('a frame preview reuses the panel of that frame', () => {
  const open: PanelState[] = [{ target: frame('sales'), pinned: false }, { target: frame('people'), pinned: false }];
  assert.equal(reusablePanel(open, frame('people')), open[1]);
  assert.equal(reusablePanel(open, frame('other')), undefined);
});

test('results reuse the unpinned panel of their origin: one per frame, one for Run SQL', () => {
  const salesFilter: PanelState = { target: result('r1', { kind: 'frame', name: 'sales' }), pinned: false };
  const sql: PanelState = { target: result('r2', { kind: 'sql' }), pinned: false };
  const open = [{ target: frame('sales'), pinned: false }, salesFilter, sql];
  assert.equal(reusablePanel(open, result('r3', { kind: 'frame', name: 'sales' })), salesFilter);
  assert.equal(reusablePanel(open, result('r4', { kind: 'sql' })), sql);
  assert.equal(reusablePanel(open, result('r5', { kind: 'frame', name: 'people' })), undefined);
  // No origin (a caller that did not say): a tab of its own.
  assert.equal(reusablePanel(open, result('r6', undefined)), undefined);
});

test('a pinned result keeps its tab; only replaceable results offer Pin', () => {
  const pinned: PanelState = { target: result('r1', { kind: 'sql' }), pinned: true };
  assert.equal(reusablePanel([pinned], result('r2', { kind: 'sql' })), undefined);
  assert.equal(canPin(pinned), false);
  assert.equal(canPin({ target: result('r3', { kind: 'sql' }), pinned: false }), true);
  assert.equal(canPin({ target: frame('sales'), pinned: false }), false);
});
