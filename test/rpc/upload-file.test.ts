/**
 * uploadFile, the one upload path of the CLI and the extension, against a real gateway: an Arrow
 * IPC file goes as its own messages (a DECIMAL stays exact), a JSON file is read by the gateway,
 * and a file that is not what its name says is refused with the reason, nothing kept.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal, makeData, makeVector, Table, tableToIPC } from 'apache-arrow';
import { decodeArrowRows } from '../../cli/values';
import { ErrorCodes, Methods } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { uploadFile } from '../../rpc/upload-file';
import { failure, startTestGateway, tempDir, type TestGateway } from '../server/support';

describe('uploadFile', () => {
  let gw: TestGateway;
  let client: GatewayClient;
  let work: string;
  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect();
    work = tempDir('framegate-upload-');
  });
  after(async () => {
    client.close();
    await gw.dispose();
  });

  test('an Arrow IPC file (magic, messages, footer) is uploaded exactly, with progress', async () => {
    // A value past what a double holds, and -0.01, as DECIMAL(19,2).
    const words = new Uint32Array([...[0x6e0eb3c5, 0x6b5c5c16, 0, 0], ...[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]]);
    const amount = makeVector(makeData({ type: new Decimal(2, 19, 128), length: 2, data: words }));
    const path = join(work, 'amounts.arrow');
    writeFileSync(path, tableToIPC(new Table({ amount }), 'file'));
    const sent: number[] = [];
    const frame = await uploadFile(client, path, { name: 'amounts', onProgress: (n) => sent.push(n) });
    assert.equal(frame.rowCount, 2);
    assert.equal(frame.columns[0]?.type, 'DECIMAL(19,2)');
    assert.ok(sent.length > 0);
    const { ipc } = await client.window({ source: { kind: 'frame', name: 'amounts' }, offset: 0, limit: 10 });
    // What was written, digit for digit (apache-arrow's file writer keeps the schema in the footer only).
    assert.deepEqual(decodeArrowRows(ipc).rows, decodeArrowRows(tableToIPC(new Table({ amount }), 'stream')).rows);
    assert.equal(decodeArrowRows(ipc).rows[1]?.amount, '-0.01');
  });

  test('a JSON file is read by the gateway', async () => {
    const path = join(work, 'people.json');
    writeFileSync(path, JSON.stringify([{ name: 'ada', age: 36 }, { name: 'bob', age: null }]));
    const frame = await uploadFile(client, path, { name: 'people_json' });
    assert.deepEqual(frame.columns.map((c) => c.name), ['name', 'age']);
    const { ipc } = await client.window({ source: { kind: 'frame', name: 'people_json' }, offset: 0, limit: 10, sort: [{ column: 'name', descending: false }] });
    assert.deepEqual(decodeArrowRows(ipc).rows, [{ name: 'ada', age: 36 }, { name: 'bob', age: null }]);
  });

  test('a file that is not what its name says is refused with the reason; nothing is kept', async () => {
    const path = join(work, 'fake.parquet');
    writeFileSync(path, 'name,age\nada,36\n');
    const error = await failure(() => uploadFile(client, path, { name: 'fake' }));
    assert.equal(error.code, ErrorCodes.BadAttachment);
    assert.match(error.message, /^cannot read the uploaded file as PARQUET: /);
    assert.doesNotMatch(error.message, new RegExp(gw.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal((await client.request(Methods.listFrames, {})).frames.some((f) => f.name.endsWith('.fake')), false);
  });
});
