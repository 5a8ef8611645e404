/**
 * DuckDB values → Arrow data, for the columns the direct vector copy (duckdb.ts) has no layout for:
 * LIST, ARRAY, STRUCT, MAP, UNION, ENUM, INTERVAL, and whatever they hold. Types are those of
 * DuckDB's own Arrow export (its defaults: no string views, no large buffers): LIST → List<l>,
 * ARRAY → FixedSizeList, STRUCT → Struct, MAP → Map<entries<key, value>>, UNION → SparseUnion,
 * ENUM → Dictionary<Utf8>, INTERVAL → MonthDayNano, HUGEINT → Decimal128(38,0), UUID → Utf8.
 * Every leaf is written from DuckDB's exact value (bigints, unscaled decimals), never via floats
 * or text. The one difference: zoned timestamps are "UTC" (DuckDB writes its session zone, which
 * the gateway leaves at the machine's; the instants are the same), as on the direct path.
 * Types DuckDB's export itself would make opaque (BIGNUM, BIT, TIME WITH TIME ZONE, …) stay text.
 *
 * This is value by value: slower than the vector copy, used only for columns that need it.
 */
import {
  DuckDBEnumType,
  DuckDBTypeId,
  type DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  IntervalMonthDayNano,
  List,
  Map_,
  RecordBatch,
  Schema,
  SparseUnion,
  Struct,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  makeData,
  makeVector,
  type Data,
  type DataType,
} from 'apache-arrow';

/** Type ids whose columns are read value by value into Arrow nested (or dictionary, interval) types. */
const VALUE_TYPE_IDS = new Set<DuckDBTypeId>([
  DuckDBTypeId.LIST,
  DuckDBTypeId.ARRAY,
  DuckDBTypeId.STRUCT,
  DuckDBTypeId.MAP,
  DuckDBTypeId.UNION,
  DuckDBTypeId.ENUM,
  DuckDBTypeId.INTERVAL,
]);

/** Whether a column of this type is read value by value (see the module comment). */
export function readsAsArrowValues(type: DuckDBType): boolean {
  return VALUE_TYPE_IDS.has(type.typeId);
}

/** Same, from a type's name as DuckDB prints it (`INTEGER[]`, `STRUCT(...)`, `ENUM(...)`, …). */
export function typeNameReadsAsArrowValues(typeName: string): boolean {
  return /\[\d*\]$/.test(typeName) || /^(STRUCT|MAP|UNION|ENUM)\s*\(/i.test(typeName) || /^INTERVAL$/i.test(typeName);
}

function enumIndexType(size: number): Uint8 | Uint16 | Uint32 {
  return size <= 0xff ? new Uint8() : size <= 0xffff ? new Uint16() : new Uint32();
}

/** DuckDB enum dictionaries are whole (every value of the type): one id per enum type. */
let nextDictionaryId = 1 << 20;
const dictionaryIds = new Map<string, number>();
function dictionaryId(type: DuckDBEnumType): number {
  const key = type.values.join('\u0000');
  let id = dictionaryIds.get(key);
  if (id === undefined) {
    id = nextDictionaryId++;
    dictionaryIds.set(key, id);
  }
  return id;
}

/** The Arrow type DuckDB's Arrow export gives a column of `type`. */
export function arrowTypeOf(type: DuckDBType): DataType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN: return new Bool();
    case DuckDBTypeId.TINYINT: return new Int8();
    case DuckDBTypeId.SMALLINT: return new Int16();
    case DuckDBTypeId.INTEGER: return new Int32();
    case DuckDBTypeId.BIGINT: return new Int64();
    case DuckDBTypeId.UTINYINT: return new Uint8();
    case DuckDBTypeId.USMALLINT: return new Uint16();
    case DuckDBTypeId.UINTEGER: return new Uint32();
    case DuckDBTypeId.UBIGINT: return new Uint64();
    case DuckDBTypeId.FLOAT: return new Float32();
    case DuckDBTypeId.DOUBLE: return new Float64();
    case DuckDBTypeId.DATE: return new DateDay();
    case DuckDBTypeId.TIME: return new TimeMicrosecond();
    case DuckDBTypeId.TIMESTAMP_S: return new TimestampSecond();
    case DuckDBTypeId.TIMESTAMP_MS: return new TimestampMillisecond();
    case DuckDBTypeId.TIMESTAMP: return new TimestampMicrosecond();
    case DuckDBTypeId.TIMESTAMP_NS: return new TimestampNanosecond();
    case DuckDBTypeId.TIMESTAMP_TZ: return new TimestampMicrosecond('UTC');
    case DuckDBTypeId.HUGEINT: return new Decimal(0, 38, 128);
    case DuckDBTypeId.DECIMAL: {
      const t = type;
      return new Decimal(t.scale, t.width, 128);
    }
    case DuckDBTypeId.BLOB: return new Binary();
    case DuckDBTypeId.INTERVAL: return new IntervalMonthDayNano();
    case DuckDBTypeId.ENUM: {
      const t = type;
      return new Dictionary(new Utf8(), enumIndexType(t.values.length), dictionaryId(t));
    }
    case DuckDBTypeId.LIST: return new List(new Field('l', arrowTypeOf((type).valueType), true));
    case DuckDBTypeId.ARRAY: {
      const t = type;
      return new FixedSizeList(t.length, new Field('', arrowTypeOf(t.valueType), true));
    }
    case DuckDBTypeId.STRUCT: {
      const t = type;
      return new Struct(t.entryNames.map((name, i) => new Field(name, arrowTypeOf(t.entryTypes[i]!), true)));
    }
    case DuckDBTypeId.MAP: {
      const t = type;
      const entries = new Struct<{ key: DataType; value: DataType }>([new Field('key', arrowTypeOf(t.keyType), false), new Field('value', arrowTypeOf(t.valueType), true)]);
      return new Map_(new Field('entries', entries, false), false);
    }
    case DuckDBTypeId.UNION: {
      const t = type;
      const ids = t.memberTags.map((_, i) => i);
      return new SparseUnion(ids, t.memberTags.map((tag, i) => new Field(tag, arrowTypeOf(t.memberTypes[i]!), true)));
    }
    default:
      // UUID is text in DuckDB's export too; BIGNUM, BIT, TIME WITH TIME ZONE, UHUGEINT, …: DuckDB's own text.
      return new Utf8();
  }
}

