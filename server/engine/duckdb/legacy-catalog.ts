/**
 * The catalog Framegate 0.1 kept inside DuckDB: `_fg.versions` (one row per saved version) and a
 * view per live frame (`main.<name>`, `<namespace>.<name>`). Its data tables `_fg.t_<16 hex>`
 * already have the shape of storage ids, so they stay where they are and become stored data;
 * the gateway imports the versions into its own catalog, then the rest is dropped.
 */
import type { ColumnInfo } from '../../../protocol';
import { STORAGE_ID_PATTERN, type LegacyVersion } from '../engine';
import type { DuckDatabase } from './duckdb';
import { DATA_DB, quoteIdent, quoteLiteral, STORAGE_SCHEMA } from './sql-text';

const VERSIONS = `${DATA_DB}.${STORAGE_SCHEMA}.versions`;

async function hasVersionsTable(db: DuckDatabase): Promise<boolean> {
  const rows = await db.withConnection((conn) =>
    conn.rows(
      `SELECT 1 FROM duckdb_tables() WHERE database_name = ${quoteLiteral(DATA_DB)} AND schema_name = ${quoteLiteral(STORAGE_SCHEMA)} AND table_name = 'versions'`,
    ),
  );
  return rows.length > 0;
}

export async function readLegacyCatalog(db: DuckDatabase): Promise<LegacyVersion[] | null> {
  if (!(await hasVersionsTable(db))) return null;
  return db.withConnection(async (conn) => {
    const tables = new Set(
      (
        await conn.rows(
          `SELECT table_name FROM duckdb_tables() WHERE database_name = ${quoteLiteral(DATA_DB)} AND schema_name = ${quoteLiteral(STORAGE_SCHEMA)}`,
        )
      ).map((r) => String(r.table_name)),
    );
    const rows = await conn.rows(
      `SELECT namespace, name, version, table_name, owner, created_at, source, columns, row_count, live FROM ${VERSIONS} ORDER BY namespace, name, version`,
    );
    return rows.map((row): LegacyVersion => {
      const table = String(row.table_name);
      return {
        namespace: String(row.namespace),
        name: String(row.name),
        version: Number(row.version),
        storage: STORAGE_ID_PATTERN.test(table) && tables.has(table) ? table : null,
        owner: String(row.owner),
        createdAt: String(row.created_at),
        source: String(row.source),
        columns: JSON.parse(String(row.columns)) as ColumnInfo[],
        rowCount: Number(row.row_count),
        live: row.live === true,
      };
    });
  });
}

/** Drops `_fg.versions`, every view of the data database and the namespace schemas left empty. */
export async function dropLegacyCatalog(db: DuckDatabase): Promise<void> {
  await db.withConnection(async (conn) => {
    await conn.run('BEGIN TRANSACTION');
    try {
      const views = await conn.rows(`SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = ${quoteLiteral(DATA_DB)} AND NOT internal`);
      for (const v of views) await conn.run(`DROP VIEW IF EXISTS ${DATA_DB}.${quoteIdent(String(v.schema_name))}.${quoteIdent(String(v.view_name))}`);
      await conn.run(`DROP TABLE IF EXISTS ${VERSIONS}`);
      const schemas = await conn.rows(
        `SELECT schema_name FROM duckdb_schemas() WHERE database_name = ${quoteLiteral(DATA_DB)} AND NOT internal AND schema_name NOT IN ('main', ${quoteLiteral(STORAGE_SCHEMA)})`,
      );
      for (const s of schemas) await conn.run(`DROP SCHEMA IF EXISTS ${DATA_DB}.${quoteIdent(String(s.schema_name))}`);
      await conn.run('COMMIT');
    } catch (error) {
      await conn.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
