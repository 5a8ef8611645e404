import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGridState, parseWebviewMessage } from '../../webview/messages';

test('window requests from the webview are checked and copied', () => {
  const message = parseWebviewMessage({
    type: 'window',
    requestId: 3,
    offset: 100,
    limit: 500,
    columns: ['a', 'b'],
    sort: [{ column: 'a', descending: true, extra: 'dropped' }],
  });
  assert.deepEqual(message, { type: 'window', requestId: 3, offset: 100, limit: 500, columns: ['a', 'b'], sort: [{ column: 'a', descending: true }], filters: [] });
});

test('filters and chart requests from the webview are checked and copied field by field', () => {
  const filters = [
    { kind: 'values', column: 'region', values: ['EU', null], extra: 1 },
    { kind: 'range', column: 'amount', min: 1 },
    { kind: 'text', column: 'name', match: 'startsWith', text: 'an' },
  ];
  const message = parseWebviewMessage({ type: 'window', requestId: 1, offset: 0, limit: 10, columns: ['a'], sort: [], filters });
  assert.deepEqual(message && message.type === 'window' && message.filters, [
    { kind: 'values', column: 'region', values: ['EU', null] },
    { kind: 'range', column: 'amount', min: 1 },
    { kind: 'text', column: 'name', match: 'startsWith', text: 'an' },
  ]);
  for (const bad of [{ kind: 'sql', column: 'a', text: '1=1' }, { kind: 'values', column: 'a', values: [1] }, { kind: 'text', column: 'a', match: 'regex', text: 'x' }, { kind: 'range', column: 3 }]) {
    assert.equal(parseWebviewMessage({ type: 'window', requestId: 1, offset: 0, limit: 10, columns: ['a'], sort: [], filters: [bad] }), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseWebviewMessage({ type: 'chart', spec: { kind: 'histogram', column: 'amount', bins: 30 }, filters: [] }), {
    type: 'chart',
    spec: { kind: 'histogram', column: 'amount', bins: 30 },
    filters: [],
  });
  assert.equal(parseWebviewMessage({ type: 'chart', spec: { kind: 'pie', column: 'amount' }, filters: [] }), undefined);
  assert.equal(parseWebviewMessage({ type: 'chart', spec: { kind: 'scatter', x: 'a' }, filters: [] }), undefined);
  assert.deepEqual(parseWebviewMessage({ type: 'saveChart' }), { type: 'saveChart' });
});

test('malformed messages are refused', () => {
  for (const bad of [
    null,
    'ready',
    { type: 'nope' },
    { type: 'window', requestId: 1, offset: -0.5, limit: 10, columns: [], sort: [] },
    { type: 'window', requestId: 1, offset: 0, limit: 10, columns: [1], sort: [] },
    { type: 'window', requestId: 1, offset: 0, limit: 10, columns: ['a'], sort: [{ column: 'a' }] },
  ]) {
    assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'saveAs', extra: 1 }), { type: 'saveAs' });
});

test('copy and pin requests are checked', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'copy', text: 'a\tb', description: '1 row × 2 columns as TSV' }), {
    type: 'copy',
    text: 'a\tb',
    description: '1 row × 2 columns as TSV',
  });
  assert.equal(parseWebviewMessage({ type: 'copy', text: 1, description: 'x' }), undefined);
  assert.equal(parseWebviewMessage({ type: 'copy', text: 'x' }), undefined);
  assert.deepEqual(parseWebviewMessage({ type: 'pin', extra: true }), { type: 'pin' });
});

test('a panel state restored after a reload is checked: previews by name, results only with their SQL', () => {
  assert.deepEqual(parseGridState({ source: { kind: 'frame', name: 'main.sales' }, title: 'main.sales' }), { source: { kind: 'frame', name: 'main.sales' }, title: 'main.sales' });
  assert.deepEqual(parseGridState({ source: { kind: 'result', id: 'r1_1' }, title: 'Result: x', sql: 'SELECT 1' }), {
    source: { kind: 'result', id: 'r1_1' },
    title: 'Result: x',
    sql: 'SELECT 1',
  });
  assert.equal(parseGridState({ source: { kind: 'result', id: 'r1_1' }, title: 'no sql' }), undefined);
  assert.equal(parseGridState({ source: { kind: 'frame', name: '' }, title: 't' }), undefined);
  assert.equal(parseGridState(null), undefined);
  assert.equal(parseGridState({ title: 3 }), undefined);
  assert.deepEqual(parseWebviewMessage({ type: 'rerun' }), { type: 'rerun' });
});
