/**
 * Header-click sorting. A plain click sorts by that column alone, cycling ascending → descending →
 * unsorted; Shift+click adds the column as a further key (or flips / drops it). Pure.
 */
import type { SortKey } from '../protocol';

export type SortDirection = 'asc' | 'desc' | 'none';

export function sortDirection(sort: readonly SortKey[], column: string): SortDirection {
  const key = sort.find((k) => k.column === column);
  return key === undefined ? 'none' : key.descending ? 'desc' : 'asc';
}

/** The sort after a plain click on `column`'s header: that column alone. */
export function nextSort(sort: readonly SortKey[], column: string): SortKey[] {
  // Among several keys, a plain click starts over with that column.
  const direction = sort.length > 1 ? 'none' : sortDirection(sort, column);
  switch (direction) {
    case 'none':
      return [{ column, descending: false }];
    case 'asc':
      return [{ column, descending: true }];
    case 'desc':
      return [];
  }
}

/** The sort after Shift+click on `column`: appended ascending, then flipped in place, then dropped. */
export function addSortKey(sort: readonly SortKey[], column: string): SortKey[] {
  switch (sortDirection(sort, column)) {
    case 'none':
      return [...sort, { column, descending: false }];
    case 'asc':
      return sort.map((k) => (k.column === column ? { column, descending: true } : k));
    case 'desc':
      return removeSortKey(sort, column);
  }
}

export function removeSortKey(sort: readonly SortKey[], column: string): SortKey[] {
  return sort.filter((k) => k.column !== column);
}

/** The sort to keep when a source is shown again with new columns: keys on columns still there. */
export function keepSortOn(sort: readonly SortKey[], columns: readonly { name: string }[]): SortKey[] {
  const names = new Set(columns.map((c) => c.name));
  return sort.filter((k) => names.has(k.column));
}

/** A cache key for a sort: windows fetched under different sorts never mix. */
export function sortCacheKey(sort: readonly SortKey[]): string {
  return JSON.stringify(sort.map((k) => [k.column, k.descending]));
}

/** A SQL identifier in double quotes (quotes inside doubled), as DuckDB reads it. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The SQL the sort amounts to: `ORDER BY "a" DESC, "b"`; empty when unsorted. */
export function orderBySql(sort: readonly SortKey[]): string {
  if (sort.length === 0) return '';
  return `ORDER BY ${sort.map((k) => quoteIdentifier(k.column) + (k.descending ? ' DESC' : '')).join(', ')}`;
}

export const SORT_ARROWS: Record<SortDirection, string> = { asc: '▲', desc: '▼', none: '' };

/** The header's sort mark: an arrow, numbered when there are several keys (`▲2`). */
export function sortMark(sort: readonly SortKey[], column: string): string {
  const index = sort.findIndex((k) => k.column === column);
  if (index < 0) return '';
  const arrow = SORT_ARROWS[sort[index]!.descending ? 'desc' : 'asc'];
  return sort.length > 1 ? ` ${arrow}${index + 1}` : ` ${arrow}`;
}
