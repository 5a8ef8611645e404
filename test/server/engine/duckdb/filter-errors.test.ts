/** Errors of a select's filter speak of the filter the user wrote, not of the SQL around it. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { ErrorCodes, Methods } from '../../../../protocol';
import type { GatewayClient } from '../../../../rpc/client';
import { failure, startTestGateway, type TestGateway } from '../../support';

let gateway: TestGateway;
let client: GatewayClient;

before(async () => {
  gateway = await startTestGateway();
  client = await gateway.connect();
  await client.upload({ name: 'sales' }, tableToIPC(tableFromArrays({ amount: Int32Array.from([1, 2, 3]), region: ['EU', 'US', 'EU'] }), 'stream'));
});

after(async () => {
  client?.close();
  await gateway?.dispose();
});


test('a filter that ends too early says so, without quoting SQL the user never wrote', async () => {
  const error = await failure(() => client.request(Methods.select, { from: 'sales', filter: 'amount >' }));
  assert.equal(error.code, ErrorCodes.InvalidSql);
  assert.match(error.message, /^in the filter: syntax error at or near "\)" \(the filter ends too early\)$/);
  assert.doesNotMatch(error.message, /LINE|SELECT|WHERE/);
});

test("a mistake inside a filter quotes the filter's own line, numbered from 1", async () => {
  const error = await failure(() => client.request(Methods.select, { from: 'sales', filter: "region = 'EU'\nAND AND amount > 1" }));
  assert.match(error.message, /^in the filter: syntax error at or near "AND"/);
  assert.match(error.message, /LINE 2: AND AND amount > 1/);
  const unknown = await failure(() => client.request(Methods.select, { from: 'sales', filter: 'nope > 1' }));
  assert.match(unknown.message, /^in the filter: Referenced column "nope" not found/);
});

test("a one-line query's syntax error is on its LINE 1 and has no wrapper text", async () => {
  const error = await failure(() => client.request(Methods.sql, { sql: 'SELECT FROM WHERE sales' }));
  assert.equal(error.code, ErrorCodes.InvalidSql);
  assert.match(error.message, /^Parser Error: syntax error at or near "WHERE"\n\nLINE 1: SELECT FROM WHERE sales/);
});
