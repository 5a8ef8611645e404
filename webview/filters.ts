/**
 * Per-column filters as the grid holds them: one filter of each kind per column (a new one of the
 * same kind replaces it), chip labels, and a cache key so windows of different filters never mix.
 * The gateway writes the SQL; the grid only shows the SQL it answers. Pure.
 */
import type { ColumnFilter, ColumnInfo } from '../protocol';

/** Adds `filter`, replacing one of the same kind on the same column. */
export function withFilter(filters: readonly ColumnFilter[], filter: ColumnFilter): ColumnFilter[] {
  const at = filters.findIndex((f) => f.column === filter.column && f.kind === filter.kind);
  return at < 0 ? [...filters, filter] : filters.map((f, i) => (i === at ? filter : f));
}

export function withoutFilter(filters: readonly ColumnFilter[], index: number): ColumnFilter[] {
  return filters.filter((_, i) => i !== index);
}

/** Filters on columns still there (a source shown again with new columns). */
export function keepFiltersOn(filters: readonly ColumnFilter[], columns: readonly ColumnInfo[]): ColumnFilter[] {
  const names = new Set(columns.map((c) => c.name));
  return filters.filter((f) => names.has(f.column));
}

export function filterCacheKey(filters: readonly ColumnFilter[]): string {
  return JSON.stringify(filters);
}

const MAX_CHIP_VALUES = 3;

/** A chip's text: `region ∈ EU, US`, `amount 10 – 99`, `name contains "ann"`. */
export function filterLabel(filter: ColumnFilter): string {
  switch (filter.kind) {
    case 'values': {
      const shown = filter.values.slice(0, MAX_CHIP_VALUES).map((v) => (v === null ? 'NULL' : v));
      const more = filter.values.length - shown.length;
      return `${filter.column} ∈ ${shown.join(', ')}${more > 0 ? ` +${more}` : ''}`;
    }
    case 'range':
      if (filter.min !== undefined && filter.max !== undefined) return `${filter.column} ${filter.min} – ${filter.max}`;
      return filter.min !== undefined ? `${filter.column} ≥ ${filter.min}` : `${filter.column} ≤ ${filter.max}`;
    case 'text':
      return `${filter.column} ${filter.match === 'contains' ? 'contains' : 'starts with'} "${filter.text}"`;
  }
}

/** A range bound as typed: a number for numeric columns, the text (an ISO date) otherwise; undefined when empty. */
export function parseBound(text: string, numeric: boolean): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!numeric) return trimmed;
  const n = Number(trimmed);
  if (!Number.isFinite(n)) throw new Error(`"${trimmed}" is not a number`);
  return n;
}
