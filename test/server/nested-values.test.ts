/**
 * Nested and zoned values through the gateway (real WebSocket, real Arrow bytes): SQL results and
 * uploaded frames with LIST, ARRAY, STRUCT, MAP, UNION, ENUM, INTERVAL and TIMESTAMPTZ columns come
 * back in windows and exports as DuckDB's own Arrow export of the same query (test/fixtures/nested),
 * and the CLI's decoding reads them as plain JSON values.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromIPC } from 'apache-arrow';
import { decodeArrowRows } from '../../cli/values';
import { Methods } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { assertMatchesReference, NESTED_SQL, referenceBytes } from '../support/nested-reference';
import { startTestGateway, type TestGateway } from './support';

let gw: TestGateway;
let client: GatewayClient;

before(async () => {
  gw = await startTestGateway();
  client = await gw.connect();
});

after(async () => {
  client.close();
  await gw.dispose();
});

test('an SQL result with nested columns arrives as DuckDB’s own Arrow export, in windows and exports', async () => {
  const result = await client.request(Methods.sql, { sql: NESTED_SQL });
  const { ipc } = await client.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: 10 });
  assertMatchesReference(tableFromIPC(ipc));
  const exported = await client.export({ source: { kind: 'result', id: result.id } });
  assertMatchesReference(tableFromIPC(exported.ipc));
});

test('an uploaded nested frame keeps its types through windows, sorted windows, exports and SQL', async () => {
  await client.upload({ name: 'nested' }, referenceBytes());
  const source = { kind: 'frame' as const, name: 'nested' };
  assertMatchesReference(tableFromIPC((await client.window({ source, offset: 0, limit: 3 })).ipc), undefined, { enumsAsText: true });
  const sorted = await client.window({ source, offset: 0, limit: 3, sort: [{ column: 'i', descending: true }] });
  assertMatchesReference(tableFromIPC(sorted.ipc), [2, 1, 0], { enumsAsText: true });
  assertMatchesReference(tableFromIPC((await client.export({ source })).ipc), undefined, { enumsAsText: true });

  const picked = await client.request(Methods.sql, { sql: 'SELECT s.b AS b, l[1] AS first, m[\'k\'] AS k FROM nested ORDER BY i' });
  const { ipc } = await client.window({ source: { kind: 'result', id: picked.id }, offset: 0, limit: 3 });
  assert.deepEqual(decodeArrowRows(ipc).rows, [
    { b: 'x0', first: 0, k: 0 },
    { b: 'x1', first: 1, k: null },
    { b: 'x2', first: null, k: 2 },
  ]);
});

test('the CLI reads nested values as plain JSON: lists as arrays, structs and maps as objects, zoned times in ISO', async () => {
  const { ipc } = await client.window({ source: { kind: 'frame', name: 'nested' }, offset: 0, limit: 1, columns: ['l', 's', 'm', 'ls', 'sx', 't'] });
  assert.deepEqual(decodeArrowRows(ipc).rows[0], {
    l: [0, 1],
    s: { a: 0, b: 'x0' },
    m: { k: 0, j: null },
    ls: [{ p: '1.5', q: [0] }, null],
    sx: { when: '2024-06-01T00:00:00.123Z', big: '9007199254740993' },
    t: '2024-01-01T10:00:00.000Z',
  });
});