/** Validity bits (LSB first) and null count of `values`. */
function validityOf(values: readonly unknown[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === null || v === undefined) nullCount++;
    else bits[i >>> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap: nullCount > 0 ? bits : undefined, nullCount };
}

type Leaf<T> = (value: NonNullable<DuckDBValue>) => T;

function fixed<A extends Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array>(
  type: DataType,
  values: readonly DuckDBValue[],
  array: A,
  read: Leaf<number>,
): Data {
  values.forEach((v, i) => {
    if (v !== null) array[i] = read(v);
  });
  return makeData({ type: type as Int32, length: values.length, ...validityOf(values), data: array });
}

function wide(type: DataType, values: readonly DuckDBValue[], array: BigInt64Array | BigUint64Array, read: Leaf<bigint>): Data {
  values.forEach((v, i) => {
    if (v !== null) array[i] = read(v);
  });
  return makeData({ type: type as Int64, length: values.length, ...validityOf(values), data: array as BigInt64Array });
}

const field = <T>(name: string) => (v: NonNullable<DuckDBValue>) => (v as unknown as Record<string, T>)[name]!;

/** Unscaled 128-bit two's complement integers, as Decimal128's four little-endian words. */
function decimals(type: Decimal, values: readonly DuckDBValue[], read: Leaf<bigint>): Data {
  const words = new BigUint64Array(values.length * 2);
  values.forEach((v, i) => {
    if (v === null) return;
    const n = read(v);
    words[2 * i] = BigInt.asUintN(64, n);
    words[2 * i + 1] = BigInt.asUintN(64, n >> 64n);
  });
  return makeData({ type, length: values.length, ...validityOf(values), data: new Uint32Array(words.buffer) });
}

const encoder = new TextEncoder();

function variable(type: Utf8 | Binary, values: readonly DuckDBValue[], read: Leaf<Uint8Array>): Data {
  const parts = values.map((v) => (v === null ? null : read(v)));
  const valueOffsets = new Int32Array(values.length + 1);
  let total = 0;
  parts.forEach((p, i) => {
    total += p?.byteLength ?? 0;
    valueOffsets[i + 1] = total;
  });
  const data = new Uint8Array(total);
  parts.forEach((p, i) => p && data.set(p, valueOffsets[i]));
  return makeData({ type: type as Utf8, length: values.length, ...validityOf(values), valueOffsets, data });
}

