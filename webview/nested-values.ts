/**
 * Nested cell values (Arrow List, FixedSizeList, Struct, Map, Union): kept as exact JSON text in
 * the grid's cells (copies give it as is), shown compactly (`[1, 2]`, `{a: 1, b: 'x'}`), and
 * expanded into a tree of the same value. Integers and decimals keep every digit (lossless-json
 * parses them as text), timestamps are ISO text with their zone's offset, bytes hex.
 */
import { DataType, type Field } from 'apache-arrow';
import { isLosslessNumber, parse, type LosslessNumber } from 'lossless-json';

/** Arrow types whose values are nested. */
export function isNestedType(type: DataType): boolean {
  return DataType.isList(type) || DataType.isFixedSizeList(type) || DataType.isStruct(type) || DataType.isMap(type) || DataType.isUnion(type);
}

/** `12345` with scale 2 → `123.45`. `unscaled` is the decimal's integer text, maybe negative. */
export function scaleDecimal(unscaled: string, scale: number): string {
  if (scale <= 0) return unscaled;
  const negative = unscaled.startsWith('-');
  const digits = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

const hex = (bytes: Uint8Array) => `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;

/** A timestamp of `unit` ticks as ISO text; zoned ones end in Z (the instant is UTC-based). */
function isoTimestamp(ms: number, zoned: boolean): string {
  const iso = new Date(ms).toISOString();
  return zoned ? iso : iso.replace('T', ' ').replace('Z', '');
}

/** A scalar Arrow hands over (number, bigint, string, or a decimal's word array with its own toString). */
function text(value: unknown): string {
  return typeof value === 'object' && value !== null ? (value as { toString(): string }).toString() : String(value);
}

/** One Arrow value (of `type`) as JSON text, exact. */
function json(type: DataType, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (DataType.isDecimal(type)) return scaleDecimal(text(value), type.scale);
  if (DataType.isInt(type)) return text(value);
  if (DataType.isFloat(type)) return Number.isFinite(value) ? text(value) : JSON.stringify(text(value));
  if (DataType.isTimestamp(type)) return JSON.stringify(isoTimestamp(Number(value), Boolean(type.timezone)));
  if (DataType.isDate(type)) return JSON.stringify(new Date(Number(value)).toISOString().slice(0, 10));
  if (DataType.isTime(type)) {
    const perSecond = [1, 1e3, 1e6, 1e9][type.unit]!;
    const seconds = Number(value) / perSecond;
    return JSON.stringify(new Date(seconds * 1000).toISOString().slice(11, perSecond > 1 ? 23 : 19));
  }
  if (DataType.isBinary(type) || DataType.isFixedSizeBinary(type)) return JSON.stringify(hex(value as Uint8Array));
  if (DataType.isList(type) || DataType.isFixedSizeList(type)) {
    const child = (type.children[0] as Field).type as DataType;
    return `[${Array.from(value as Iterable<unknown>, (v) => json(child, v)).join(',')}]`;
  }
  if (DataType.isMap(type)) {
    const [, valueField] = ((type.children[0] as Field).type as DataType).children;
    const entries = [...(value as Iterable<[unknown, unknown]>)];
    return `{${entries.map(([k, v]) => `${JSON.stringify(String(k))}:${json(valueField!.type as DataType, v)}`).join(',')}}`;
  }
  if (DataType.isStruct(type)) {
    const row = value as Record<string, unknown>;
    return `{${(type.children).map((f) => `${JSON.stringify(f.name)}:${json(f.type as DataType, row[f.name])}`).join(',')}}`;
  }
  if (DataType.isUnion(type)) return unionJson(type, value);
  if (typeof value === 'boolean') return text(value);
  return JSON.stringify(text(value));
}

/** apache-arrow hands a union's value over without its member: the first member that takes it. */
function unionJson(type: DataType, value: unknown): string {
  const member = (type.children).find((f) => (typeof value === 'string' ? DataType.isUtf8(f.type as DataType) : !DataType.isUtf8(f.type as DataType)));
  return json((member ?? (type.children[0] as Field)).type as DataType, value);
}

/** A nested cell's value as exact JSON text. */
export function nestedJson(type: DataType, value: unknown): string {
  return json(type, value);
}

type JsonNode = LosslessNumber | string | boolean | null | JsonNode[] | { [key: string]: JsonNode };

export function parseNested(text: string): JsonNode {
  return parse(text) as JsonNode;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Compact text as DuckDB users read it: `[1, 2]`, `{a: 1, b: 'x'}`, NULL for nulls. */
export function compactNested(node: JsonNode): string {
  if (node === null) return 'NULL';
  if (isLosslessNumber(node)) return node.toString();
  if (typeof node === 'string') return `'${node.replace(/'/g, "\\'")}'`;
  if (typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return `[${node.map(compactNested).join(', ')}]`;
  return `{${Object.entries(node)
    .map(([k, v]) => `${IDENTIFIER.test(k) ? k : `'${k}'`}: ${compactNested(v)}`)
    .join(', ')}}`;
}

/**
 * The value as an expandable tree: each list or object a `<details>` (open at the first level),
 * its items labelled by index or key; leaves are their compact text.
 */
export function nestedTree(node: JsonNode, doc: Document, label?: string, depth = 0): HTMLElement {
  const leaf = node === null || typeof node !== 'object' || isLosslessNumber(node);
  if (leaf) {
    const line = doc.createElement('div');
    line.className = 'fg-nested-leaf';
    if (label !== undefined) line.append(labelOf(doc, label));
    const value = doc.createElement('span');
    value.className = node === null ? 'fg-nested-value fg-null' : 'fg-nested-value';
    value.textContent = compactNested(node);
    line.append(value);
    return line;
  }
  const entries: [string, JsonNode][] = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node);
  const details = doc.createElement('details');
  details.className = 'fg-nested-branch';
  details.open = depth === 0;
  const summary = doc.createElement('summary');
  if (label !== undefined) summary.append(labelOf(doc, label));
  const preview = doc.createElement('span');
  preview.className = 'fg-nested-preview';
  preview.textContent = Array.isArray(node) ? `[${entries.length} item${entries.length === 1 ? '' : 's'}]` : `{${entries.length} field${entries.length === 1 ? '' : 's'}}`;
  summary.append(preview);
  details.append(summary, ...entries.map(([k, v]) => nestedTree(v, doc, k, depth + 1)));
  return details;
}

function labelOf(doc: Document, text: string): HTMLElement {
  const span = doc.createElement('span');
  span.className = 'fg-nested-key';
  span.textContent = `${text}: `;
  return span;
}
