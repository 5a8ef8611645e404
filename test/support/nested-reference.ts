/**
 * The nested-types reference: test/fixtures/nested/query.sql and DuckDB's own Arrow export of it
 * (nested.arrows, written by duckdb-arrow-export.py with DuckDB 1.5.6, the version the gateway
 * runs). Tests compare what the gateway sends with it: field names, types, children, nullability
 * and every value.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type DataType, type Field, type Table } from 'apache-arrow';

const FIXTURES = join(__dirname, '..', 'fixtures', 'nested');

export const NESTED_SQL = readFileSync(join(FIXTURES, 'query.sql'), 'utf8');

export function duckdbReference(): Table {
  return tableFromIPC(referenceBytes());
}

/** A field as comparable text: name, type (children included), nullability, recursively. */
export function describeField(field: Field): unknown {
  const children = (field.type as DataType).children ?? [];
  // apache-arrow's writer leaves an empty name out of the flatbuffer (it reads back as null): the same in Arrow.
  return { name: field.name ?? '', type: String(field.type), nullable: field.nullable, children: children.map(describeField) };
}

/** A value as plain data: Arrow rows, vectors and typed arrays as arrays and objects, bigints as text. */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return `${value}n`;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, plainValue);
  if (typeof value !== 'object') return value;
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => [plainValue(k), plainValue(v)]);
  if ('toArray' in value && typeof value.toArray === 'function') return Array.from((value as { toArray(): ArrayLike<unknown> }).toArray(), plainValue);
  if ('toJSON' in value && typeof value.toJSON === 'function') return plainValue((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map(plainValue);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValue(v)]));
}

export function rowsOf(table: Table): unknown[][] {
  const rows: unknown[][] = [];
  for (let r = 0; r < table.numRows; r++) rows.push(table.schema.fields.map((_, c) => plainValue(table.getChildAt(c)!.get(r))));
  return rows;
}

export function referenceBytes(): Uint8Array {
  return readFileSync(join(FIXTURES, 'nested.arrows'));
}

/**
 * `actual` has the reference's schema and values (rows in the reference's order unless `rows`
 * picks them). `enumsAsText`: data that went through an upload, where a dictionary column is
 * stored as its values' type (an Arrow dictionary is not a DuckDB ENUM: its values are not a
 * declared domain), so `e` comes back as Utf8 with the same values.
 */
export function assertMatchesReference(actual: Table, rows?: number[], options: { enumsAsText?: boolean } = {}): void {
  const expected = duckdbReference();
  const fields = expected.schema.fields.map(describeField);
  if (options.enumsAsText) fields[expected.schema.fields.findIndex((f) => f.name === 'e')] = { name: 'e', type: 'Utf8', nullable: true, children: [] };
  assert.deepEqual(actual.schema.fields.map(describeField), fields);
  const want = rowsOf(expected);
  assert.deepEqual(rowsOf(actual), rows ? rows.map((r) => want[r]) : want);
}
