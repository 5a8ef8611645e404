/**
 * The column header's menu (right click on a column name): Filter by Values…, Filter by Range…,
 * Filter by Text…, Chart…; and the small form each filter opens. Values offer the column's top
 * values from its profile (computed on the gateway), or take them typed one per line. Built with
 * DOM APIs only: values and names are text, never HTML.
 */
import type { ColumnFilter, ColumnInfo, ColumnProfile } from '../protocol';
import { isNumericColumn, isTemporalColumn } from './chart-spec';
import { parseBound } from './filters';

export type ColumnAction = 'filter-values' | 'filter-range' | 'filter-text' | 'chart';

export interface ColumnMenuOptions {
  menu: HTMLElement;
  form: HTMLFormElement;
  column(name: string): ColumnInfo | undefined;
  profile(name: string): ColumnProfile | undefined;
  filter(filter: ColumnFilter): void;
  chart(column: ColumnInfo): void;
}

export interface ColumnMenu {
  open(x: number, y: number, column: string): void;
  close(): void;
}

function isAction(value: string | undefined): value is ColumnAction {
  return value === 'filter-values' || value === 'filter-range' || value === 'filter-text' || value === 'chart';
}

function place(element: HTMLElement, x: number, y: number): void {
  // Positions through CSSOM (the CSP forbids style attributes), kept inside the page.
  element.style.left = `${Math.max(0, Math.min(x, window.innerWidth - element.offsetWidth - 2))}px`;
  element.style.top = `${Math.max(0, Math.min(y, window.innerHeight - element.offsetHeight - 2))}px`;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

export function createColumnMenu(options: ColumnMenuOptions): ColumnMenu {
  const { menu, form } = options;
  let column: string | undefined;
  let at = { x: 0, y: 0 };
  /** Reads the form into a filter; throws a message for the user. */
  let read: (() => ColumnFilter) | undefined;

  const close = () => {
    menu.hidden = true;
    form.hidden = true;
    read = undefined;
  };

  const showForm = (title: string, fields: HTMLElement[], reader: () => ColumnFilter) => {
    const error = el('div', { className: 'fg-form-error' });
    error.setAttribute('role', 'alert');
    const apply = el('button', { type: 'submit', textContent: 'Apply' });
    const cancel = el('button', { type: 'button', textContent: 'Cancel' });
    cancel.addEventListener('click', close);
    form.replaceChildren(el('div', { className: 'fg-form-title', textContent: title }), ...fields, error, el('div', { className: 'fg-form-buttons' }, apply, cancel));
    read = () => {
      try {
        return reader();
      } catch (problem) {
        error.textContent = problem instanceof Error ? problem.message : String(problem);
        throw problem;
      }
    };
    menu.hidden = true;
    form.hidden = false;
    place(form, at.x, at.y);
    form.querySelector<HTMLElement>('input, select, textarea')?.focus();
  };

  const valuesForm = (info: ColumnInfo) => {
    const top = options.profile(info.name)?.top ?? [];
    if (top.length > 0) {
      const boxes = top.map((t) => {
        const box = el('input', { type: 'checkbox', value: t.value });
        return { box, label: el('label', { className: 'fg-form-value' }, box, ` ${t.value} (${t.count.toLocaleString('en-US')})`) };
      });
      showForm(`${info.name}: keep rows with these values`, boxes.map((b) => b.label), () => {
        const values = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
        if (values.length === 0) throw new Error('pick at least one value');
        return { kind: 'values', column: info.name, values };
      });
      return;
    }
    const text = el('textarea', { rows: 4, placeholder: 'one value per line' });
    showForm(`${info.name}: keep rows with these values`, [text], () => {
      const values = text.value.split('\n').map((v) => v.trim()).filter((v) => v !== '');
      if (values.length === 0) throw new Error('type at least one value');
      return { kind: 'values', column: info.name, values };
    });
  };

  const rangeForm = (info: ColumnInfo) => {
    const numeric = isNumericColumn(info);
    if (!numeric && !isTemporalColumn(info)) {
      showForm(`${info.name} is ${info.type}: a range needs numbers or dates`, [], () => {
        throw new Error('filter this column by values or text');
      });
      return;
    }
    const profile = options.profile(info.name);
    const min = el('input', { type: 'text', name: 'min', placeholder: profile?.min ?? 'min' });
    const max = el('input', { type: 'text', name: 'max', placeholder: profile?.max ?? 'max' });
    showForm(`${info.name}: keep rows from min to max`, [el('label', {}, 'min ', min), el('label', {}, 'max ', max)], () => {
      const lo = parseBound(min.value, numeric);
      const hi = parseBound(max.value, numeric);
      if (lo === undefined && hi === undefined) throw new Error('give a min, a max or both');
      return { kind: 'range', column: info.name, ...(lo !== undefined ? { min: lo } : {}), ...(hi !== undefined ? { max: hi } : {}) };
    });
  };

  const textForm = (info: ColumnInfo) => {
    const match = el('select', { name: 'match' }, el('option', { value: 'contains', textContent: 'contains' }), el('option', { value: 'startsWith', textContent: 'starts with' }));
    const text = el('input', { type: 'text', name: 'text', placeholder: 'text (any case)' });
    showForm(`${info.name}: keep rows whose text`, [match, text], () => {
      if (text.value === '') throw new Error('type some text');
      return { kind: 'text', column: info.name, match: match.value === 'startsWith' ? 'startsWith' : 'contains', text: text.value };
    });
  };

  menu.addEventListener('click', (event) => {
    const item = event.target instanceof Element ? event.target.closest<HTMLElement>('[role="menuitem"]') : null;
    const action = item?.dataset.action;
    const info = column === undefined ? undefined : options.column(column);
    if (!isAction(action) || !info) return;
    if (action === 'chart') {
      close();
      options.chart(info);
    } else if (action === 'filter-values') valuesForm(info);
    else if (action === 'filter-range') rangeForm(info);
    else textForm(info);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!read) return;
    let filter: ColumnFilter;
    try {
      filter = read();
    } catch {
      return;
    }
    close();
    options.filter(filter);
  });
  document.addEventListener('mousedown', (event) => {
    const inside = event.target instanceof Node && (menu.contains(event.target) || form.contains(event.target));
    if (!inside && (!menu.hidden || !form.hidden)) close();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });

  return {
    open(x, y, name) {
      column = name;
      at = { x, y };
      form.hidden = true;
      menu.hidden = false;
      place(menu, x, y);
      menu.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    },
    close,
  };
}
