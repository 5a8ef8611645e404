/**
 * Builders for the Spark Connect plans the engine sends. Client SQL only ever enters a plan as a
 * `sql` relation that the guard has checked (guard.ts); everything else is built from names and
 * numbers the engine chose.
 */
import type { Command, Expression, Relation } from './messages';
import { quoteName } from './spark-types';

export const sqlRelation = (query: string): Relation => ({ sql: { query } });

export const table = (qualifiedName: string): Relation => ({ read: { named_table: { unparsed_identifier: qualifiedName } } });

export const expr = (expression: string): Expression => ({ expression_string: { expression } });

export const star = (): Expression => ({ unresolved_star: {} });

/** `input` with one more column `name` = `expression`. */
export function withColumn(input: Relation, name: string, expression: string): Relation {
  return { project: { input, expressions: [star(), { alias: { expr: expr(expression), name: [name] } }] } };
}

/** Saves `input` as the new Parquet table `qualifiedName` (fails if it exists). */
export function saveAsTable(input: Relation, qualifiedName: string): Command {
  return {
    write_operation: {
      input,
      source: 'parquet',
      table: { table_name: qualifiedName, save_method: 'TABLE_SAVE_METHOD_SAVE_AS_TABLE' },
      mode: 'SAVE_MODE_ERROR_IF_EXISTS',
    },
  };
}

/** A session temp view `name` over `input` (replacing one of that name). */
export function tempView(input: Relation, name: string): Command {
  return { create_dataframe_view: { input, name, is_global: false, replace: true } };
}

/** `SELECT <columns> FROM <qualifiedName>` as a relation. */
export function selectColumns(qualifiedName: string, columns: string[]): Relation {
  return { project: { input: table(qualifiedName), expressions: columns.map((c) => ({ unresolved_attribute: { unparsed_identifier: quoteName(c) } })) } };
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/**
 * The serialized `LocalRelation { bytes data = 1; }` message: the artifact a CachedLocalRelation
 * names by its SHA-256 (`cache/<hash>`), as Spark's own clients upload large local data.
 */
export function localRelationBytes(ipc: Uint8Array): Uint8Array {
  const header = Uint8Array.from([0x0a, ...varint(ipc.byteLength)]);
  const out = new Uint8Array(header.byteLength + ipc.byteLength);
  out.set(header, 0);
  out.set(ipc, header.byteLength);
  return out;
}
