/**
 * data/profile through the gateway: computed once per frame version and kept in the catalog
 * (also across a restart), read access checked like every read, a new version profiled anew, a
 * deleted frame's profile gone with it. files/list: only what is inside the import dirs.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { ErrorCodes, Methods } from '../../protocol';
import { failure, startTestGateway } from './support';

const ROWS = 10_000;

function frameIpc(offset = 0): Uint8Array {
  return tableToIPC(
    tableFromArrays({
      n: Int32Array.from({ length: ROWS }, (_, i) => i + offset),
      tag: Array.from({ length: ROWS }, (_, i) => (i % 7 === 0 ? null : `t${i % 3}`)),
    }),
    'stream',
  );
}

test('a frame version is profiled once: later looks, also after a restart, come from the catalog', async () => {
  const first = await startTestGateway({}, true);
  let second: Awaited<ReturnType<typeof startTestGateway>> | undefined;
  try {
    const token = await first.addUser('alice');
    const alice = await first.connect(token);
    await alice.upload({ name: 'sales' }, frameIpc());
    const computed = await alice.request(Methods.profile, { source: { kind: 'frame', name: 'sales' } });
    assert.equal(computed.cached, false);
    assert.equal(computed.rowCount, ROWS);
    const tag = computed.columns.find((c) => c.name === 'tag')!;
    assert.equal(tag.nulls, Math.ceil(ROWS / 7));
    assert.equal(tag.distinct, 3);
    assert.deepEqual(tag.top?.map((v) => v.value).sort(), ['t0', 't1', 't2']);
    const again = await alice.request(Methods.profile, { source: { kind: 'frame', name: 'alice.sales' } });
    assert.deepEqual({ ...again, cached: false }, computed);
    assert.equal(again.cached, true);
    assert.equal(first.logs.filter((l) => l.event === 'profiled').length, 1, 'computed once');

    // Access is checked: a colleague without a share is told no such frame.
    const bob = await first.connect(await first.addUser('bob'));
    const refused = await failure(() => bob.request(Methods.profile, { source: { kind: 'frame', name: 'alice.sales' } }));
    assert.equal(refused.code, ErrorCodes.FrameNotFound);
    bob.close();
    alice.close();
    await first.gateway.close();

    second = await startTestGateway({ dataDir: first.dataDir, importDirs: [first.importDir] }, false, first.adminToken);
    const back = await second.connect(token);
    const kept = await back.request(Methods.profile, { source: { kind: 'frame', name: 'sales' } });
    assert.equal(kept.cached, true, 'kept in the catalog across the restart');
    assert.deepEqual(kept.columns, computed.columns);

    // A new version is profiled anew; the old version keeps its own.
    await back.upload({ name: 'sales', replace: true }, frameIpc(5));
    const v2 = await back.request(Methods.profile, { source: { kind: 'frame', name: 'sales' } });
    assert.equal(v2.cached, false);
    assert.equal(v2.columns[0]!.min, '5');
    assert.equal((await back.request(Methods.profile, { source: { kind: 'frame', name: 'sales@1' } })).columns[0]!.min, '0');

    await back.request(Methods.delete, { name: 'sales' });
    assert.equal((await failure(() => back.request(Methods.profile, { source: { kind: 'frame', name: 'sales' } }))).code, ErrorCodes.FrameNotFound);
    back.close();
  } finally {
    await second?.dispose();
    await first.dispose();
    rmSync(first.dataDir, { recursive: true, force: true });
    rmSync(first.importDir, { recursive: true, force: true });
  }
});

test('a result is profiled for its session; a result of another session is not found', async () => {
  const gateway = await startTestGateway();
  try {
    const client = await gateway.connect();
    const result = await client.request(Methods.sql, { sql: 'SELECT range AS x FROM range(100)' });
    const profile = await client.request(Methods.profile, { source: { kind: 'result', id: result.id } });
    assert.equal(profile.rowCount, 100);
    assert.deepEqual([profile.columns[0]!.distinct, profile.columns[0]!.min, profile.columns[0]!.max], [100, '0', '99']);
    assert.equal((await client.request(Methods.profile, { source: { kind: 'result', id: result.id } })).cached, true);
    const other = await gateway.connect();
    assert.equal((await failure(() => other.request(Methods.profile, { source: { kind: 'result', id: result.id } }))).code, ErrorCodes.ResultNotFound);
    other.close();
    client.close();
  } finally {
    await gateway.dispose();
  }
});

test('files/list shows the import dirs and what is inside them, never what a link leads out to', async () => {
  const gateway = await startTestGateway();
  try {
    const { importDir, dataDir } = gateway;
    mkdirSync(join(importDir, 'sub'));
    writeFileSync(join(importDir, 'b.csv'), 'x\n1\n');
    writeFileSync(join(importDir, 'a.parquet'), 'not really');
    writeFileSync(join(importDir, 'sub', 'c.json'), '{}');
    symlinkSync('/etc', join(importDir, 'etc-link'));
    symlinkSync(dataDir, join(importDir, 'data-link'));
    symlinkSync(join(importDir, 'b.csv'), join(importDir, 'b-link.csv'));
    const client = await gateway.connect(await gateway.addUser('carol'));
    const roots = await client.request(Methods.listFiles, {});
    assert.equal(roots.path, null);
    assert.equal(roots.entries.length, 1);
    assert.equal(roots.entries[0]!.kind, 'dir');
    const top = await client.request(Methods.listFiles, { path: roots.entries[0]!.path });
    assert.deepEqual(top.entries.map((e) => [e.name, e.kind]), [
      ['sub', 'dir'],
      ['a.parquet', 'file'],
      ['b-link.csv', 'file'],
      ['b.csv', 'file'],
    ]);
    assert.equal(top.entries.find((e) => e.name === 'b.csv')!.bytes, 4);
    assert.equal(top.parent, undefined, 'nothing above an import dir');
    const sub = await client.request(Methods.listFiles, { path: join(roots.entries[0]!.path, 'sub') });
    assert.deepEqual(sub.entries.map((e) => e.name), ['c.json']);
    assert.equal(sub.parent, roots.entries[0]!.path);
    for (const outside of ['/etc', join(importDir, 'etc-link'), join(importDir, 'data-link'), join(importDir, '..')]) {
      assert.equal((await failure(() => client.request(Methods.listFiles, { path: outside }))).code, ErrorCodes.FileRefused, outside);
    }
    assert.equal((await failure(() => client.request(Methods.listFiles, { path: join(importDir, 'nope') }))).code, ErrorCodes.FileNotFound);
    client.close();
  } finally {
    await gateway.dispose();
  }
});
