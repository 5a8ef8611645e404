/**
 * The SQL of a filtered, sorted view of one frame version, written by the gateway from structured
 * filters (never from client SQL text): names are checked against the frame's columns and quoted,
 * literals are checked against the column's type and escaped. The text then runs like any client
 * SQL (through the engine's binder and guard, names through the caller's access), so even a fault
 * here could not reach anything the caller may not read.
 */
import { ErrorCodes, FramegateError, type ColumnFilter, type ColumnInfo, type SortKey } from '../../protocol';

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The frame version a view reads, as SQL names it. */
export interface ViewTable {
  namespace: string;
  name: string;
  version: number;
  columns: ColumnInfo[];
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(.*\))?)$/i;
const TEMPORAL = /^(DATE|TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ|DATETIME)$/i;
/** An ISO date, or date and time (T or space), with optional fraction and zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

export function isNumericType(type: string): boolean {
  return NUMERIC.test(type.trim());
}

export function isTemporalType(type: string): boolean {
  return TEMPORAL.test(type.trim());
}

function badFilter(message: string, column: string): FramegateError {
  return new FramegateError(ErrorCodes.InvalidParams, message, { column });
}

/** The column a filter or chart names (exact, else ignoring case, as SQL would). */
export function columnOf(columns: ColumnInfo[], name: string): ColumnInfo {
  const found = columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new FramegateError(ErrorCodes.ColumnNotFound, `no column named ${name}`, { column: name, columns: columns.map((c) => c.name) });
  return found;
}

/** A range bound as a literal of the column's type. */
function bound(column: ColumnInfo, value: number | string): string {
  if (isNumericType(column.type)) {
    if (typeof value !== 'number') throw badFilter(`${column.name} holds numbers (${column.type}): its range takes numbers, not "${value}"`, column.name);
    return String(value);
  }
  if (isTemporalType(column.type)) {
    if (typeof value !== 'string' || !ISO_TIME.test(value)) throw badFilter(`${column.name} holds dates or times (${column.type}): its range takes ISO dates like 2024-01-31 or 2024-01-31T12:00:00`, column.name);
    return `CAST(${quoteLiteral(value)} AS ${column.type})`;
  }
  throw badFilter(`a range filter needs numbers or dates; ${column.name} is ${column.type} (filter it by values or text)`, column.name);
}

/** A lower-case text `LIKE` pattern matching `text` literally (its % _ and \ escaped). */
function likePattern(text: string, match: 'contains' | 'startsWith'): string {
  const escaped = text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return quoteLiteral(match === 'contains' ? `%${escaped}%` : `${escaped}%`);
}

/** One filter as a SQL condition over the frame's columns. */
export function filterCondition(columns: ColumnInfo[], filter: ColumnFilter): string {
  const column = columnOf(columns, filter.column);
  const name = quoteIdent(column.name);
  switch (filter.kind) {
    case 'values': {
      const texts = filter.values.filter((v): v is string => v !== null);
      const parts: string[] = [];
      if (texts.length > 0) parts.push(`CAST(${name} AS VARCHAR) IN (${texts.map(quoteLiteral).join(', ')})`);
      if (texts.length < filter.values.length) parts.push(`${name} IS NULL`);
      return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
    }
    case 'range': {
      if (filter.min === undefined && filter.max === undefined) throw badFilter(`a range filter on ${column.name} needs a min, a max or both`, column.name);
      const parts: string[] = [];
      if (filter.min !== undefined) parts.push(`${name} >= ${bound(column, filter.min)}`);
      if (filter.max !== undefined) parts.push(`${name} <= ${bound(column, filter.max)}`);
      return parts.join(' AND ');
    }
    case 'text':
      return `lower(CAST(${name} AS VARCHAR)) LIKE ${likePattern(filter.text, filter.match)} ESCAPE '\\'`;
  }
}

/** `WHERE a AND b`, or empty without filters. */
export function whereClause(columns: ColumnInfo[], filters: readonly ColumnFilter[] | undefined): string {
  if (!filters?.length) return '';
  return `WHERE ${filters.map((f) => filterCondition(columns, f)).join(' AND ')}`;
}

/** The frame version as SQL names it (`"ns"."name" AT (VERSION => 3)`), resolved again through the caller's access. */
export function tableSql(table: ViewTable): string {
  return `${quoteIdent(table.namespace)}.${quoteIdent(table.name)} AT (VERSION => ${table.version})`;
}

/** The rows a filtered view keeps, in their stored order (the sort is the window's). */
export function filteredSql(table: ViewTable, filters: readonly ColumnFilter[]): string {
  return `SELECT * FROM ${tableSql(table)} ${whereClause(table.columns, filters)}`;
}

/** What a view amounts to, for people to read and copy: names as they know them, no version clause. */
export function viewSql(table: ViewTable, filters: readonly ColumnFilter[] | undefined, sort: readonly SortKey[] | undefined): string {
  let sql = `SELECT * FROM ${quoteIdent(table.namespace)}.${quoteIdent(table.name)}`;
  const where = whereClause(table.columns, filters);
  if (where) sql += ` ${where}`;
  if (sort?.length) sql += ` ORDER BY ${sort.map((k) => `${quoteIdent(columnOf(table.columns, k.column).name)}${k.descending ? ' DESC' : ''}`).join(', ')}`;
  return sql;
}
