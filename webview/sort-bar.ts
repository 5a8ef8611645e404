/**
 * The bar above the grid that shows the active sort as chips (click a chip to flip its
 * direction, × to drop the key) and the SQL it amounts to, with a button to copy that SQL.
 * Built with DOM APIs only: column names are text, never HTML.
 */
import type { SortKey } from '../protocol';
import { orderBySql, SORT_ARROWS } from './sort';

export interface SortBarOptions {
  bar: HTMLElement;
  chips: HTMLElement;
  sql: HTMLElement;
  copySql: HTMLButtonElement;
  setSort(sort: SortKey[]): void;
  copyText(text: string, description: string): void;
}

export function createSortBar(options: SortBarOptions): (sort: SortKey[]) => void {
  let current: SortKey[] = [];
  options.copySql.addEventListener('click', () => {
    if (current.length > 0) options.copyText(orderBySql(current), 'the ORDER BY clause');
  });

  return (sort) => {
    current = sort;
    options.bar.hidden = sort.length === 0;
    options.sql.textContent = orderBySql(sort);
    const chips = sort.map((key, index) => {
      const chip = document.createElement('span');
      chip.className = 'fg-chip';
      chip.dataset.column = key.column;
      chip.dataset.sort = key.descending ? 'desc' : 'asc';
      const flip = document.createElement('button');
      flip.type = 'button';
      flip.className = 'fg-chip-flip';
      flip.textContent = `${sort.length > 1 ? `${index + 1}. ` : ''}${key.column} ${SORT_ARROWS[key.descending ? 'desc' : 'asc']}`;
      flip.title = `Sorted ${key.descending ? 'descending' : 'ascending'}: click to flip`;
      flip.addEventListener('click', () => options.setSort(sort.map((k, i) => (i === index ? { column: k.column, descending: !k.descending } : k))));
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'fg-chip-remove';
      remove.textContent = '×';
      remove.title = `Stop sorting by ${key.column}`;
      remove.setAttribute('aria-label', remove.title);
      remove.addEventListener('click', () => options.setSort(sort.filter((_, i) => i !== index)));
      chip.append(flip, remove);
      return chip;
    });
    options.chips.replaceChildren(...chips);
  };
}
