/**
 * The `.fgnb` file: JSON that diffs well in git and reads without a gateway. Each cell keeps its
 * SQL (or Markdown) as an array of lines, and a SQL cell the text summary of its last output
 * (run time, rows, first rows; or the error), never the data itself.
 */

export const NOTEBOOK_TYPE = 'framegate-notebook';
export const NOTEBOOK_FORMAT = 'framegate-notebook';
export const NOTEBOOK_VERSION = 1;

export interface StoredCell {
  kind: 'sql' | 'markdown';
  source: string[];
  /** The last output's text summary, one line per entry. */
  output?: string[];
}

export interface StoredNotebook {
  format: typeof NOTEBOOK_FORMAT;
  version: number;
  cells: StoredCell[];
}

export interface NotebookCellData {
  kind: 'sql' | 'markdown';
  source: string;
  output?: string;
}

function lines(text: string): string[] {
  return text === '' ? [] : text.split(/\r?\n/);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** The cells of a `.fgnb` file's text; an empty file is an empty notebook. Throws a readable error on anything else. */
export function parseNotebook(text: string): NotebookCellData[] {
  if (text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`this is not a Framegate notebook (not JSON: ${error instanceof Error ? error.message : String(error)})`);
  }
  const notebook = value as Partial<StoredNotebook> | null;
  if (!notebook || notebook.format !== NOTEBOOK_FORMAT || !Array.isArray(notebook.cells)) throw new Error('this is not a Framegate notebook (no "format": "framegate-notebook" with "cells")');
  if (typeof notebook.version !== 'number' || notebook.version > NOTEBOOK_VERSION) throw new Error(`this notebook was written by a newer Framegate (format version ${String(notebook.version)})`);
  return notebook.cells.map((cell, index) => {
    const c = cell as Partial<StoredCell> | null;
    if (!c || (c.kind !== 'sql' && c.kind !== 'markdown') || !isStringArray(c.source)) throw new Error(`cell ${index + 1} of this notebook is damaged`);
    const data: NotebookCellData = { kind: c.kind, source: c.source.join('\n') };
    if (isStringArray(c.output) && c.output.length > 0) data.output = c.output.join('\n');
    return data;
  });
}

export function serializeNotebook(cells: NotebookCellData[]): string {
  const stored: StoredNotebook = {
    format: NOTEBOOK_FORMAT,
    version: NOTEBOOK_VERSION,
    cells: cells.map((cell) => ({ kind: cell.kind, source: lines(cell.source), ...(cell.kind === 'sql' && cell.output ? { output: lines(cell.output) } : {}) })),
  };
  return `${JSON.stringify(stored, null, 2)}\n`;
}
