/**
 * The grid webview's HTML: the ONE function that produces it. A static skeleton under a strict
 * CSP with a fresh nonce per render; titles and rows arrive later by postMessage, so nothing
 * from the gateway is ever interpolated here.
 */
import { randomBytes } from 'node:crypto';
import { DomIds } from '../webview/dom-ids';

export interface WebviewHtmlOptions {
  /** `webview.cspSource`: where the webview may load our script and stylesheet from. */
  cspSource: string;
  /** `webview.asWebviewUri(dist/webview.js)` as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/webview.css)` as a string. */
  styleUri: string;
  /** One per render; `createNonce()` unless a test fixes it. */
  nonce?: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The Content-Security-Policy of the grid page. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // regular-table sizes columns through constructed stylesheets and element.style (CSSOM),
    // which 'unsafe-inline' does not govern; no inline <style> or style="" is needed.
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function renderWebviewHtml(options: WebviewHtmlOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = contentSecurityPolicy(options.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${attribute(options.styleUri)}">
<title>Framegate</title>
</head>
<body data-fg-state="loading">
<div id="${DomIds.toolbar}" role="toolbar">
<span id="${DomIds.title}"></span>
<span id="${DomIds.version}" hidden></span>
<span id="${DomIds.rowCount}"></span>
<button id="${DomIds.saveButton}" type="button" hidden>Save as…</button>
<button id="${DomIds.pinButton}" type="button" title="Keep this result in its own tab; the next result opens another" hidden>Pin</button>
<button id="${DomIds.rerunButton}" type="button" title="Run the query that made this result again" hidden>Run Again</button>
<button id="${DomIds.summaryButton}" type="button" title="Column profiles: nulls, distinct values, min/max/mean, histograms and top values, over all rows" aria-pressed="false">Summary</button>
<span id="${DomIds.status}" role="status"></span>
</div>
<div id="${DomIds.versionBanner}" role="status" hidden>
<span class="fg-banner-text"></span>
<button id="${DomIds.reloadButton}" type="button"></button>
<button id="${DomIds.stayButton}" type="button"></button>
</div>
<div id="${DomIds.sortBar}" hidden>
<span class="fg-sort-label">Sorted by</span>
<span id="${DomIds.sortChips}"></span>
<code id="${DomIds.sortSql}"></code>
<button id="${DomIds.copySortSql}" type="button" title="Copy the ORDER BY clause">Copy SQL</button>
</div>
<div id="${DomIds.filterBar}" hidden>
<span class="fg-sort-label">Filtered by</span>
<span id="${DomIds.filterChips}"></span>
<code id="${DomIds.viewSql}"></code>
<button id="${DomIds.copyViewSql}" type="button" title="Copy the SQL of this view" hidden>Copy SQL</button>
</div>
<div class="fg-main">
<div class="fg-grid-host"><regular-table id="${DomIds.grid}" tabindex="0" aria-label="Data grid: arrows move, Shift extends, Ctrl+C copies"></regular-table></div>
<aside id="${DomIds.summary}" aria-label="Column summary" hidden></aside>
<aside id="${DomIds.chart}" aria-label="Chart" hidden>
<div class="fg-chart-head"><span id="${DomIds.chartTitle}"></span><button id="${DomIds.saveChart}" type="button" title="Save this chart as an object others can open">Save Chart…</button><button id="${DomIds.closeChart}" type="button" aria-label="Close the chart">×</button></div>
<div class="fg-chart-box"><canvas id="${DomIds.chartCanvas}"></canvas></div>
<div id="${DomIds.chartNote}"></div>
</aside>
</div>
<div id="${DomIds.menu}" role="menu" hidden>
<button type="button" role="menuitem" data-action="tsv">Copy<span class="fg-key">Ctrl+C</span></button>
<button type="button" role="menuitem" data-action="csv">Copy as CSV</button>
<button type="button" role="menuitem" data-action="markdown">Copy as Markdown</button>
<button type="button" role="menuitem" data-action="select-all">Select All<span class="fg-key">Ctrl+A</span></button>
</div>
<div id="${DomIds.columnMenu}" role="menu" hidden>
<button type="button" role="menuitem" data-action="filter-values">Filter by Values…</button>
<button type="button" role="menuitem" data-action="filter-range">Filter by Range…</button>
<button type="button" role="menuitem" data-action="filter-text">Filter by Text…</button>
<button type="button" role="menuitem" data-action="chart">Chart…</button>
</div>
<form id="${DomIds.filterForm}" hidden></form>
<script nonce="${nonce}" src="${attribute(options.scriptUri)}"></script>
</body>
</html>
`;
}
