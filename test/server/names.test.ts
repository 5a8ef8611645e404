/**
 * Frame names one way everywhere: case never makes a second frame or hides one (`MAIN.Dup` and
 * `main.dup` through save, upload, SQL, select, windows, schema, list by namespace, share and
 * delete); names that are SQL keywords are allowed and work in SQL when quoted, as in any SQL.
 * Also: a replace racing with windows never shows an internal table name.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FramegateError, Methods } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { decodeRows, sampleIpc, startTestGateway, type TestGateway } from './support';

describe('names, races and uploads', () => {
  let gw: TestGateway;
  let admin: GatewayClient;
  before(async () => {
    gw = await startTestGateway();
    admin = await gw.connect();
  });
  after(async () => {
    admin.close();
    await gw.dispose();
  });

  test('MAIN.Dup and main.dup are one frame through every path', async () => {
    const first = await admin.upload({ name: 'MAIN.Dup' }, sampleIpc(3));
    assert.equal(first.name, 'main.Dup');
    await assert.rejects(admin.upload({ name: 'main.dup' }, sampleIpc(4)), (e: FramegateError) => e.kind === 'FrameExists');
    await assert.rejects(admin.request(Methods.save, { name: 'Main.DUP', from: { sql: 'SELECT 1 AS x' } }), (e: FramegateError) => e.kind === 'FrameExists');
    const second = await admin.upload({ name: 'main.DUP', replace: true }, sampleIpc(5));
    assert.deepEqual([second.name, second.version], ['main.Dup', 2]);
    for (const name of ['main.dup', 'MAIN.DUP', 'Main.Dup@2', 'dup']) assert.equal((await admin.request(Methods.schema, { name })).rowCount, 5, name);
    for (const sql of ['SELECT count(*) AS n FROM MAIN.DUP', 'SELECT count(*) AS n FROM "main"."dup"', 'SELECT count(*) AS n FROM Dup']) {
      const result = await admin.request(Methods.sql, { sql });
      assert.deepEqual(decodeRows((await admin.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: 1 })).ipc), [{ n: 5 }], sql);
    }
    assert.equal((await admin.request(Methods.select, { from: 'MAIN.dup' })).rowCount, 5);
    assert.equal((await admin.window({ source: { kind: 'frame', name: 'MAIN.DUP@1' }, offset: 0, limit: 10 })).result.rowCount, 3);
    for (const namespace of ['MAIN', 'main', 'Main']) {
      const { frames } = await admin.request(Methods.listFrames, { namespace });
      assert.deepEqual(frames.map((f) => f.name), ['main.Dup'], namespace);
    }
    assert.equal((await admin.request(Methods.listFrames, {})).frames.filter((f) => f.name.toLowerCase() === 'main.dup').length, 1);
    await gw.addUser('viewer');
    await admin.request(Methods.share, { name: 'MAIN.DUP', with: { kind: 'user', name: 'VIEWER' } });
    assert.deepEqual(await admin.request(Methods.delete, { name: 'Main.dup' }), { deleted: 'main.Dup' });
    await assert.rejects(admin.request(Methods.schema, { name: 'main.Dup' }), (e: FramegateError) => e.kind === 'FrameNotFound');
  });

  test('frames named by SQL keywords are allowed and work in SQL when quoted', async () => {
    for (const keyword of ['select', 'order', 'group']) {
      await admin.request(Methods.save, { name: keyword, from: { sql: `SELECT '${keyword}' AS word` } });
      const quoted = await admin.request(Methods.sql, { sql: `SELECT word FROM "${keyword}"` });
      assert.equal(quoted.rowCount, 1);
      const qualified = await admin.request(Methods.sql, { sql: `SELECT word FROM root."${keyword}"` });
      assert.equal(qualified.rowCount, 1);
      assert.equal((await admin.request(Methods.select, { from: keyword, filter: `word = '${keyword}'` })).rowCount, 1);
      assert.equal((await admin.window({ source: { kind: 'frame', name: keyword }, offset: 0, limit: 1 })).result.rows, 1);
      await assert.rejects(admin.request(Methods.sql, { sql: `SELECT word FROM ${keyword}` }), (e: FramegateError) => e.kind === 'InvalidSql');
    }
  });

  test('a replace racing with windows (sorted too) never names an internal table', async () => {
    await admin.upload({ name: 'racy' }, sampleIpc(20_000));
    const reader = await gw.connect();
    try {
      let stop = false;
      const errors: string[] = [];
      const windows = (async () => {
        for (let i = 0; !stop; i++) {
          await reader
            .window({ source: { kind: 'frame', name: 'racy' }, offset: (i * 997) % 19_000, limit: 500, ...(i % 2 ? { sort: [{ column: 'value', descending: true }] } : {}) })
            .catch((error: Error) => errors.push(error.message));
        }
      })();
      for (let v = 0; v < 8; v++) {
        await admin.upload({ name: 'racy', replace: true }, sampleIpc(20_000 + v));
        if (v % 3 === 2) await admin.request(Methods.delete, { name: 'racy' }).then(() => admin.upload({ name: 'racy' }, sampleIpc(20_000)));
      }
      stop = true;
      await windows;
      for (const message of errors) assert.doesNotMatch(message, /t_[0-9a-f]{16}|_fgmem|_fg\b|s_\d+|__fgcte/, message);
    } finally {
      reader.close();
    }
  });
});
