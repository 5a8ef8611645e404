/**
 * Stable hooks into the grid webview's DOM, for the UI tests (test/ui) and for the HTML template.
 * Change them only together with those tests.
 */
export const DomIds = {
  /** The toolbar above the grid. */
  toolbar: 'fg-toolbar',
  /** The grid's title (frame name or result description). */
  title: 'fg-title',
  /** "N rows" text; carries `data-row-count` with the exact number. */
  rowCount: 'fg-row-count',
  /** The "Save as…" button, shown only for results. */
  saveButton: 'fg-save-as',
  /** The "Pin" button: keep this result in its own tab. Shown only for results in a reused panel. */
  pinButton: 'fg-pin',
  /** "Run Again": shown when a result is gone (gateway restarted, window reloaded). */
  rerunButton: 'fg-rerun',
  /** Shows or hides the summary panel (column profiles). */
  summaryButton: 'fg-summary-toggle',
  /** The summary panel: a `.fg-profile` card per column (`data-column`), facts as `dd[data-fact]`. */
  summary: 'fg-summary',
  /** Error / status line. */
  status: 'fg-status',
  /** The bar above the grid showing the active sort; hidden when unsorted. */
  sortBar: 'fg-sort-bar',
  /** The sort's keys as chips (`.fg-chip`, each with `data-column`, `data-sort` and a remove button). */
  sortChips: 'fg-sort-chips',
  /** The SQL the sort amounts to (`ORDER BY "a" DESC, "b"`). */
  sortSql: 'fg-sort-sql',
  /** Copies that SQL. */
  copySortSql: 'fg-copy-sort-sql',
  /** The grid's context menu (copy as TSV, CSV, Markdown). */
  menu: 'fg-menu',
  /** A column header's menu (right click on its name): filters and Chart…; items carry `data-action`. */
  columnMenu: 'fg-column-menu',
  /** The form a filter opens from the column menu. */
  filterForm: 'fg-filter-form',
  /** The bar showing the active filters; hidden without filters. */
  filterBar: 'fg-filter-bar',
  /** The filters as chips (`.fg-chip`, with `data-column`, `data-filter` and a remove button). */
  filterChips: 'fg-filter-chips',
  /** The SQL the view amounts to, as the gateway wrote it (`SELECT * FROM … WHERE … ORDER BY …`). */
  viewSql: 'fg-view-sql',
  copyViewSql: 'fg-copy-view-sql',
  /** The chart panel: `data-chart-state` is `loading`, `drawn` or `error`; `data-chart-points` the points drawn. */
  chart: 'fg-chart',
  chartTitle: 'fg-chart-title',
  chartNote: 'fg-chart-note',
  chartCanvas: 'fg-chart-canvas',
  saveChart: 'fg-save-chart',
  closeChart: 'fg-close-chart',
  /** The `<regular-table>` element. */
  grid: 'fg-grid',
  /** A frame preview's version ("v3"), after the title. */
  version: 'fg-version',
  /** The bar saying a newer version exists (or why the version shown changed), with its buttons. */
  versionBanner: 'fg-version-banner',
  /** Shows the newer version. */
  reloadButton: 'fg-reload',
  /** Keeps the version shown (the grid becomes one of `NAME@N`). */
  stayButton: 'fg-stay',
} as const;

export const Selectors = {
  toolbar: `#${DomIds.toolbar}`,
  title: `#${DomIds.title}`,
  rowCount: `#${DomIds.rowCount}`,
  saveButton: `#${DomIds.saveButton}`,
  pinButton: `#${DomIds.pinButton}`,
  rerunButton: `#${DomIds.rerunButton}`,
  summaryButton: `#${DomIds.summaryButton}`,
  summary: `#${DomIds.summary}`,
  /** A column's card in the summary panel: add `[data-column="name"]`. */
  profileCard: `#${DomIds.summary} .fg-profile`,
  /** Column header cells holding a column's profile summary (nulls, distinct); click for its card. */
  columnProfile: `#${DomIds.grid} thead th.fg-col-profile`,
  status: `#${DomIds.status}`,
  sortBar: `#${DomIds.sortBar}`,
  sortChip: `#${DomIds.sortChips} .fg-chip`,
  sortChipRemove: `#${DomIds.sortChips} .fg-chip-remove`,
  sortSql: `#${DomIds.sortSql}`,
  copySortSql: `#${DomIds.copySortSql}`,
  menu: `#${DomIds.menu}`,
  columnMenu: `#${DomIds.columnMenu}`,
  /** Column menu items; `data-action` is "filter-values" | "filter-range" | "filter-text" | "chart". */
  columnMenuItem: `#${DomIds.columnMenu} [role="menuitem"]`,
  filterForm: `#${DomIds.filterForm}`,
  filterBar: `#${DomIds.filterBar}`,
  filterChip: `#${DomIds.filterChips} .fg-chip`,
  filterChipRemove: `#${DomIds.filterChips} .fg-chip-remove`,
  viewSql: `#${DomIds.viewSql}`,
  chart: `#${DomIds.chart}`,
  chartCanvas: `#${DomIds.chartCanvas}`,
  saveChart: `#${DomIds.saveChart}`,
  /** Context menu items; carry `data-action` ("tsv" | "csv" | "markdown" | "select-all"). */
  menuItem: `#${DomIds.menu} [role="menuitem"]`,
  grid: `#${DomIds.grid}`,
  version: `#${DomIds.version}`,
  versionBanner: `#${DomIds.versionBanner}`,
  versionBannerText: `#${DomIds.versionBanner} .fg-banner-text`,
  reloadButton: `#${DomIds.reloadButton}`,
  stayButton: `#${DomIds.stayButton}`,
  /** Column header cells holding a column name; carry `data-column`, `data-sort` ("asc" | "desc" | "none") and `data-sort-index`. */
  columnHeader: `#${DomIds.grid} thead th.fg-col-name`,
  /** Column header cells holding a column type. */
  columnType: `#${DomIds.grid} thead th.fg-col-type`,
  /** Body cells of the grid; carry `data-row` and `data-col` (data coordinates, 0-based). */
  cell: `#${DomIds.grid} tbody td`,
  /** Selected body cells. */
  selectedCell: `#${DomIds.grid} tbody td.fg-selected`,
  /** The cell cursor. */
  cursorCell: `#${DomIds.grid} tbody td.fg-cursor`,
  /** NULL cells. */
  nullCell: `#${DomIds.grid} tbody td.fg-null`,
  /** Row-number cells; carry `data-row`. */
  rowHeader: `#${DomIds.grid} tbody th`,
} as const;

/**
 * Attribute set on `<body>`: `loading`, then `ready` once the first window has been drawn, `gone`
 * when what it showed is gone (deleted frame, lost result).
 */
export const READY_ATTRIBUTE = 'data-fg-state';
