/**
 * Arrow IPC bytes → the raw cell values the grid keeps, and each column's kind (format.ts turns
 * both into text). Values become numbers, strings or booleans; 64-bit integers and decimals
 * exact strings (no float rounding); dates and timestamps milliseconds since the epoch; lists,
 * structs, maps and unions exact JSON text (nested-values.ts shows and expands it).
 */
import { DataType, tableFromIPC, type Field, type Vector } from 'apache-arrow';
import { NULL_TEXT, type ColumnKind } from './format';
import { isNestedType, nestedJson, scaleDecimal } from './nested-values';
import type { CellScalar } from './window-cache';

export interface DecodedWindow {
  names: string[];
  kinds: ColumnKind[];
  /** `columns[c][r]`: column-major, as regular-table's data listener returns them. */
  columns: CellScalar[][];
  rows: number;
}

export { scaleDecimal };

export function columnKind(field: Field): ColumnKind {
  const type = field.type as DataType;
  if (DataType.isInt(type)) return { kind: 'integer' };
  if (DataType.isFloat(type)) return { kind: 'float' };
  if (DataType.isDecimal(type)) return { kind: 'decimal', scale: type.scale };
  if (DataType.isDate(type)) return { kind: 'date' };
  if (DataType.isTimestamp(type)) return { kind: 'timestamp', zone: type.timezone ?? null };
  if (DataType.isBool(type)) return { kind: 'boolean' };
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return { kind: 'text' };
  if (isNestedType(type)) return { kind: 'nested' };
  return { kind: 'other' };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A nested value as DuckDB prints it: strings unquoted, NULL for nulls. */
function nestedText(value: unknown): string {
  if (value === null || value === undefined) return NULL_TEXT;
  if (Array.isArray(value)) return `[${value.map(nestedText).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${nestedText(v)}`)
      .join(', ')}}`;
  }
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** One Arrow value of `field` as a raw grid cell. */
export function cellValue(field: Field, value: unknown): CellScalar {
  if (value === null || value === undefined) return null;
  const type = field.type as DataType;
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return value instanceof Date ? value.getTime() : Number(value);
  if (DataType.isDecimal(type)) return scaleDecimal((value as { toString(): string }).toString(), type.scale);
  if (isNestedType(type)) return nestedJson(type, value);
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
  }
  if (value instanceof Uint8Array) {
    const hex = Array.from(value.subarray(0, 32), (b) => b.toString(16).padStart(2, '0')).join('');
    return value.length > 32 ? `0x${hex}…` : `0x${hex}`;
  }
  // Structs, lists, maps: Arrow's rows and vectors serialize themselves as JSON.
  return nestedText(JSON.parse(JSON.stringify(value, jsonReplacer) ?? 'null'));
}

function columnCells(field: Field, vector: Vector | null, rows: number): CellScalar[] {
  const cells = new Array<CellScalar>(rows);
  for (let r = 0; r < rows; r++) cells[r] = cellValue(field, vector?.get(r));
  return cells;
}

/** The bytes of a window reply as they arrived through postMessage; anything else is a bug to report. */
export function windowBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  const shape = value === null || typeof value !== 'object' ? typeof value : `${Object.prototype.toString.call(value)} ${JSON.stringify(value).slice(0, 40)}`;
  throw new Error(`window bytes arrived as ${shape}, not as a Uint8Array`);
}

export function decodeWindow(ipc: unknown): DecodedWindow {
  const bytes = windowBytes(ipc);
  const table = tableFromIPC(bytes);
  // tableFromIPC reads garbage as an empty table; a window always has a schema.
  if (table.schema.fields.length === 0) throw new Error(`the window's ${bytes.byteLength} bytes are not an Arrow IPC stream`);
  const fields = table.schema.fields;
  return {
    names: fields.map((f) => f.name),
    kinds: fields.map(columnKind),
    columns: fields.map((f, i) => columnCells(f, table.getChildAt(i), table.numRows)),
    rows: table.numRows,
  };
}
