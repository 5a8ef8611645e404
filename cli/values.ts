/**
 * Arrow values to JSON-safe and display values. Arrow JS hands back bigint for 64-bit integers,
 * epoch milliseconds for dates and timestamps, and word arrays for decimals; scripts and humans
 * want numbers, ISO strings and decimal text.
 */
import { DataType, DateUnit, TimeUnit, tableFromIPC, type Field, type Table, type TypeMap } from 'apache-arrow';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface DecodedRows {
  columns: string[];
  rows: Array<Record<string, JsonValue>>;
}

/** Decodes an Arrow IPC stream into plain rows (JSON-safe values). */
export function decodeArrowRows(ipc: Uint8Array): DecodedRows {
  return tableRows(tableFromIPC(ipc));
}

export function tableRows(table: Table<TypeMap>): DecodedRows {
  const fields = table.schema.fields;
  const vectors = fields.map((field, i) => table.getChildAt(i));
  const rows: Array<Record<string, JsonValue>> = [];
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, JsonValue> = {};
    fields.forEach((field, i) => {
      row[field.name] = toJsonValue(field, vectors[i]?.get(r));
    });
    rows.push(row);
  }
  return { columns: fields.map((f) => f.name), rows };
}

function toJsonValue(field: Field, value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  const type = field.type as DataType;
  if (DataType.isDate(type)) return isoDate(value, type.unit === DateUnit.DAY);
  if (DataType.isTimestamp(type)) return isoDateTime(value);
  if (DataType.isDecimal(type)) return decimalText(value, type.scale);
  if (DataType.isTime(type)) return timeText(value, type.unit);
  // Nested values: each item read by its own type (decimals, times and nulls inside stay themselves).
  if (DataType.isList(type) || DataType.isFixedSizeList(type)) {
    const child = type.children[0] as Field;
    return Array.from(value as Iterable<unknown>, (v) => toJsonValue(child, v));
  }
  if (DataType.isStruct(type)) {
    const row = value as Record<string, unknown>;
    return Object.fromEntries((type.children).map((f) => [f.name, toJsonValue(f, row[f.name])]));
  }
  if (DataType.isMap(type)) {
    const valueField = ((type.children[0] as Field).type as DataType).children[1] as Field;
    return Object.fromEntries(Array.from(value as Iterable<[unknown, unknown]>, ([k, v]) => [String(k), toJsonValue(valueField, v)]));
  }
  return plain(value);
}

function plain(value: unknown): JsonValue {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function') {
    return plain((value as { toJSON(): unknown }).toJSON());
  }
  if (typeof value === 'object' && value !== null && Symbol.iterator in value) return [...(value as Iterable<unknown>)].map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return String(value);
}

function epochMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  return Number(value);
}

function isoDate(value: unknown, dayUnit: boolean): string {
  const iso = new Date(epochMs(value)).toISOString();
  return dayUnit ? iso.slice(0, 10) : iso;
}

function isoDateTime(value: unknown): string {
  return new Date(epochMs(value)).toISOString();
}

const TIME_UNITS_PER_SECOND: Record<TimeUnit, bigint> = {
  [TimeUnit.SECOND]: 1n,
  [TimeUnit.MILLISECOND]: 1_000n,
  [TimeUnit.MICROSECOND]: 1_000_000n,
  [TimeUnit.NANOSECOND]: 1_000_000_000n,
};

/** Time of day as `HH:MM:SS[.fraction]`. */
function timeText(value: unknown, unit: TimeUnit): string {
  const perSecond = TIME_UNITS_PER_SECOND[unit];
  const ticks = typeof value === 'bigint' ? value : BigInt(Math.round(Number(value)));
  const seconds = ticks / perSecond;
  const fraction = ticks % perSecond;
  const pad = (n: bigint) => n.toString().padStart(2, '0');
  const hms = `${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}`;
  if (fraction === 0n) return hms;
  return `${hms}.${fraction.toString().padStart(perSecond.toString().length - 1, '0').replace(/0+$/, '')}`;
}

/** Arrow JS gives a decimal as little-endian 32-bit words of the unscaled integer. */
function decimalText(value: unknown, scale: number): string {
  let unscaled: bigint;
  if (typeof value === 'bigint') unscaled = value;
  else if (value instanceof Uint32Array) {
    unscaled = 0n;
    for (let i = value.length - 1; i >= 0; i--) unscaled = (unscaled << 32n) | BigInt(value[i] ?? 0);
    const bits = BigInt(value.length * 32);
    if (value.length > 0 && ((value[value.length - 1] ?? 0) & 0x80000000) !== 0) unscaled -= 1n << bits;
  } else return String(value);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

/** A value as a table cell. */
export function displayValue(value: JsonValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
