/**
 * Data dirs written by Framegate 0.1.0 (test/fixtures/data-dir-0.1.0): the engine moves their
 * database, reads their catalog for the gateway, keeps their data as stored data and drops the
 * rest. `crashed/` was killed with SIGKILL: its last commits are only in the WAL.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createImportPolicy, openDuckDBEngine, type BoundTable, type DuckDBEngine, type LegacyVersion } from '../../../../server/engine';
import { DuckDatabase } from '../../../../server/engine/duckdb/duckdb';
import { decode, tempDir } from '../helpers';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'data-dir-0.1.0');

/** What the fixture README lists, version by version (times and storage ids differ per dir). */
const EXPECTED = [
  ['alice', 'numbers', 1, 'alice', false, 1000, ['i', 'x', 's', 'd']],
  ['alice', 'numbers', 2, 'alice', true, 10, ['i', 'x']],
  ['bob', 'misc', 1, 'bob', true, 1, ['amount', 'l', 't']],
  ['carol', 'tmp', 1, 'carol', false, 1, ['gone']],
  ['main', 'fruit', 1, 'alice', true, 3, ['id', 'name', 'price']],
  ['main', 'team_fruit', 1, 'bob', true, 3, ['id', 'name', 'price']],
] as const;

function open(dataDir: string): Promise<DuckDBEngine> {
  return openDuckDBEngine({ dataDir, importPolicy: createImportPolicy([], dataDir), queryTimeoutMs: 10_000 });
}

async function rows(engine: DuckDBEngine, version: LegacyVersion): Promise<Record<string, unknown>[]> {
  const table: BoundTable = { storage: version.storage!, columns: version.columns, rowCount: version.rowCount };
  const session = engine.openSession('legacy');
  try {
    const w = await session.window({ source: { kind: 'stored', table }, offset: 0, limit: 100 });
    return decode(w.ipc)
      .toArray()
      .map((row: { toJSON(): Record<string, unknown> }) => row.toJSON());
  } finally {
    await session.close();
  }
}

for (const fixture of ['clean', 'crashed'] as const) {
  describe(`a 0.1.0 data dir (${fixture})`, () => {
    test('every frame, version and owner comes through; the data is stored data; the rest is dropped', async () => {
      const dataDir = tempDir('fg-legacy-');
      cpSync(join(FIXTURES, fixture), dataDir, { recursive: true });
      try {
        let engine = await open(dataDir);
        assert.ok(!existsSync(join(dataDir, 'catalog.duckdb')) && !existsSync(join(dataDir, 'catalog.duckdb.wal')));
        assert.ok(existsSync(join(dataDir, 'frames.duckdb')));
        const versions = (await engine.readLegacyCatalog())!;
        assert.ok(versions, 'a legacy catalog');
        assert.deepEqual(
          versions.map((v) => [v.namespace, v.name, v.version, v.owner, v.live, v.rowCount, v.columns.map((c) => c.name)]),
          EXPECTED.map((e) => [...e.slice(0, 6), [...e[6]]]),
        );
        // Replaced and deleted versions had their data dropped by 0.1; the live ones have it.
        assert.deepEqual(versions.map((v) => v.storage !== null), versions.map((v) => v.live));
        const stored = await engine.listStorage();
        assert.deepEqual([...stored].sort(), versions.filter((v) => v.live).map((v) => v.storage!).sort());
        for (const v of versions) assert.ok(!Number.isNaN(Date.parse(v.createdAt)) && v.source.length > 0);
        const misc = versions.find((v) => v.name === 'misc')!;
        assert.deepEqual(misc.columns, [
          { name: 'amount', type: 'DECIMAL(10,2)' },
          { name: 'l', type: 'INTEGER[]' },
          { name: 't', type: 'VARCHAR' },
        ]);
        assert.match(versions.find((v) => v.name === 'fruit')!.source, /^load .*fruit\.csv$/);

        const byName = (name: string, version?: number) => versions.find((v) => v.name === name && v.live && (version === undefined || v.version === version))!;
        assert.deepEqual(await rows(engine, byName('fruit')), [
          { id: 1n, name: 'apple', price: 1.25 },
          { id: 2n, name: 'pear', price: 2.5 },
          { id: 3n, name: 'fig', price: null },
        ]);
        assert.deepEqual((await rows(engine, byName('team_fruit'))).map((r) => r.name), ['apple', 'pear', 'fig']);
        assert.deepEqual(
          (await rows(engine, byName('misc'))).map((r) => ({ ...r, amount: String(r.amount), l: [...(r.l as Iterable<number>)] })),
          [{ amount: '4200', l: [1, 2], t: 'héllo' }],
          'the DECIMAL(10,2) 42.00 is exact (unscaled 4200)',
        );
        const numbers = await rows(engine, byName('numbers', 2));
        assert.deepEqual(numbers.map((r) => r.i), [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]);
        assert.equal(String(numbers[9]!.x), '135', 'x is DECIMAL(…,1): 13.5 exact');

        await engine.dropLegacyCatalog();
        await engine.dropLegacyCatalog();
        assert.equal(await engine.readLegacyCatalog(), null);
        assert.deepEqual(await engine.listStorage(), stored);
        await engine.close();

        engine = await open(dataDir);
        try {
          assert.equal(await engine.readLegacyCatalog(), null);
          assert.deepEqual(await engine.listStorage(), stored);
          assert.equal((await rows(engine, byName('fruit'))).length, 3);
        } finally {
          await engine.close();
        }
        // Inside the database: no views, no namespace schemas, no catalog table; the data tables remain.
        const raw = await DuckDatabase.open(join(dataDir, 'frames.duckdb'));
        try {
          const conn = await raw.connect();
          const names = async (sql: string) => (await conn.rows(sql)).map((r) => String(r.name)).sort();
          assert.deepEqual(await names("SELECT view_name AS name FROM duckdb_views() WHERE database_name = 'frames' AND NOT internal"), []);
          assert.deepEqual(await names("SELECT schema_name AS name FROM duckdb_schemas() WHERE database_name = 'frames' AND NOT internal"), ['_fg']);
          assert.deepEqual(await names("SELECT table_name AS name FROM duckdb_tables() WHERE database_name = 'frames'"), [...stored].sort());
          conn.close();
        } finally {
          raw.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}

describe('a data dir of this release', () => {
  test('has no legacy catalog, and dropping it is harmless', async () => {
    const dataDir = tempDir('fg-legacy-none-');
    try {
      const engine = await open(dataDir);
      assert.equal(await engine.readLegacyCatalog(), null);
      await engine.dropLegacyCatalog();
      assert.deepEqual(await engine.listStorage(), []);
      await engine.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
