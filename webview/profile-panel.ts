/**
 * The summary panel beside the grid: for every column its facts (profile-text.ts) and a small
 * histogram or its top values as bars. DOM APIs only (values are text, never HTML); bar sizes
 * through CSSOM, which the webview's CSP allows (no style attributes in markup).
 */
import type { ColumnProfile, ProfileResult } from '../protocol';
import { percent, profileFacts } from './profile-text';

export interface ProfilePanel {
  /** Shows `profile` (or a message while it is computed or when it failed). */
  show(profile: ProfileResult | string): void;
  /** Scrolls the column's card into view and marks it. */
  focus(column: string): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function bars(items: { label: string; count: number }[], total: number, vertical: boolean): HTMLElement {
  const box = el('div', vertical ? 'fg-histogram' : 'fg-top-values');
  const most = Math.max(1, ...items.map((i) => i.count));
  for (const item of items) {
    const bar = el('div', 'fg-bar');
    bar.title = `${item.label}: ${item.count.toLocaleString()} (${percent(item.count, total)})`;
    bar.dataset.count = String(item.count);
    const fill = el('div', 'fg-bar-fill');
    if (vertical) fill.style.height = `${Math.max(item.count > 0 ? 2 : 0, (item.count / most) * 100)}%`;
    else fill.style.width = `${Math.max(1, (item.count / most) * 100)}%`;
    bar.append(fill);
    if (!vertical) bar.append(el('span', 'fg-bar-label', item.label), el('span', 'fg-bar-count', item.count.toLocaleString()));
    box.append(bar);
  }
  return box;
}

function card(profile: ColumnProfile, locale?: string): HTMLElement {
  const node = el('section', 'fg-profile');
  node.dataset.column = profile.name;
  node.append(el('h3', 'fg-profile-name', profile.name));
  const facts = el('dl', 'fg-profile-facts');
  for (const [label, value] of profileFacts(profile, locale)) {
    const term = el('dt', '', label);
    const detail = el('dd', '', value);
    detail.dataset.fact = label;
    facts.append(term, detail);
  }
  node.append(facts);
  if (profile.histogram?.length) {
    node.append(bars(profile.histogram.map((b) => ({ label: `${b.lo} – ${b.hi}`, count: b.count })), profile.count, true));
    const axis = el('div', 'fg-histogram-axis');
    axis.append(el('span', '', profile.histogram[0]!.lo), el('span', '', profile.histogram.at(-1)!.hi));
    node.append(axis);
  } else if (profile.top?.length) {
    node.append(bars(profile.top.map((v) => ({ label: v.value, count: v.count })), profile.count, false));
  }
  return node;
}

export function createProfilePanel(host: HTMLElement, locale?: string): ProfilePanel {
  return {
    show(profile) {
      if (typeof profile === 'string') {
        host.replaceChildren(el('p', 'fg-profile-message', profile));
        return;
      }
      const head = el('p', 'fg-profile-message', `${profile.rowCount.toLocaleString(locale)} rows · computed ${new Date(profile.computedAt).toLocaleString(locale)}${profile.cached ? '' : ' (just now)'}`);
      host.replaceChildren(head, ...profile.columns.map((c) => card(c, locale)));
    },
    focus(column) {
      for (const node of host.querySelectorAll<HTMLElement>('.fg-profile')) {
        const match = node.dataset.column === column;
        node.classList.toggle('fg-profile-focused', match);
        if (match) node.scrollIntoView({ block: 'nearest' });
      }
    },
  };
}
