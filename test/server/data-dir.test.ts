/**
 * What a data dir holds across releases and crashes: a data dir written by Framegate 0.1.0 opens
 * migrated with nothing lost (cleanly stopped, and killed mid-run with its last commits only in
 * DuckDB's WAL); stored data no version records (a crash between storing and recording) is
 * dropped at start; recorded data that went missing is reported.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeArrowRows } from '../../cli/values';
import { Methods } from '../../protocol';
import { Catalog } from '../../server/catalog/catalog';
import { createImportPolicy } from '../../server/engine/import-policy';
import { openEngine } from '../../server/engine/factory';
import { decodeRows, sampleIpc, startTestGateway, tempDir } from './support';

const FIXTURES = resolve(__dirname, '../fixtures/data-dir-0.1.0');

function legacyCopy(kind: 'clean' | 'crashed'): string {
  const dir = tempDir(`framegate-legacy-${kind}-`);
  cpSync(join(FIXTURES, kind), dir, { recursive: true });
  return dir;
}

for (const kind of ['clean', 'crashed'] as const) {
  describe(`a data dir written by Framegate 0.1.0 (${kind === 'clean' ? 'stopped cleanly' : 'killed, last commits in the WAL'})`, () => {
    test('opens migrated: every frame, version, owner and row is there; private namespaces stay readable by the team', async (t) => {
      const dataDir = legacyCopy(kind);
      const gw = await startTestGateway({ dataDir }, false);
      t.after(() => gw.dispose());
      assert.ok(gw.logs.some((l) => l.event === 'migrated' && l.frames === 5 && l.versions === 6));
      assert.ok(existsSync(join(dataDir, 'frames.duckdb')) && !existsSync(join(dataDir, 'catalog.duckdb')), 'the 0.1 file is now the engine’s');
      const admin = await gw.connect();
      t.after(() => admin.close());
      const { frames } = await admin.request(Methods.listFrames, {});
      assert.deepEqual(
        frames.map((f) => [f.name, f.owner, f.version, f.rowCount, f.columns.map((c) => c.name).join(',')]),
        [
          ['alice.numbers', 'alice', 2, 10, 'i,x'],
          ['bob.misc', 'bob', 1, 1, 'amount,l,t'],
          ['main.fruit', 'alice', 1, 3, 'id,name,price'],
          ['main.team_fruit', 'bob', 1, 3, 'id,name,price'],
        ],
      );
      assert.equal(frames.find((f) => f.name === 'bob.misc')?.columns[0]?.type, 'DECIMAL(10,2)');
      const { ipc } = await admin.window({ source: { kind: 'frame', name: 'main.fruit' }, offset: 0, limit: 5 });
      assert.deepEqual(
        decodeRows(ipc).map((r) => r.name),
        ['apple', 'pear', 'fig'],
      );
      const misc = decodeRows((await admin.window({ source: { kind: 'frame', name: 'bob.misc' }, offset: 0, limit: 1 })).ipc);
      assert.equal(misc[0]?.t, 'héllo');
      await assert.rejects(admin.request(Methods.schema, { name: 'alice.numbers@1' }), /removed/, 'v1 was replaced in 0.1: its record stays, its data was gone already');
      await assert.rejects(admin.request(Methods.schema, { name: 'carol.tmp' }), /no frame named/);

      // The owners became users (without tokens until an admin rotates one); what they could read, they still can.
      const { users } = await admin.request(Methods.listUsers, {});
      assert.deepEqual(
        users.map((u) => u.name),
        ['alice', 'bob', 'carol', 'root'],
      );
      const bob = await gw.connect((await admin.request(Methods.rotateToken, { user: 'bob' })).token);
      t.after(() => bob.close());
      const seen = (await bob.request(Methods.listFrames, {})).frames.map((f) => [f.name, f.scope]);
      assert.deepEqual(seen, [
        ['alice.numbers', 'team'],
        ['bob.misc', 'mine'],
        ['main.fruit', 'team'],
        ['main.team_fruit', 'mine'],
      ]);
      const sql = await bob.request(Methods.sql, { sql: 'SELECT sum(x) AS total FROM alice.numbers' });
      // x is DECIMAL: its sum stays exact.
      assert.deepEqual(decodeArrowRows((await bob.window({ source: { kind: 'result', id: sql.id }, offset: 0, limit: 1 })).ipc).rows, [{ total: '67.5' }]);
    });
  });
}

test('a migrated data dir migrates once: a restart finds everything and imports nothing again', async (t) => {
  const dataDir = legacyCopy('clean');
  const first = await startTestGateway({ dataDir }, true);
  await first.gateway.close();
  const second = await startTestGateway({ dataDir }, false, first.adminToken);
  t.after(() => second.dispose());
  assert.ok(!second.logs.some((l) => l.event === 'migrated'));
  const admin = await second.connect();
  t.after(() => admin.close());
  assert.equal((await admin.request(Methods.listFrames, {})).frames.length, 4);
});

test('stored data that no version records (a crash between storing and recording) is dropped at start', async (t) => {
  const first = await startTestGateway({}, true);
  const admin = await first.connect();
  await admin.upload({ name: 'kept' }, sampleIpc(10));
  admin.close();
  await first.gateway.close();
  // What a save interrupted after the engine stored its data, before the catalog recorded it,
  // leaves: the data, and the note the save made before storing it.
  const catalog = Catalog.open(first.dataDir);
  catalog.objects.addPending('t_00000000deadbeef');
  catalog.close();
  const engine = await openEngine('duckdb', { dataDir: first.dataDir, importPolicy: createImportPolicy([], first.dataDir), queryTimeoutMs: 10_000 });
  await engine.storeArrow('t_00000000deadbeef', sampleIpc(5));
  assert.equal((await engine.listStorage()).length, 2);
  await engine.close();

  const second = await startTestGateway({ dataDir: first.dataDir, importDirs: [first.importDir] }, false, first.adminToken);
  t.after(() => second.dispose());
  assert.ok(second.logs.some((l) => l.event === 'orphans-dropped' && l.count === 1));
  const again = await second.connect();
  t.after(() => again.close());
  assert.equal((await again.request(Methods.schema, { name: 'kept' })).rowCount, 10);
  await second.gateway.close();
  const check = await openEngine('duckdb', { dataDir: first.dataDir, importPolicy: createImportPolicy([], first.dataDir), queryTimeoutMs: 10_000 });
  t.after(() => check.close());
  assert.deepEqual((await check.listStorage()).includes('t_00000000deadbeef'), false);
});

const SCHEMA_1 = resolve(__dirname, '../fixtures/data-dir-schema-1');

function schema1Copy(kind: 'clean' | 'crashed'): { dataDir: string; tokens: { admin: string; alice: string; bob: string } } {
  const dataDir = tempDir(`framegate-schema1-${kind}-`);
  cpSync(join(SCHEMA_1, kind), dataDir, { recursive: true });
  return { dataDir, tokens: JSON.parse(readFileSync(join(dataDir, 'tokens.json'), 'utf8')) as { admin: string; alice: string; bob: string } };
}

for (const kind of ['clean', 'crashed'] as const) {
  test(`a data dir from before queries, notes, retention and the audit log (catalog schema 1, ${kind === 'clean' ? 'stopped cleanly' : 'killed, last commits in the WALs'}) opens migrated`, async (t) => {
    const { dataDir, tokens } = schema1Copy(kind);
    const gw = await startTestGateway({ dataDir }, false, tokens.admin);
    t.after(() => gw.dispose());
    assert.ok(gw.logs.some((l) => l.event === 'catalog-migrated' && l.steps === 2));
    const alice = await gw.connect(tokens.alice);
    const bob = await gw.connect(tokens.bob);
    t.after(() => [alice, bob].forEach((c) => c.close()));
    const mine = (await alice.request(Methods.listFrames, {})).frames.map((f) => [f.name, f.version, f.rowCount, f.scope, f.bytes > 0]);
    assert.deepEqual(mine, [
      ['alice.fruit', 1, 3, 'mine', true],
      ['alice.joined', 1, 3, 'mine', true],
      ['alice.numbers', 2, 10, 'mine', true],
      ['main.team_numbers', 1, 10, 'team', true],
    ]);
    const { versions } = await alice.request(Methods.versions, { name: 'numbers' });
    assert.deepEqual(
      versions.map((v) => [v.version, v.rowCount, v.origin.kind, v.state.kind, v.keptFor ?? []]),
      [
        [1, 100, 'sql', 'present', ['lineage']],
        [2, 10, 'sql', 'present', ['lineage']],
      ],
      'the lineage recorded then protects what it read now',
    );
    const { root } = await alice.request(Methods.lineage, { name: 'joined' });
    assert.ok(root.visible);
    assert.deepEqual(
      root.reads.map((r) => (r.visible ? r.ref : 'hidden')),
      ['alice.fruit@1', 'alice.numbers@1'],
    );
    // bob reads alice.numbers through the group share made then, and old versions by number.
    assert.equal((await bob.request(Methods.schema, { name: 'alice.numbers@1' })).rowCount, 100);
    assert.equal((await bob.request(Methods.schema, { name: 'alice.joined' }).catch((e: Error) => e.message)), 'no frame named alice.joined');
    // What is new works on old data: notes, queries, the audit log.
    assert.equal((await bob.request(Methods.addNote, { on: 'alice.numbers', text: 'seen' })).attachedTo, 'alice.numbers');
    assert.deepEqual((await alice.request(Methods.saveQuery, { name: 'q', sql: 'SELECT * FROM numbers' })).pinned, []);
    const admin = await gw.connect();
    t.after(() => admin.close());
    assert.deepEqual(
      (await admin.request(Methods.audit, {})).entries.map((e) => [e.user, e.action, e.object]),
      [
        ['bob', 'refused', 'alice.joined'],
        ['bob', 'save', 'bob.numbers_note1'],
        ['alice', 'save', 'alice.q'],
      ],
      'the audit log starts with the migration',
    );
  });
}
