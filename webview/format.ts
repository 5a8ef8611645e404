/**
 * Cell values → text for people (the grid, Markdown copies) and plain text for machines (TSV and
 * CSV copies). Pure: no DOM, no Arrow. The digits are chosen here; the text itself comes from
 * Intl.NumberFormat / Intl.DateTimeFormat.
 *
 * A column gets one formatter for as long as its source is shown, made from the first values
 * seen, so every cell of a column has the same number of fraction digits (right-aligned in
 * tabular figures, the decimal points line up) and nothing changes width while scrolling.
 */
import { compactNested, parseNested } from './nested-values';
import type { CellScalar } from './window-cache';

/** What a column holds, as far as showing it goes (from the Arrow type; see arrow-cells.ts). */
export type ColumnKind =
  /** JS numbers, or exact integer text for 64-bit and wider integers. */
  | { kind: 'integer' }
  | { kind: 'float' }
  /** Exact decimal text with `scale` fraction digits. */
  | { kind: 'decimal'; scale: number }
  /** Milliseconds since the epoch at UTC midnight. */
  | { kind: 'date' }
  /** Milliseconds since the epoch; `zone` is the type's time zone (null: a zoneless timestamp). */
  | { kind: 'timestamp'; zone: string | null }
  | { kind: 'boolean' }
  | { kind: 'text' }
  /** Lists, structs, maps, unions: exact JSON text (nested-values.ts). */
  | { kind: 'nested' }
  /** Already text (binary as hex, intervals, …). */
  | { kind: 'other' };

export const NULL_TEXT = 'NULL';

/** At most this many fraction digits for floating-point columns. */
export const MAX_FLOAT_DIGITS = 6;

export interface ColumnFormatter {
  readonly align: 'left' | 'right';
  /** Text for people: grouped numbers, readable dates, `NULL`. */
  display(value: CellScalar): string;
  /** Text for machines: full precision, no grouping, ISO dates, empty for NULL. */
  plain(value: CellScalar): string;
}

/**
 * The fewest fraction digits (≤ max) that show every value without float noise: 9368748.060000122
 * needs 2 (its 12 significant digits are 9368748.06000), 0.1 + 0.2 needs 1, whole numbers 0.
 */
export function fractionDigits(values: Iterable<number>, max = MAX_FLOAT_DIGITS): number {
  let digits = 0;
  for (const value of values) {
    if (!Number.isFinite(value) || value === 0) continue;
    const clean = Number(value.toPrecision(12));
    while (digits < max && Math.abs(Number(clean.toFixed(digits)) - clean) > Math.abs(clean) * 1e-12) digits++;
    if (digits === max) break;
  }
  return digits;
}

/** Intl.NumberFormat accepts decimal strings and formats them exactly (no float rounding). */
type NumericInput = number | `${number}`;

function numberFormatter(locale: string | undefined, digits: number): ColumnFormatter {
  const fixed = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  // Values too large or too small for the column's digits read better in scientific notation.
  const scientific = new Intl.NumberFormat(locale, { notation: 'scientific', maximumSignificantDigits: 6 });
  const smallest = digits === 0 ? 0 : 0.5 * 10 ** -digits;
  return {
    align: 'right',
    display(value) {
      if (value === null) return NULL_TEXT;
      if (typeof value === 'number') {
        const size = Math.abs(value);
        return size >= 1e15 || (size > 0 && size < smallest) ? scientific.format(value) : fixed.format(value);
      }
      if (typeof value === 'string') return fixed.format(value as NumericInput);
      return String(value);
    },
    plain: (value) => (value === null ? '' : String(value)),
  };
}

function zoneIsValid(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function dateFormatter(locale: string | undefined): ColumnFormatter {
  const format = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' });
  return {
    align: 'right',
    display: (value) => (value === null ? NULL_TEXT : typeof value === 'number' ? format.format(value) : String(value)),
    plain: (value) => (value === null ? '' : typeof value === 'number' ? new Date(value).toISOString().slice(0, 10) : String(value)),
  };
}

function timestampFormatter(locale: string | undefined, zone: string | null, sample: readonly CellScalar[]): ColumnFormatter {
  // Milliseconds only when some value has them.
  const millis = sample.some((v) => typeof v === 'number' && v % 1000 !== 0);
  const known = zone !== null && zoneIsValid(zone);
  const format = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...(millis ? { fractionalSecondDigits: 3 as const } : {}),
    // A zoneless timestamp is a wall-clock time: shown as stored (its epoch value is UTC-based).
    timeZone: known ? zone : 'UTC',
    ...(known ? { timeZoneName: 'short' as const } : {}),
  });
  // A zone Intl does not know (e.g. "+01:00" on older engines) is still named, not dropped.
  const suffix = zone !== null && !known ? ` ${zone}` : '';
  return {
    align: 'right',
    display: (value) => (value === null ? NULL_TEXT : typeof value === 'number' ? format.format(value) + suffix : String(value)),
    plain(value) {
      if (value === null) return '';
      if (typeof value !== 'number') return String(value);
      const iso = new Date(value).toISOString();
      return zone === null ? iso.replace('T', ' ').replace('Z', '') : iso;
    },
  };
}

function textFormatter(): ColumnFormatter {
  return {
    align: 'left',
    display: (value) => (value === null ? NULL_TEXT : String(value)),
    plain: (value) => (value === null ? '' : String(value)),
  };
}

/** Nested values: compact for people (`{a: 1, b: 'x'}`), their JSON for machines. */
function nestedFormatter(): ColumnFormatter {
  return {
    align: 'left',
    display: (value) => (value === null ? NULL_TEXT : typeof value === 'string' ? compactNested(parseNested(value)) : String(value)),
    plain: (value) => (value === null ? '' : String(value)),
  };
}

/** A formatter for a column of `kind`, its digits chosen from `sample` (values of its first window). */
export function columnFormatter(kind: ColumnKind, sample: readonly CellScalar[], locale?: string): ColumnFormatter {
  switch (kind.kind) {
    case 'integer':
      return numberFormatter(locale, 0);
    case 'decimal':
      return numberFormatter(locale, kind.scale);
    case 'float':
      return numberFormatter(locale, fractionDigits(sample.filter((v): v is number => typeof v === 'number')));
    case 'date':
      return dateFormatter(locale);
    case 'timestamp':
      return timestampFormatter(locale, kind.zone, sample);
    case 'nested':
      return nestedFormatter();
    case 'boolean':
    case 'text':
    case 'other':
      return textFormatter();
  }
}

/** Row numbers as people read them: `1,234,567` (en-US). */
export function rowNumberFormatter(locale?: string): (row: number) => string {
  const format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  return (row) => format.format(row);
}
