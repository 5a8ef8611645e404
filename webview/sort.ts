/** Header-click sorting: one column at a time, cycling ascending → descending → unsorted. */
import type { SortKey } from '../protocol';

export type SortDirection = 'asc' | 'desc' | 'none';

export function sortDirection(sort: readonly SortKey[], column: string): SortDirection {
  const key = sort.find((k) => k.column === column);
  return key === undefined ? 'none' : key.descending ? 'desc' : 'asc';
}

/** The sort after clicking `column`'s header. */
export function nextSort(sort: readonly SortKey[], column: string): SortKey[] {
  switch (sortDirection(sort, column)) {
    case 'none':
      return [{ column, descending: false }];
    case 'asc':
      return [{ column, descending: true }];
    case 'desc':
      return [];
  }
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

export const SORT_ARROWS: Record<SortDirection, string> = { asc: ' ▲', desc: ' ▼', none: '' };
