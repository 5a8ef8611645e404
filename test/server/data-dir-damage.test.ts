/**
 * Damage to a data dir from outside is found at start and reported, never dropped silently:
 * a table dropped from frames.duckdb, data no version records, catalog.sqlite or frames.duckdb
 * missing, a truncated engine log. `framegate doctor --data-dir` (and `serve --check`) says what
 * is wrong in people's terms, without changing anything. Needs `npm run build` (the CLI runs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Methods } from '../../protocol';
import { Catalog } from '../../server/catalog/catalog';
import { openEngine } from '../../server/engine/factory';
import { createImportPolicy } from '../../server/engine/import-policy';
import { CLI_PATH, removeDir, startGatewayProcess } from '../support/gateway-process';
import { sampleIpc, startTestGateway } from './support';

function doctor(dataDir: string, ...extra: string[]): { code: number | null; out: string } {
  const run = spawnSync(process.execPath, [CLI_PATH, ...extra, 'doctor', '--data-dir', dataDir], { encoding: 'utf8' });
  return { code: run.status, out: run.stdout + run.stderr };
}

function openDirEngine(dataDir: string) {
  return openEngine('duckdb', { dataDir, importPolicy: createImportPolicy([], dataDir), queryTimeoutMs: 10_000 });
}

/** A data dir with frames root.a and root.b, its gateway stopped. */
async function dataDirWithFrames(): Promise<{ dataDir: string; importDir: string; token: string; storageOfB: string }> {
  const gw = await startTestGateway({}, true);
  const client = await gw.connect();
  await client.upload({ name: 'a' }, sampleIpc(10));
  await client.upload({ name: 'b' }, sampleIpc(20));
  client.close();
  await gw.gateway.close();
  const catalog = Catalog.open(gw.dataDir);
  const b = catalog.objects.findLive('root', 'b')!;
  const storageOfB = catalog.objects.latest(b.id)!.storage!;
  catalog.close();
  return { dataDir: gw.dataDir, importDir: gw.importDir, token: gw.adminToken, storageOfB };
}

test('a healthy data dir: doctor says so and exits 0', async (t) => {
  const dir = await dataDirWithFrames();
  t.after(() => removeDir(dir.dataDir));
  const run = doctor(dir.dataDir);
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /2 frames, 2 stored versions\nno problems found/);
  const json = doctor(dir.dataDir, '--json');
  assert.deepEqual((JSON.parse(json.out) as { problems: string[] }).problems, []);
});

test('a table dropped from outside: reported by frame version at start and by doctor; the rest is served', async (t) => {
  const dir = await dataDirWithFrames();
  t.after(() => removeDir(dir.dataDir));
  const engine = await openDirEngine(dir.dataDir);
  await engine.dropStorage(dir.storageOfB);
  await engine.close();

  const run = doctor(dir.dataDir);
  assert.equal(run.code, 1, run.out);
  assert.match(run.out, /1 frame version has no data in frames\.duckdb.*root\.b@1/);
  assert.doesNotMatch(run.out, /t_[0-9a-f]{16}/, 'internal names stay internal');

  const gw = await startTestGateway({ dataDir: dir.dataDir, importDirs: [dir.importDir] }, false, dir.token);
  t.after(() => gw.dispose());
  const logged = gw.logs.find((l) => l.event === 'storage-missing');
  assert.deepEqual(logged?.versions, ['root.b@1']);
  const client = await gw.connect();
  t.after(() => client.close());
  assert.equal((await client.request(Methods.schema, { name: 'a' })).rowCount, 10);
  await assert.rejects(client.window({ source: { kind: 'frame', name: 'b' }, offset: 0, limit: 1 }), (error: Error) => !/t_[0-9a-f]{16}|_fg/.test(error.message));
});

test('data no version records is kept and reported; a save cut short is dropped', async (t) => {
  const dir = await dataDirWithFrames();
  t.after(() => removeDir(dir.dataDir));
  const engine = await openDirEngine(dir.dataDir);
  await engine.storeArrow('t_00000000deadbeef', sampleIpc(5));
  await engine.storeArrow('t_00000000cafebabe', sampleIpc(5));
  await engine.close();
  // Only the second was noted by a save before it was stored (what a crash mid-save leaves).
  const catalog = Catalog.open(dir.dataDir);
  catalog.objects.addPending('t_00000000cafebabe');
  catalog.close();

  const run = doctor(dir.dataDir);
  assert.equal(run.code, 1);
  assert.match(run.out, /holds 1 table of data no frame version records/, 'the cut-short save is not a problem');
  const gw = await startTestGateway({ dataDir: dir.dataDir, importDirs: [dir.importDir] }, false, dir.token);
  assert.ok(gw.logs.some((l) => l.event === 'orphans-dropped' && l.count === 1));
  assert.ok(gw.logs.some((l) => l.event === 'storage-unknown' && l.count === 1));
  await gw.gateway.close();
  const after = await openDirEngine(dir.dataDir);
  t.after(() => after.close());
  const stored = await after.listStorage();
  assert.ok(stored.includes('t_00000000deadbeef'), 'unknown data is kept');
  assert.ok(!stored.includes('t_00000000cafebabe'), 'the leftover of a cut-short save is dropped');
});

test('a missing catalog.sqlite or frames.duckdb: the gateway refuses to start instead of starting empty; doctor says which', async (t) => {
  for (const lost of ['catalog', 'data'] as const) {
    const dir = await dataDirWithFrames();
    t.after(() => removeDir(dir.dataDir));
    const files = lost === 'catalog' ? ['catalog.sqlite', 'catalog.sqlite-wal', 'catalog.sqlite-shm'] : ['frames.duckdb', 'frames.duckdb.wal'];
    for (const file of files) rmSync(join(dir.dataDir, file), { force: true });
    await assert.rejects(startTestGateway({ dataDir: dir.dataDir, importDirs: [dir.importDir] }, true, dir.token), lost === 'catalog' ? /no catalog \(catalog\.sqlite is missing\)/ : /frame data is missing \(frames\.duckdb is gone\)/);
    assert.ok(!existsSync(join(dir.dataDir, lost === 'catalog' ? 'catalog.sqlite' : 'frames.duckdb')), 'nothing was created in its place');
    const run = doctor(dir.dataDir);
    assert.equal(run.code, 1);
    assert.match(run.out, lost === 'catalog' ? /catalog\.sqlite is missing/ : /frames\.duckdb is gone/);
  }
});

test("a truncated engine log after kill -9: what it lost is reported, not silently gone", async (t) => {
  const first = await startGatewayProcess();
  t.after(() => removeDir(first.dataDir));
  t.after(() => removeDir(first.configDir));
  const client = await first.connect();
  await client.upload({ name: 'early' }, sampleIpc(100));
  await client.upload({ name: 'late' }, sampleIpc(200_000));
  client.close();
  await first.kill();
  const wal = join(first.dataDir, 'frames.duckdb.wal');
  assert.ok(existsSync(wal), 'the last commits are only in the WAL');
  truncateSync(wal, Math.floor(statSync(wal).size / 2));
  const run = doctor(first.dataDir);
  assert.equal(run.code, 1, `doctor must see the loss:\n${run.out}`);
  assert.match(run.out, /no data in frames\.duckdb|cannot be opened/);
  const serveCheck = spawnSync(process.execPath, [CLI_PATH, 'serve', '--check', '--data-dir', first.dataDir], { encoding: 'utf8' });
  assert.equal(serveCheck.status, 1);
});
