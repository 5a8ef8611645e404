import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../webview/messages';

test('window requests from the webview are checked and copied', () => {
  const message = parseWebviewMessage({
    type: 'window',
    requestId: 3,
    offset: 100,
    limit: 500,
    columns: ['a', 'b'],
    sort: [{ column: 'a', descending: true, extra: 'dropped' }],
  });
  assert.deepEqual(message, { type: 'window', requestId: 3, offset: 100, limit: 500, columns: ['a', 'b'], sort: [{ column: 'a', descending: true }] });
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
