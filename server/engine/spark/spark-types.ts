/**
 * Spark types: their SQL names (what `ColumnInfo.type` carries) and how each column is read so
 * that clients get the same Arrow as from the DuckDB engine: numbers, booleans, strings, binary,
 * dates and timestamps travel as Spark sends them (TIMESTAMP as Timestamp µs "UTC", the session
 * time zone; TIMESTAMP_NTZ without zone); DECIMAL becomes DOUBLE; nested, interval and other
 * types become their STRING text.
 */
import type { ColumnInfo } from '../../../protocol';
import type { DataType } from './messages';

/** Spark's SQL name for a type, as DDL would spell it. */
export function sqlTypeName(type: DataType): string {
  const kind = type.kind;
  switch (kind) {
    case 'null':
      return 'VOID';
    case 'boolean':
      return 'BOOLEAN';
    case 'byte':
      return 'TINYINT';
    case 'short':
      return 'SMALLINT';
    case 'integer':
      return 'INTEGER';
    case 'long':
      return 'BIGINT';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'decimal':
      return `DECIMAL(${type.decimal?.precision ?? 10},${type.decimal?.scale ?? 0})`;
    case 'string':
      return 'STRING';
    case 'char':
      return `CHAR(${type.char?.length ?? 1})`;
    case 'var_char':
      return `VARCHAR(${type.var_char?.length ?? 1})`;
    case 'binary':
      return 'BINARY';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'timestamp_ntz':
      return 'TIMESTAMP_NTZ';
    case 'time':
      return 'TIME';
    case 'calendar_interval':
      return 'INTERVAL';
    case 'day_time_interval':
      return 'INTERVAL DAY TO SECOND';
    case 'year_month_interval':
      return 'INTERVAL YEAR TO MONTH';
    case 'array':
      return `ARRAY<${sqlTypeName(type.array!.element_type)}>`;
    case 'map':
      return `MAP<${sqlTypeName(type.map!.key_type)}, ${sqlTypeName(type.map!.value_type)}>`;
    case 'struct':
      return `STRUCT<${(type.struct?.fields ?? []).map((f) => `${quoteName(f.name)}: ${sqlTypeName(f.data_type)}`).join(', ')}>`;
    case 'variant':
      return 'VARIANT';
    case 'udt':
      return type.udt?.sql_type ? sqlTypeName(type.udt.sql_type) : 'STRING';
    case 'unparsed':
      return type.unparsed?.data_type_string.toUpperCase() ?? 'STRING';
    default:
      return (kind ?? 'unknown').toUpperCase();
  }
}

/** Columns of a struct schema (what AnalyzePlan/ExecutePlan report for a result). */
export function columnsOf(schema: DataType): ColumnInfo[] {
  if (schema.kind !== 'struct') throw new Error(`expected a struct schema, got ${schema.kind ?? 'nothing'}`);
  return (schema.struct?.fields ?? []).map((f) => ({ name: f.name, type: sqlTypeName(f.data_type) }));
}

/** `name` as a Spark SQL identifier (backquoted, backquotes doubled). */
export function quoteName(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A SQL string literal (Spark processes backslash escapes inside quotes). */
export function quoteString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const DIRECT = /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|FLOAT|DOUBLE|STRING|BINARY|DATE|TIMESTAMP|TIMESTAMP_NTZ)$/;

/** The type a column is read as for clients, or null when it travels as it is. */
export function arrowSafeType(type: string): string | null {
  if (DIRECT.test(type)) return null;
  if (type.startsWith('DECIMAL')) return 'DOUBLE';
  if (type.startsWith('CHAR') || type.startsWith('VARCHAR')) return 'STRING';
  return 'STRING';
}

/** A SELECT list reading `columns` as clients get them (casts keep the column names). */
export function projection(columns: ColumnInfo[]): string {
  return columns
    .map((c) => {
      const cast = arrowSafeType(c.type);
      const name = quoteName(c.name);
      if (!cast) return name;
      // VARIANT and VOID cannot always be cast; to_json / NULL read them as text.
      if (c.type === 'VARIANT') return `to_json(${name}) AS ${name}`;
      if (c.type === 'VOID') return `CAST(NULL AS STRING) AS ${name}`;
      return `CAST(${name} AS ${cast}) AS ${name}`;
    })
    .join(', ');
}
