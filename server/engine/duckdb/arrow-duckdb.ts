/**
 * Arrow data with nested columns (List, LargeList, FixedSizeList, Struct, Map, Union) → DuckDB
 * types and values, for uploads: the column batches (arrow-decoder.ts) hold flat layouts only, so
 * a table with a nested column is appended value by value, every column, read from Arrow's own
 * buffers (never via apache-arrow's getters, which turn 64-bit times into float milliseconds).
 * Leaves map as the flat path maps them: zoned timestamps of any unit are TIMESTAMPTZ (µs),
 * dictionaries their values' type. Bad values are refused (text that is not UTF-8), never stored
 * as something else.
 */
import {
  arrayValue,
  blobValue,
  dateValue,
  decimalValue,
  intervalValue,
  listValue,
  mapValue,
  structValue,
  timestampMillisValue,
  timestampNanosValue,
  timestampSecondsValue,
  timestampTZValue,
  timestampValue,
  timeValue,
  unionValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { DataType, TimeUnit, Type, UnionMode, makeVector, type Data, type Field, type Schema } from 'apache-arrow';
import { ErrorCodes, FramegateError } from '../../../protocol';

const NESTED = new Set<Type>([Type.List, Type.LargeList, Type.FixedSizeList, Type.Struct, Type.Map, Type.Union, Type.DenseUnion, Type.SparseUnion]);

export function isNestedType(type: DataType): boolean {
  return NESTED.has(type.typeId);
}

/** Whether a table of this schema needs the value path to be stored exactly. */
export function hasNestedColumns(schema: Schema): boolean {
  return schema.fields.some((f) => isNestedType(f.type as DataType));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const PER_UNIT = [1_000_000n, 1_000n, 1n, 1n] as const; // µs per second, ms, µs; ns divide

/** The DuckDB type an Arrow column of `type` is stored as (nested ones keep their structure). */
export function duckdbTypeOfArrow(type: DataType): string {
  switch (type.typeId) {
    case Type.Bool: return 'BOOLEAN';
    case Type.Int: {
      const t = type as DataType<Type.Int> & { bitWidth: number; isSigned: boolean };
      const names: Record<number, string> = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' };
      return (t.isSigned ? '' : 'U') + names[t.bitWidth]!;
    }
    case Type.Float: return (type as DataType<Type.Float> & { precision: number }).precision === 2 ? 'DOUBLE' : 'FLOAT';
    case Type.Date: return 'DATE';
    case Type.Time: return 'TIME';
    case Type.Timestamp: {
      const t = type as DataType<Type.Timestamp> & { unit: TimeUnit; timezone?: string | null };
      if (t.timezone) return 'TIMESTAMPTZ';
      return (['TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP', 'TIMESTAMP_NS'] as const)[t.unit];
    }
    case Type.Decimal: {
      const t = type as DataType<Type.Decimal> & { precision: number; scale: number };
      if (t.precision > 38) throw new FramegateError(ErrorCodes.BadAttachment, `a nested DECIMAL(${t.precision},${t.scale}) has more than 38 digits: send it as text`);
      return `DECIMAL(${t.precision},${t.scale})`;
    }
    case Type.Utf8:
    case Type.LargeUtf8: return 'VARCHAR';
    case Type.Binary:
    case Type.LargeBinary: return 'BLOB';
    case Type.Interval: return 'INTERVAL';
    case Type.Dictionary: return duckdbTypeOfArrow((type as DataType<Type.Dictionary> & { dictionary: DataType }).dictionary);
    case Type.List:
    case Type.LargeList: return `${duckdbTypeOfArrow(type.children[0]!.type as DataType)}[]`;
    case Type.FixedSizeList: return `${duckdbTypeOfArrow(type.children[0]!.type as DataType)}[${(type as DataType<Type.FixedSizeList> & { listSize: number }).listSize}]`;
    case Type.Struct: return `STRUCT(${type.children.map((f: Field) => `${quote(f.name)} ${duckdbTypeOfArrow(f.type as DataType)}`).join(', ')})`;
    case Type.Map: {
      const [key, value] = (type.children[0]!.type as DataType).children;
      return `MAP(${duckdbTypeOfArrow(key!.type as DataType)}, ${duckdbTypeOfArrow(value!.type as DataType)})`;
    }
    case Type.Union:
    case Type.DenseUnion:
    case Type.SparseUnion: return `UNION(${type.children.map((f: Field) => `${quote(f.name)} ${duckdbTypeOfArrow(f.type as DataType)}`).join(', ')})`;
    default:
      throw new FramegateError(ErrorCodes.BadAttachment, `the gateway cannot store Arrow ${Type[type.typeId]} values inside a nested column`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function int128(words: Uint32Array, at: number): bigint {
  const low = BigInt(words[at]!) | (BigInt(words[at + 1]!) << 32n);
  const high = BigInt(words[at + 2]!) | (BigInt(words[at + 3]!) << 32n);
  return BigInt.asIntN(128, low | (high << 64n));
}

/** Arrow's 64-bit integers as bigint, wherever they are stored (BigInt64Array or 32-bit pairs). */
function wide(values: ArrayLike<number | bigint>, i: number): bigint {
  const v = values[i]!;
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** Micro seconds from `value` of `unit`. */
function micros(value: bigint, unit: TimeUnit): bigint {
  return unit === TimeUnit.NANOSECOND ? value / 1000n : value * PER_UNIT[unit];
}

/**
 * The DuckDB value at index `i` of `data`. apache-arrow slices a Data's value, offset and type-id
 * buffers (and the children of structs, fixed-size lists and sparse unions) but not its bitmaps:
 * those are read at `offset + i` (getValid does), everything else at `i`.
 */
export function duckdbValueAt(data: Data, i: number): DuckDBValue {
  if (!data.getValid(i)) return null;
  const type = data.type;
  const values = data.values as ArrayLike<number | bigint>;
  switch (type.typeId) {
    case Type.Bool: {
      // Boolean bits are not sliced: they start i the data's bit offset.
      const bit = data.offset + i;
      return (((data.values as Uint8Array)[bit >>> 3]! >>> (bit & 7)) & 1) === 1;
    }
    case Type.Int: return (type as DataType<Type.Int> & { bitWidth: number }).bitWidth === 64 ? wide(values, i) : Number(values[i]);
    case Type.Float: return (type as DataType<Type.Float> & { precision: number }).precision === 0 ? (makeVector(data).get(i) as number) : Number(values[i]);
    case Type.Date: {
      const t = type as DataType<Type.Date> & { unit: number };
      return dateValue(t.unit === 0 ? Number(values[i]) : Math.floor(Number(values[i]) / 86_400_000));
    }
    case Type.Time: return timeValue(micros(wide(values, i), (type as DataType<Type.Time> & { unit: TimeUnit }).unit));
    case Type.Timestamp: {
      const t = type as DataType<Type.Timestamp> & { unit: TimeUnit; timezone?: string | null };
      const v = wide(values, i);
      if (t.timezone) return timestampTZValue(micros(v, t.unit));
      return t.unit === TimeUnit.SECOND ? timestampSecondsValue(v) : t.unit === TimeUnit.MILLISECOND ? timestampMillisValue(v) : t.unit === TimeUnit.MICROSECOND ? timestampValue(v) : timestampNanosValue(v);
    }
    case Type.Decimal: {
      const t = type as DataType<Type.Decimal> & { precision: number; scale: number; bitWidth: number };
      const stride = t.bitWidth / 32;
      return decimalValue(stride === 4 ? int128(data.values as Uint32Array, i * 4) : wide(values, i), t.precision, t.scale);
    }
    case Type.Utf8:
    case Type.LargeUtf8: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      try {
        return utf8.decode((data.values as Uint8Array).subarray(Number(offsets[i]), Number(offsets[i + 1])));
      } catch {
        throw new FramegateError(ErrorCodes.BadAttachment, 'a nested text value is not valid UTF-8 (send binary data as a binary column)');
      }
    }
    case Type.Binary:
    case Type.LargeBinary: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      return blobValue((data.values as Uint8Array).slice(Number(offsets[i]), Number(offsets[i + 1])));
    }
    case Type.Interval: {
      const words = data.values as Int32Array;
      const unit = (type as DataType<Type.Interval> & { unit: number }).unit;
      // 0: YEAR_MONTH (months), 1: DAY_TIME (days, ms), 2: MONTH_DAY_NANO.
      if (unit === 0) return intervalValue(words[i]!, 0, 0n);
      if (unit === 1) return intervalValue(0, words[2 * i]!, BigInt(words[2 * i + 1]!) * 1000n);
      const view = new DataView(words.buffer, words.byteOffset + i * 16, 16);
      return intervalValue(view.getInt32(0, true), view.getInt32(4, true), view.getBigInt64(8, true) / 1000n);
    }
    case Type.Dictionary: return duckdbValueAt(data.dictionary!.data[0]! as Data, Number(values[i]));
    case Type.List:
    case Type.LargeList: {
      const offsets = data.valueOffsets as ArrayLike<number | bigint>;
      return listValue(range(data.children[0]!, Number(offsets[i]), Number(offsets[i + 1])));
    }
    case Type.FixedSizeList: {
      const size = (type as DataType<Type.FixedSizeList> & { listSize: number }).listSize;
      return arrayValue(range(data.children[0]!, i * size, (i + 1) * size));
    }
    case Type.Struct:
      return structValue(Object.fromEntries(type.children.map((f: Field, c) => [f.name, duckdbValueAt(data.children[c]!, i)])));
    case Type.Map: {
      const offsets = data.valueOffsets as Int32Array;
      const entries = data.children[0]!;
      const pairs = [];
      for (let e = offsets[i]!; e < offsets[i + 1]!; e++) pairs.push({ key: duckdbValueAt(entries.children[0]!, e), value: duckdbValueAt(entries.children[1]!, e) });
      return mapValue(pairs);
    }
    case Type.Union:
    case Type.DenseUnion:
    case Type.SparseUnion: {
      const t = type as DataType<Type.Union> & { mode: UnionMode; typeIdToChildIndex: Record<number, number> };
      const child = t.typeIdToChildIndex[(data.typeIds as Int8Array)[i]!]!;
      const index = t.mode === UnionMode.Dense ? (data.valueOffsets as Int32Array)[i]! : i;
      return unionValue((type.children[child] as Field).name, duckdbValueAt(data.children[child]!, index));
    }
    default:
      throw new FramegateError(ErrorCodes.BadAttachment, `the gateway cannot store Arrow ${Type[type.typeId]} values inside a nested column`);
  }
}

/** Values [from, to) of a child. */
function range(child: Data, from: number, to: number): DuckDBValue[] {
  const out: DuckDBValue[] = [];
  for (let i = from; i < to; i++) out.push(duckdbValueAt(child, i));
  return out;
}

/** Rows [from, from + rows) of one Arrow column as DuckDB values. */
export function duckdbValuesOf(data: Data, from: number, rows: number): DuckDBValue[] {
  const out = new Array<DuckDBValue>(rows);
  for (let r = 0; r < rows; r++) out[r] = duckdbValueAt(data, from + r);
  return out;
}
