/**
 * The expanded view of one nested cell: a popover below the cell holding the value's tree
 * (nested-values.ts). Built from the cell's own value: nothing more is fetched. Escape, a click
 * outside or opening another closes it; focus returns to the grid.
 */
import { nestedTree, parseNested } from './nested-values';

export const NESTED_POPOVER_CLASS = 'fg-nested-popover';

export function createNestedPopover(doc: Document, returnFocus: () => void): { open(json: string, title: string, at: DOMRect): void; close(): void } {
  let current: HTMLElement | undefined;
  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    close();
    returnFocus();
  };
  const onPointer = (event: MouseEvent) => {
    if (current && event.target instanceof Node && !current.contains(event.target)) close();
  };
  function close(): void {
    current?.remove();
    current = undefined;
    doc.removeEventListener('keydown', onKey, true);
    doc.removeEventListener('mousedown', onPointer, true);
  }
  function open(json: string, title: string, at: DOMRect): void {
    close();
    const popover = doc.createElement('div');
    popover.className = NESTED_POPOVER_CLASS;
    popover.setAttribute('role', 'dialog');
    popover.setAttribute('aria-label', title);
    popover.tabIndex = -1;
    const heading = doc.createElement('div');
    heading.className = 'fg-nested-title';
    heading.textContent = title;
    popover.append(heading, nestedTree(parseNested(json), doc));
    popover.style.left = `${Math.max(0, at.left)}px`;
    popover.style.top = `${at.bottom + 2}px`;
    doc.body.append(popover);
    current = popover;
    doc.addEventListener('keydown', onKey, true);
    doc.addEventListener('mousedown', onPointer, true);
    popover.focus({ preventScroll: true });
  }
  return { open, close };
}
