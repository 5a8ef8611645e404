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
  /** Error / status line. */
  status: 'fg-status',
  /** The `<regular-table>` element. */
  grid: 'fg-grid',
} as const;

export const Selectors = {
  toolbar: `#${DomIds.toolbar}`,
  title: `#${DomIds.title}`,
  rowCount: `#${DomIds.rowCount}`,
  saveButton: `#${DomIds.saveButton}`,
  status: `#${DomIds.status}`,
  grid: `#${DomIds.grid}`,
  /** Column header cells holding a column name; carry `data-column` and `data-sort` ("asc" | "desc" | "none"). */
  columnHeader: `#${DomIds.grid} thead th.fg-col-name`,
  /** Column header cells holding a column type. */
  columnType: `#${DomIds.grid} thead th.fg-col-type`,
  /** Body cells of the grid. */
  cell: `#${DomIds.grid} tbody td`,
  /** Row-number cells. */
  rowHeader: `#${DomIds.grid} tbody th`,
} as const;

/** Attribute set on `<body>` once the first window has been drawn (`data-fg-state="ready"`). */
export const READY_ATTRIBUTE = 'data-fg-state';
