/**
 * Opens the engine's DuckDB instance and locks it down, in the documented order: first attach and
 * create what the engine needs, then the resource settings, then `allowed_directories`, then
 * `enable_external_access = false`, extensions and persistent secrets off, and last
 * `lock_configuration = true`, after which no SQL can change a setting. These are defence in depth
 * under the SQL binder (sql-binder.ts), not the sandbox itself.
 */
import { mkdirSync } from 'node:fs';
import { sep } from 'node:path';
import type { EngineOptions } from '../engine';
import { DuckDatabase } from './duckdb';
import { dataFiles, moveLegacyFiles } from './data-files';
import { MEMORY_DB, quoteLiteral, STORAGE_SCHEMA, DATA_DB } from './sql-text';

export interface OpenedDatabase {
  db: DuckDatabase;
  /** e.g. "duckdb v1.5.0". */
  description: string;
}

function sqlList(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}

export async function openDatabase(options: EngineOptions): Promise<OpenedDatabase> {
  mkdirSync(options.dataDir, { recursive: true });
  moveLegacyFiles(options.dataDir);
  const files = dataFiles(options.dataDir);
  const db = await DuckDatabase.open(files.database, {
    config: {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
      allow_unsigned_extensions: 'false',
    },
  });
  const init = await db.connect();
  let description: string;
  try {
    await init.run(`ATTACH ':memory:' AS ${MEMORY_DB}`);
    await init.run(`CREATE SCHEMA IF NOT EXISTS ${DATA_DB}.${STORAGE_SCHEMA}`);
    await init.run(`SET temp_directory = ${quoteLiteral(files.temp)}`);
    if (options.memoryLimit) await init.run(`SET memory_limit = ${quoteLiteral(options.memoryLimit)}`);
    if (options.threads) await init.run(`SET threads = ${Math.max(1, Math.floor(options.threads))}`);
    const dirs = options.importPolicy.dirs.map((d) => (d.endsWith(sep) ? d : d + sep));
    await init.run(`SET allowed_directories = ${sqlList(dirs)}`);
    await init.run(`SET enable_external_access = false`);
    await init.run(`SET autoinstall_known_extensions = false`);
    await init.run(`SET autoload_known_extensions = false`);
    await init.run(`SET allow_community_extensions = false`);
    await init.run(`SET allow_persistent_secrets = false`);
    await init.run(`SET lock_configuration = true`);
    const version = (await init.rows(`SELECT version() AS v`))[0]?.v;
    description = `duckdb ${String(version)}`;
  } catch (error) {
    init.close();
    db.close();
    throw error;
  }
  init.close();
  return { db, description };
}
