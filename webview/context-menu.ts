/**
 * The grid's context menu: Copy (TSV), Copy as CSV, Copy as Markdown, Select All. A static
 * element of the page (webview-html.ts), shown at the pointer; Escape, a click elsewhere or
 * choosing an item closes it.
 */
import type { CopyFormat } from './clipboard-text';

export type MenuAction = CopyFormat | 'select-all';

export interface ContextMenu {
  open(x: number, y: number): void;
  close(): void;
}

function isAction(value: string | undefined): value is MenuAction {
  return value === 'tsv' || value === 'csv' || value === 'markdown' || value === 'select-all';
}

export function createContextMenu(menu: HTMLElement, run: (action: MenuAction) => void): ContextMenu {
  const close = () => {
    menu.hidden = true;
  };
  menu.addEventListener('click', (event) => {
    const item = event.target instanceof Element ? event.target.closest<HTMLElement>('[role="menuitem"]') : null;
    const action = item?.dataset.action;
    if (!isAction(action)) return;
    close();
    run(action);
  });
  document.addEventListener('mousedown', (event) => {
    if (!menu.hidden && !(event.target instanceof Node && menu.contains(event.target))) close();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  window.addEventListener('blur', close);
  return {
    open(x, y) {
      menu.hidden = false;
      // Keep it inside the page; positions through CSSOM (the CSP forbids style attributes).
      const width = menu.offsetWidth;
      const height = menu.offsetHeight;
      menu.style.left = `${Math.max(0, Math.min(x, window.innerWidth - width - 2))}px`;
      menu.style.top = `${Math.max(0, Math.min(y, window.innerHeight - height - 2))}px`;
      menu.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    },
    close,
  };
}
