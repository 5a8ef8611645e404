/**
 * How many bytes of values some rows of a source hold, asked of DuckDB before the rows are read:
 * rows of wide values (100 KB strings, long lists) must be refused or kept out of the block cache
 * before they are materialized, converted and encoded — each a copy of their size. Fixed-width
 * columns are counted by their width; variable ones by DuckDB's own lengths (text forms for
 * nested values, close to what they take once read).
 */
import type { ColumnInfo } from '../../../protocol';
import { BYTE_WIDTH, isVariableWidth } from '../columns';
import type { DuckConnection } from './duckdb';
import { kindOfTypeName } from './duckdb';
import { timed } from './errors';
import { quoteIdent } from './sql-text';

const NESTED = /\[|^(STRUCT|MAP|UNION|LIST)\b/i;

function isVariable(column: ColumnInfo): boolean {
  return NESTED.test(column.type) || isVariableWidth(kindOfTypeName(column.type));
}

/** Bytes per row of the fixed-width columns among `columns`. */
export function fixedRowBytes(columns: ColumnInfo[]): number {
  return columns.reduce((sum, c) => {
    if (isVariable(c)) return sum + 4; // an offset per value
    const kind = kindOfTypeName(c.type);
    return sum + (isVariableWidth(kind) ? 4 : BYTE_WIDTH[kind]);
  }, 0);
}

export function hasVariableColumns(columns: ColumnInfo[]): boolean {
  return columns.some(isVariable);
}

/**
 * Bytes the values of `columns` take in the rows `where` picks (an SQL condition on `table`),
 * at least the fixed part. One aggregate query: DuckDB reads the lengths, not the values out.
 */
export async function valueBytes(conn: DuckConnection, table: string, columns: ColumnInfo[], where: string, rows: number, timeoutMs: number): Promise<number> {
  const variable = columns.filter(isVariable);
  const fixed = fixedRowBytes(columns) * rows;
  if (variable.length === 0) return fixed;
  const lengths = variable.map((c) => {
    const name = quoteIdent(c.name);
    // strlen counts a text's bytes; octet_length a blob's; anything else by its text form.
    const length = /^BLOB$/i.test(c.type) ? `octet_length(${name})` : /^VARCHAR$/i.test(c.type) ? `strlen(${name})` : `strlen(CAST(${name} AS VARCHAR))`;
    return `coalesce(sum(${length}), 0)`;
  });
  const result = await timed(conn, timeoutMs, () => conn.rows(`SELECT (${lengths.join(' + ')})::DOUBLE AS n FROM ${table} WHERE ${where}`));
  return fixed + Number(result[0]?.n ?? 0);
}