/** Months, days (int32 each) and nanoseconds (int64) per value. */
function intervals(type: IntervalMonthDayNano, values: readonly DuckDBValue[]): Data {
  const bytes = new ArrayBuffer(values.length * 16);
  const view = new DataView(bytes);
  values.forEach((v, i) => {
    if (v === null) return;
    const { months, days, micros } = v as unknown as { months: number; days: number; micros: bigint };
    view.setInt32(16 * i, months, true);
    view.setInt32(16 * i + 4, days, true);
    view.setBigInt64(16 * i + 8, micros * 1000n, true);
  });
  return makeData({ type, length: values.length, ...validityOf(values), data: new Int32Array(bytes) });
}

/** Offsets of lists of `lengths` (nulls are empty). */
function offsetsOf(lengths: readonly number[]): Int32Array {
  const offsets = new Int32Array(lengths.length + 1);
  lengths.forEach((n, i) => (offsets[i + 1] = offsets[i]! + n));
  return offsets;
}

const items = (v: DuckDBValue): readonly DuckDBValue[] => (v === null ? [] : (v as unknown as { items: readonly DuckDBValue[] }).items);

/** Arrow data of `type` (from `arrowTypeOf(duck)`) holding `values`, DuckDB values of type `duck`. */
export function arrowDataOf(duck: DuckDBType, type: DataType, values: readonly DuckDBValue[]): Data {
  const n = values.length;
  switch (duck.typeId) {
    case DuckDBTypeId.BOOLEAN: {
      const bits = new Uint8Array(Math.ceil(n / 8));
      values.forEach((v, i) => v === true && (bits[i >>> 3]! |= 1 << (i & 7)));
      return makeData({ type: type as Bool, length: n, ...validityOf(values), data: bits });
    }
    case DuckDBTypeId.TINYINT: return fixed(type, values, new Int8Array(n), Number);
    case DuckDBTypeId.SMALLINT: return fixed(type, values, new Int16Array(n), Number);
    case DuckDBTypeId.INTEGER: return fixed(type, values, new Int32Array(n), Number);
    case DuckDBTypeId.UTINYINT: return fixed(type, values, new Uint8Array(n), Number);
    case DuckDBTypeId.USMALLINT: return fixed(type, values, new Uint16Array(n), Number);
    case DuckDBTypeId.UINTEGER: return fixed(type, values, new Uint32Array(n), Number);
    case DuckDBTypeId.FLOAT: return fixed(type, values, new Float32Array(n), Number);
    case DuckDBTypeId.DOUBLE: return fixed(type, values, new Float64Array(n), Number);
    case DuckDBTypeId.DATE: return fixed(type, values, new Int32Array(n), field<number>('days'));
    case DuckDBTypeId.BIGINT: return wide(type, values, new BigInt64Array(n), (v) => v as bigint);
    case DuckDBTypeId.UBIGINT: return wide(type, values, new BigUint64Array(n), (v) => v as bigint);
    case DuckDBTypeId.TIME: return wide(type, values, new BigInt64Array(n), field<bigint>('micros'));
    case DuckDBTypeId.TIMESTAMP_S: return wide(type, values, new BigInt64Array(n), field<bigint>('seconds'));
    case DuckDBTypeId.TIMESTAMP_MS: return wide(type, values, new BigInt64Array(n), field<bigint>('millis'));
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ: return wide(type, values, new BigInt64Array(n), field<bigint>('micros'));
    case DuckDBTypeId.TIMESTAMP_NS: return wide(type, values, new BigInt64Array(n), field<bigint>('nanos'));
    case DuckDBTypeId.HUGEINT: return decimals(type as Decimal, values, (v) => v as bigint);
    case DuckDBTypeId.DECIMAL: return decimals(type as Decimal, values, field<bigint>('value'));
    case DuckDBTypeId.BLOB: return variable(type as Binary, values, field<Uint8Array>('bytes'));
    case DuckDBTypeId.INTERVAL: return intervals(type as IntervalMonthDayNano, values);
    case DuckDBTypeId.ENUM: {
      const t = duck;
      const dict = type as Dictionary;
      const indices = dict.indices.bitWidth === 8 ? new Uint8Array(n) : dict.indices.bitWidth === 16 ? new Uint16Array(n) : new Uint32Array(n);
      values.forEach((v, i) => v !== null && (indices[i] = t.valueIndexes[String(v)]!));
      const dictionary = makeVector(arrowDataOf({ typeId: DuckDBTypeId.VARCHAR } as DuckDBType, new Utf8(), t.values));
      return makeData({ type: dict, length: n, ...validityOf(values), data: indices as Uint8Array, dictionary });
    }
    case DuckDBTypeId.LIST: {
      const child = (type as List).children[0]!;
      const lists = values.map(items);
      const data = arrowDataOf((duck).valueType, child.type as DataType, lists.flat());
      return makeData({ type: type as List, length: n, ...validityOf(values), valueOffsets: offsetsOf(lists.map((l) => l.length)), child: data });
    }
    case DuckDBTypeId.ARRAY: {
      const t = duck;
      const child = (type as FixedSizeList).children[0]!;
      const flat = values.flatMap((v) => (v === null ? new Array<DuckDBValue>(t.length).fill(null) : items(v)));
      return makeData({ type: type as FixedSizeList, length: n, ...validityOf(values), child: arrowDataOf(t.valueType, child.type as DataType, flat) });
    }
    case DuckDBTypeId.STRUCT: {
      const t = duck;
      const entries = (v: DuckDBValue, name: string): DuckDBValue => (v === null ? null : (v as unknown as { entries: Record<string, DuckDBValue> }).entries[name] ?? null);
      const children = t.entryNames.map((name, i) => arrowDataOf(t.entryTypes[i]!, (type as Struct).children[i]!.type as DataType, values.map((v) => entries(v, name))));
      return makeData({ type: type as Struct, length: n, ...validityOf(values), children });
    }
    case DuckDBTypeId.MAP: {
      const t = duck;
      const pairs = values.map((v) => (v === null ? [] : (v as unknown as { entries: { key: DuckDBValue; value: DuckDBValue }[] }).entries));
      const flat = pairs.flat();
      const entryType = (type as Map_).children[0]!.type as Struct;
      const keys = arrowDataOf(t.keyType, entryType.children[0]!.type as DataType, flat.map((e) => e.key));
      const vals = arrowDataOf(t.valueType, entryType.children[1]!.type as DataType, flat.map((e) => e.value));
      const entries = makeData({ type: entryType, length: flat.length, nullCount: 0, children: [keys, vals] });
      return makeData({ type: type as Map_, length: n, ...validityOf(values), valueOffsets: offsetsOf(pairs.map((p) => p.length)), child: entries });
    }
    case DuckDBTypeId.UNION: {
      const t = duck;
      const typeIds = new Int8Array(n);
      const tagged = values.map((v) => (v === null ? null : (v as unknown as { tag: string; value: DuckDBValue })));
      tagged.forEach((v, i) => (typeIds[i] = v ? t.tagMemberIndexes[v.tag]! : 0));
      const children = t.memberTypes.map((member, m) =>
        arrowDataOf(member, (type as SparseUnion).children[m]!.type as DataType, tagged.map((v, i) => (v && typeIds[i] === m ? v.value : null))),
      );
      // A null union is a null in its first member (unions have no validity of their own).
      return makeData({ type: type as SparseUnion, length: n, nullCount: 0, typeIds, children });
    }
    default:
      return variable(new Utf8(), values, (v) => encoder.encode(String(v)));
  }
}

export interface ArrowColumnsChunk {
  schema: Schema;
  batch: RecordBatch;
}

/** The Arrow schema of columns of these names and DuckDB types. */
export function arrowSchemaOf(names: readonly string[], types: readonly DuckDBType[]): Schema {
  return new Schema(names.map((name, i) => new Field(name, arrowTypeOf(types[i]!), true)));
}

/** One data chunk as an Arrow record batch of `schema` (from `arrowSchemaOf` of its columns). */
export function chunkToRecordBatch(schema: Schema, types: readonly DuckDBType[], chunk: DuckDBDataChunk): RecordBatch {
  const children = schema.fields.map((f, i) => arrowDataOf(types[i]!, f.type as DataType, chunk.getColumnValues(i)));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: chunk.rowCount, nullCount: 0, children }));
}
