/** Opening the engine's DuckDB: its files, and the lock-down no later SQL can undo. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createImportPolicy } from '../../../../server/engine';
import type { DuckConnection, DuckDatabase } from '../../../../server/engine/duckdb/duckdb';
import { openDatabase } from '../../../../server/engine/duckdb/open';
import { tempDir } from '../helpers';

describe('open', () => {
  let dir: string;
  let importDir: string;
  let db: DuckDatabase;
  let conn: DuckConnection;
  let description: string;
  before(async () => {
    dir = tempDir('fg-open-');
    importDir = join(dir, 'import');
    mkdirSync(importDir);
    const dataDir = join(dir, 'data');
    ({ db, description } = await openDatabase({ dataDir, importPolicy: createImportPolicy([importDir], dataDir), queryTimeoutMs: 10_000, memoryLimit: '1GB', threads: 1 }));
    conn = await db.connect();
  });
  after(() => {
    conn.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the data lives in <dataDir>/frames.duckdb, with the results database attached', async () => {
    assert.ok(existsSync(join(dir, 'data', 'frames.duckdb')));
    assert.match(description, /^duckdb v\d+\.\d+/);
    const databases = (await conn.rows('SELECT database_name FROM duckdb_databases() WHERE NOT internal ORDER BY 1')).map((r) => r.database_name);
    assert.deepEqual(databases, ['_fgmem', 'frames']);
  });

  test('settings are applied and locked', async () => {
    const setting = async (name: string) => String((await conn.rows(`SELECT current_setting('${name}') AS v`))[0]?.v);
    assert.equal(await setting('enable_external_access'), 'false');
    assert.equal(await setting('lock_configuration'), 'true');
    assert.equal(await setting('threads'), '1');
    assert.match(await setting('allowed_directories'), new RegExp(importDir));
    for (const sql of ["SET memory_limit = '100GB'", 'SET enable_external_access = true', 'SET lock_configuration = false', 'RESET lock_configuration']) {
      await assert.rejects(conn.run(sql), /lock|configuration|Cannot change/i, sql);
    }
    // Files outside the import dirs stay closed even to the engine's own SQL.
    await assert.rejects(conn.run(`ATTACH '${join(dir, 'other.duckdb')}' AS other`), /disabled|Permission/i);
    await assert.rejects(conn.run('LOAD httpfs'), /disabled|Permission|not found|Extension/i);
  });
});
