/**
 * Arrow record batches as CSV text, exactly: decimals from their unscaled integers, 64-bit
 * integers and timestamps from their raw values (Arrow JS would round them through a double),
 * timestamps with a zone as UTC with `Z`, naive ones without, NULL as an empty field and an empty
 * text as `""` (so the two stay apart). Quoting is papaparse's.
 */
import Papa from 'papaparse';
import { DataType, DateUnit, TimeUnit, type Field, type RecordBatch, type Vector } from 'apache-arrow';

const PER_SECOND: Record<TimeUnit, bigint> = {
  [TimeUnit.SECOND]: 1n,
  [TimeUnit.MILLISECOND]: 1_000n,
  [TimeUnit.MICROSECOND]: 1_000_000n,
  [TimeUnit.NANOSECOND]: 1_000_000_000n,
};

/** The raw stored value of row `row` (a bigint for 64-bit types, the words of a decimal). */
function rawValue(vector: Vector, row: number): unknown {
  let at = row;
  for (const data of vector.data) {
    if (at < data.length) {
      const type = data.type as DataType;
      if (DataType.isDecimal(type)) return (data.values as Uint32Array).subarray((data.offset + at) * 4, (data.offset + at + 1) * 4);
      return (data.values as ArrayLike<unknown>)[data.offset + at];
    }
    at -= data.length;
  }
  return undefined;
}

/** The unscaled integer of a Decimal128 (little-endian 32-bit words, two's complement). */
function decimalWords(words: Uint32Array, scale: number): string {
  let unscaled = 0n;
  for (let i = words.length - 1; i >= 0; i--) unscaled = (unscaled << 32n) | BigInt(words[i] ?? 0);
  if (((words[words.length - 1] ?? 0) & 0x80000000) !== 0) unscaled -= 1n << BigInt(words.length * 32);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** `YYYY-MM-DD HH:MM:SS[.fraction]` of ticks since the epoch. */
function instantText(ticks: bigint, unit: TimeUnit): string {
  const perSecond = PER_SECOND[unit];
  const seconds = floorDiv(ticks, perSecond);
  const fraction = ticks - seconds * perSecond;
  const iso = new Date(Number(seconds) * 1000).toISOString(); // whole seconds: exact
  const whole = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  if (fraction === 0n) return whole;
  return `${whole}.${fraction.toString().padStart(perSecond.toString().length - 1, '0').replace(/0+$/, '')}`;
}

function timeOfDay(ticks: bigint, unit: TimeUnit): string {
  return instantText(ticks, unit).slice(11);
}

/** JSON text of a nested value: 64-bit integers as bare numbers with every digit, blobs as base64. */
function jsonText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  // Arrow's vectors, struct rows and map rows give plain arrays and objects.
  const plain: unknown = typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
  if (Array.isArray(plain)) return `[${plain.map(jsonText).join(',')}]`;
  if (plain instanceof Map) return `{${[...plain.entries()].map(([k, v]) => `${JSON.stringify(String(k))}:${jsonText(v)}`).join(',')}}`;
  if (typeof plain === 'object' && plain !== null) return `{${Object.entries(plain).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  return JSON.stringify(plain) ?? 'null';
}

/** One cell's text, or null for NULL. */
export function csvCell(field: Field, vector: Vector, row: number): string | null {
  if (!vector.isValid(row)) return null;
  const type = field.type as DataType;
  if (DataType.isDecimal(type)) return decimalWords(rawValue(vector, row) as Uint32Array, type.scale);
  if (DataType.isTimestamp(type)) {
    const text = instantText(BigInt(rawValue(vector, row) as bigint | number), type.unit);
    return type.timezone ? `${text}Z` : text;
  }
  if (DataType.isDate(type)) {
    const raw = Number(rawValue(vector, row));
    return new Date(type.unit === DateUnit.DAY ? raw * 86_400_000 : raw).toISOString().slice(0, 10);
  }
  if (DataType.isTime(type)) return timeOfDay(BigInt(rawValue(vector, row) as bigint | number), type.unit);
  if (DataType.isInt(type) && type.bitWidth === 64) return String(rawValue(vector, row));
  const value: unknown = vector.get(row);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return jsonText(value);
}

/** A batch's rows as CSV lines (each ending in a newline), with the header line first when asked. */
export function csvText(batch: RecordBatch, withHeader: boolean): string {
  const fields = batch.schema.fields;
  const vectors = fields.map((_, i) => batch.getChildAt(i)!);
  const rows: (string | null)[][] = [];
  for (let r = 0; r < batch.numRows; r++) rows.push(fields.map((field, i) => csvCell(field, vectors[i]!, r)));
  const text = Papa.unparse(withHeader ? { fields: fields.map((f) => f.name), data: rows } : rows, {
    newline: '\n',
    header: withHeader,
    // An empty text is quoted, a NULL is not: readers tell them apart.
    quotes: (value: unknown) => value === '',
  });
  return text === '' ? '' : `${text}\n`;
}
