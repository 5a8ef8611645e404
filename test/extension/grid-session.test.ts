/** A grid's webview conversation against a real gateway: init, windows as Arrow, sort, errors. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Methods, type Source } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { gridEffect } from '../../extension/grid-events';
import { GridSession, RESULT_LOST } from '../../extension/grid-session';
import { silentLogger } from '../../extension/log';
import { decodeWindow } from '../../webview/arrow-cells';
import type { ExtensionToWebview, WindowReplyMessage } from '../../webview/messages';
import { startGatewayProcess, tempGatewayDirs, type GatewayDirs, type GatewayProcess } from './support/gateway-process';

let dirs: GatewayDirs;
let gateway: GatewayProcess;
let client: GatewayClient;
const ROWS = 50_000;

before(async () => {
  dirs = tempGatewayDirs();
  gateway = await startGatewayProcess(dirs);
  client = await gateway.connect(await gateway.addUser('gina'));
  const table = tableFromArrays({
    id: Int32Array.from({ length: ROWS }, (_, i) => i),
    label: Array.from({ length: ROWS }, (_, i) => `row-${i}`),
    score: Float64Array.from({ length: ROWS }, (_, i) => (i * 7919) % ROWS),
  });
  await client.upload({ name: 'big' }, tableToIPC(table, 'stream'));
});

after(async () => {
  client?.close();
  await gateway?.stop();
  dirs?.remove();
});

function session(source: Source, extra: Partial<ConstructorParameters<typeof GridSession>[0]> = {}) {
  const posted: ExtensionToWebview[] = [];
  const errors: string[] = [];
  const grid = new GridSession({
    source,
    title: 'T',
    client: () => client,
    post: (message) => {
      posted.push(message);
      return Promise.resolve(true);
    },
    log: silentLogger,
    onError: (m) => errors.push(m),
    ...extra,
  });
  return { grid, posted, errors };
}

test('ready → init with the frame schema and row count, then the version shown', async () => {
  const { grid, posted } = session({ kind: 'frame', name: 'big' });
  await grid.handle({ type: 'ready' });
  assert.equal(posted.length, 2);
  assert.deepEqual(posted[1], { type: 'version', version: 1, author: 'gina', fixed: false });
  const init = posted[0]!;
  assert.equal(init.type, 'init');
  if (init.type !== 'init') return;
  assert.deepEqual(init.columns.map((c) => c.name), ['id', 'label', 'score']);
  assert.equal(init.rowCount, ROWS);
  assert.equal(init.canSave, false);
});

test('a window request returns exactly those rows and columns as Arrow bytes', async () => {
  const { grid, posted } = session({ kind: 'frame', name: 'big' });
  await grid.handle({ type: 'window', requestId: 7, offset: 40_000, limit: 300, columns: ['label', 'id'], sort: [] });
  const reply = posted[0] as WindowReplyMessage;
  assert.equal(reply.type, 'window');
  assert.equal(reply.requestId, 7);
  // A plain Uint8Array, not a Node Buffer: VS Code's JSON-based message serialization would
  // turn a Buffer into {"type":"Buffer","data":[…]} through its toJSON.
  assert.equal(Object.getPrototypeOf(reply.ipc), Uint8Array.prototype);
  assert.equal(reply.rowCount, ROWS);
  assert.equal(reply.offset, 40_000);
  const decoded = decodeWindow(reply.ipc);
  assert.deepEqual(decoded.names, ['label', 'id']);
  assert.equal(decoded.rows, 300);
  assert.equal(decoded.columns[0]![0], 'row-40000');
  assert.equal(decoded.columns[1]![299], 40_299);
});

test('the sort in a window request is applied by the gateway over the whole frame', async () => {
  const { grid, posted } = session({ kind: 'frame', name: 'big' });
  await grid.handle({ type: 'window', requestId: 1, offset: 0, limit: 3, columns: ['score'], sort: [{ column: 'score', descending: true }] });
  await grid.handle({ type: 'window', requestId: 2, offset: ROWS - 2, limit: 10, columns: ['score'], sort: [{ column: 'score', descending: true }] });
  const top = decodeWindow((posted[0] as WindowReplyMessage).ipc).columns[0];
  const bottom = decodeWindow((posted[1] as WindowReplyMessage).ipc).columns[0];
  assert.deepEqual(top, [ROWS - 1, ROWS - 2, ROWS - 3]);
  assert.deepEqual(bottom, [1, 0]);
});

test('a failing window request answers with an error for that request', async () => {
  const { grid, posted, errors } = session({ kind: 'frame', name: 'big' });
  await grid.handle({ type: 'window', requestId: 9, offset: 0, limit: 10, columns: ['no_such_column'], sort: [] });
  await grid.handle({ type: 'window', requestId: 10, offset: 0, limit: 10, columns: ['no_such_column'], sort: [] });
  assert.equal(posted.length, 2);
  // Each failure reaches the grid; the VS Code error appears once for a run of the same failure.
  assert.equal(errors.length, 1);
  assert.deepEqual(Object.keys(posted[0]!).sort(), ['message', 'requestId', 'type']);
  const error = posted[0] as { type: string; requestId: number; message: string };
  assert.equal(error.type, 'error');
  assert.equal(error.requestId, 9);
  assert.match(error.message, /No column named no_such_column/);
  assert.doesNotMatch(error.message, /ColumnNotFound/);
});

test('a result grid can be saved; Save as from the webview calls back', async () => {
  const result = await client.request(Methods.sql, { sql: 'SELECT id, score FROM big WHERE id < 10' });
  let saves = 0;
  const { grid, posted } = session({ kind: 'result', id: result.id }, { result, onSaveAs: () => saves++ });
  await grid.handle({ type: 'ready' });
  assert.deepEqual(posted[0], {
    type: 'init',
    title: 'T',
    source: { kind: 'result', id: result.id },
    columns: result.columns,
    rowCount: 10,
    canSave: true,
    canPin: false,
    sql: 'SELECT id, score FROM big WHERE id < 10',
  });
  await grid.handle({ type: 'saveAs' });
  assert.equal(saves, 1);
  await grid.handle({ type: 'window', requestId: 1, offset: 5, limit: 100, columns: ['id'], sort: [] });
  assert.deepEqual(decodeWindow((posted[1] as WindowReplyMessage).ipc).columns, [[5, 6, 7, 8, 9]]);
});

test('a frame deleted before its grid opens empties the grid, says so once, and asks the gateway nothing more', async () => {
  await client.request(Methods.save, { name: 'gone', from: { sql: 'SELECT 1 AS x' } });
  const { grid, posted, errors } = session({ kind: 'frame', name: 'gone' });
  await client.request(Methods.delete, { name: 'gone' });
  await grid.handle({ type: 'ready' });
  assert.equal(posted[0]?.type, 'gone');
  assert.match((posted[0] as { message: string }).message, /^gone is gone: No frame named gone/);
  assert.equal((posted[0] as { canRerun: boolean }).canRerun, false);
  assert.equal(errors.length, 1);
  assert.doesNotMatch(errors[0]!, /FrameNotFound/);
  // Sort clicks and scrolling still ask for windows: answered without the gateway, not blank rows.
  await grid.handle({ type: 'window', requestId: 3, offset: 0, limit: 10, columns: ['x'], sort: [{ column: 'x', descending: true }] });
  assert.deepEqual(posted[1], { type: 'error', requestId: 3, message: (posted[0] as { message: string }).message });
  // A reconnect reloads every grid: the frame is still gone, and the user is not told again.
  await grid.sendInit();
  assert.equal(posted[2]?.type, 'gone');
  assert.equal(errors.length, 1);
  await grid.handle({ type: 'window', requestId: 'x' });
  await grid.handle('junk');
  assert.equal(posted.length, 3);
});

test('a preview whose frame is deleted while it is open empties and names who deleted it', async () => {
  await client.request(Methods.save, { name: 'doomed', from: { sql: 'SELECT 1 AS x' } });
  const { grid, posted, errors } = session({ kind: 'frame', name: 'gina.doomed' });
  await grid.handle({ type: 'ready' });
  assert.equal(posted[0]?.type, 'init');
  await client.request(Methods.delete, { name: 'doomed' });
  // The live event of the deletion, as grid-panels.ts applies it.
  const effect = gridEffect(grid.source, { seq: 1, at: new Date().toISOString(), by: 'gina', type: 'object.deleted', object: { kind: 'frame', name: 'gina.doomed' } });
  assert.ok(effect?.kind === 'gone');
  await grid.markGone(effect.message, { tell: false });
  assert.deepEqual(posted.at(-1), { type: 'gone', message: 'gina.doomed was deleted by gina.', canRerun: false });
  assert.deepEqual(errors, [], "the live event's pop-up says it");
});

test('a result lost with its gateway session offers Run Again, refuses Save, and Run Again calls back', async () => {
  const result = await client.request(Methods.sql, { sql: 'SELECT id FROM big WHERE id < 3' });
  let reruns = 0;
  const { grid, posted, errors } = session({ kind: 'result', id: result.id }, { result, onRerun: () => reruns++ });
  await grid.handle({ type: 'ready' });
  // The gateway forgets the result (as a restart does).
  await client.request(Methods.closeResult, { id: result.id });
  await grid.handle({ type: 'window', requestId: 1, offset: 0, limit: 10, columns: ['id'], sort: [] });
  assert.equal(posted[1]?.type, 'error');
  assert.doesNotMatch((posted[1] as { message: string }).message, new RegExp(`${result.id}|ResultNotFound`));
  assert.deepEqual(posted[2], { type: 'gone', message: RESULT_LOST, canRerun: true });
  assert.deepEqual(errors, [], 'said in the grid, where Run Again is');
  assert.equal(grid.isGone, true);
  await grid.handle({ type: 'rerun' });
  assert.equal(reruns, 1);
  // A panel restored after a window reload knows at once.
  const restored = session({ kind: 'result', id: 'r9_9' }, { result: { columns: [], rowCount: 0, sql: 'SELECT 1' }, resultLost: true });
  await restored.grid.handle({ type: 'ready' });
  assert.deepEqual(restored.posted, [{ type: 'gone', message: RESULT_LOST, canRerun: true }]);
});

test('a disposed session drops replies still in flight and ignores new messages; settled waits for them', async () => {
  const { grid, posted } = session({ kind: 'frame', name: 'big' });
  const handled = grid.handle({ type: 'window', requestId: 1, offset: 0, limit: 100, columns: ['id'], sort: [] });
  grid.dispose();
  await grid.settled();
  // The reply would have gone to a closed page: nothing was posted, nothing is left running.
  assert.deepEqual(posted, []);
  await handled;
  await grid.handle({ type: 'ready' });
  await grid.settled();
  assert.deepEqual(posted, []);
});

test('copy writes the clipboard through the extension and confirms in the grid', async () => {
  const written: string[] = [];
  const { grid, posted } = session({ kind: 'frame', name: 'big' }, { writeClipboard: (text) => (written.push(text), Promise.resolve()) });
  await grid.handle({ type: 'copy', text: 'a\tb\n1\t2', description: '1 row × 2 columns as TSV' });
  assert.deepEqual(written, ['a\tb\n1\t2']);
  assert.deepEqual(posted, [{ type: 'status', message: 'Copied 1 row × 2 columns as TSV' }]);
  const failing = session({ kind: 'frame', name: 'big' }, { writeClipboard: () => Promise.reject(new Error('denied')) });
  await failing.grid.handle({ type: 'copy', text: 'x', description: '1 cell' });
  assert.deepEqual(failing.posted, [{ type: 'error', message: 'Copy failed: denied' }]);
});

test('a preview keeps the version it opened on: a newer one is offered, Reload shows it, Stay pins the grid to NAME@N', async () => {
  const small = (n: number) => tableToIPC(tableFromArrays({ n: Int32Array.from({ length: n }, (_, i) => i) }), 'stream');
  await client.upload({ name: 'moving' }, small(3));
  const stays: string[] = [];
  const { grid, posted } = session({ kind: 'frame', name: 'moving' }, { onStay: (name) => stays.push(name) });
  await grid.handle({ type: 'ready' });
  assert.deepEqual(posted.at(-1), { type: 'version', version: 1, author: 'gina', fixed: false });

  await client.upload({ name: 'moving', replace: true }, small(5));
  await grid.sendInit();
  const init = posted.at(-2);
  assert.ok(init?.type === 'init' && init.rowCount === 3, 'still the 3 rows of v1');
  assert.deepEqual(posted.at(-1), { type: 'version', version: 1, author: 'gina', fixed: false, newer: { version: 2, by: 'gina' } });
  // Windows read v1 exactly, not what is newest.
  posted.length = 0;
  await grid.handle({ type: 'window', requestId: 1, offset: 0, limit: 10, columns: [], sort: [] });
  const window = posted[0] as WindowReplyMessage;
  assert.equal(window.type, 'window');
  assert.equal(window.rowCount, 3);

  await grid.handle({ type: 'reload' });
  assert.deepEqual(posted.at(-1), { type: 'version', version: 2, author: 'gina', fixed: false });

  await client.upload({ name: 'moving', replace: true }, small(7));
  await grid.handle({ type: 'stayOnVersion' });
  assert.deepEqual(stays, ['moving@2']);
  assert.deepEqual(posted.at(-1), { type: 'version', version: 2, author: 'gina', fixed: true, title: 'moving@2' });
  await grid.sendInit();
  assert.deepEqual(posted.at(-1), { type: 'version', version: 2, author: 'gina', fixed: true }, 'a pinned grid offers nothing newer');
});
