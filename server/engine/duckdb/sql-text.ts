/** Pieces of the SQL the DuckDB engine builds itself: names, quoting, projections, sort keys, file readers. */
import { ErrorCodes, FramegateError, type ColumnInfo, type FileFormat, type SortKey } from '../../../protocol';
import { arrowSafeType, type ResultColumn } from './duckdb';

/** The database of stored data (`<dataDir>/frames.duckdb`), named by DuckDB after its file. */
export const DATA_DB = 'frames';
/** Schema of the stored data tables, one per storage id. */
export const STORAGE_SCHEMA = '_fg';
/** Attached in-memory database holding results and sorted copies. */
export const MEMORY_DB = '_fgmem';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The qualified table holding a storage id's data. The id is checked by the caller (STORAGE_ID_PATTERN). */
export function storageTable(id: string): string {
  return `${DATA_DB}.${STORAGE_SCHEMA}.${quoteIdent(id)}`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The table function reading a file of a format. */
export function fileReader(path: string, format: FileFormat): string {
  const literal = quoteLiteral(path);
  switch (format) {
    case 'csv':
      return `read_csv(${literal})`;
    case 'parquet':
      return `read_parquet(${literal})`;
    case 'json':
      return `read_json_auto(${literal})`;
  }
}

/** `SELECT` list reading columns as Arrow-friendly types (see `arrowSafeType`). */
export function projection(columns: ColumnInfo[]): string {
  return columns
    .map((c) => {
      const cast = arrowSafeType(c.type);
      return cast ? `CAST(${quoteIdent(c.name)} AS ${cast}) AS ${quoteIdent(c.name)}` : quoteIdent(c.name);
    })
    .join(', ');
}

export function findColumn(columns: ColumnInfo[], name: string): ColumnInfo {
  const found = columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new FramegateError(ErrorCodes.ColumnNotFound, `no column named ${name}`, { column: name, columns: columns.map((c) => c.name) });
  return found;
}

export function pickColumns(columns: ColumnInfo[], names: string[] | undefined): ColumnInfo[] {
  return names ? names.map((n) => findColumn(columns, n)) : columns;
}

/** Alias sorted queries give their source, so sort keys bind to its columns, not to projected casts. */
export const SORT_SOURCE = 'src';

/**
 * ORDER BY keys over `src` (nulls last), ending with the rowid so ties keep their row order and
 * every sorted read of a source agrees with its sorted copy.
 */
export function orderBy(columns: ColumnInfo[], sort: SortKey[]): string {
  const keys = sort.map((k) => `${SORT_SOURCE}.${quoteIdent(findColumn(columns, k.column).name)} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`);
  return [...keys, `${SORT_SOURCE}.rowid`].join(', ');
}

export function toColumnInfo(columns: ResultColumn[]): ColumnInfo[] {
  return columns.map((c) => ({ name: c.name, type: c.type }));
}
