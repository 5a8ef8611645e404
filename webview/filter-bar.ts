/**
 * The bar above the grid that shows the active filters as chips (× removes one) and the SQL the
 * whole view amounts to, as the gateway wrote it, with a button to copy it. DOM APIs only.
 */
import type { ColumnFilter } from '../protocol';
import { filterLabel, withoutFilter } from './filters';

export interface FilterBarOptions {
  bar: HTMLElement;
  chips: HTMLElement;
  sql: HTMLElement;
  copySql: HTMLButtonElement;
  setFilters(filters: ColumnFilter[]): void;
  copyText(text: string, description: string): void;
}

export interface FilterBar {
  showFilters(filters: ColumnFilter[]): void;
  /** The gateway's SQL for the view (filters and sort), when it sent one. */
  showSql(sql: string | undefined): void;
}

export function createFilterBar(options: FilterBarOptions): FilterBar {
  let sql: string | undefined;
  options.copySql.addEventListener('click', () => {
    if (sql) options.copyText(sql, 'the SQL of this view');
  });
  return {
    showFilters(filters) {
      options.bar.hidden = filters.length === 0;
      if (filters.length === 0) this.showSql(undefined);
      options.chips.replaceChildren(
        ...filters.map((filter, index) => {
          const chip = document.createElement('span');
          chip.className = 'fg-chip';
          chip.dataset.column = filter.column;
          chip.dataset.filter = filter.kind;
          const label = document.createElement('span');
          label.className = 'fg-chip-label';
          label.textContent = filterLabel(filter);
          const remove = document.createElement('button');
          remove.type = 'button';
          remove.className = 'fg-chip-remove';
          remove.textContent = '×';
          remove.title = `Remove the filter ${filterLabel(filter)}`;
          remove.setAttribute('aria-label', remove.title);
          remove.addEventListener('click', () => options.setFilters(withoutFilter(filters, index)));
          chip.append(label, remove);
          return chip;
        }),
      );
    },
    showSql(text) {
      sql = text;
      options.sql.textContent = text ?? '';
      options.copySql.hidden = !text;
    },
  };
}
