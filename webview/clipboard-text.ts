/**
 * A selection as clipboard text: TSV (what spreadsheets paste), CSV, or a Markdown table. Pure.
 * Quoting is papaparse's: fields holding the delimiter, quotes or line breaks are quoted, quotes
 * doubled, so a tab or newline inside a value never splits a cell.
 */
import Papa from 'papaparse';

export type CopyFormat = 'tsv' | 'csv' | 'markdown';

export const COPY_FORMAT_NAMES: Record<CopyFormat, string> = { tsv: 'TSV', csv: 'CSV', markdown: 'Markdown' };

export interface CopyTable {
  header: string[];
  /** Row-major text cells. */
  rows: string[][];
  /** Markdown column alignment. */
  align?: ('left' | 'right')[];
}

function delimited(table: CopyTable, delimiter: string, withHeader: boolean): string {
  return Papa.unparse(withHeader ? { fields: table.header, data: table.rows } : table.rows, { delimiter, newline: '\n', header: withHeader, quotes: false });
}

function markdownCell(text: string): string {
  // Pipes would end the cell; line breaks the row.
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function markdown(table: CopyTable): string {
  const line = (cells: string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  const rule = table.header.map((_, i) => (table.align?.[i] === 'right' ? '---:' : '---'));
  return [line(table.header), `| ${rule.join(' | ')} |`, ...table.rows.map(line)].join('\n');
}

export function clipboardText(table: CopyTable, format: CopyFormat, withHeader = true): string {
  switch (format) {
    case 'tsv':
      return delimited(table, '\t', withHeader);
    case 'csv':
      return delimited(table, ',', withHeader);
    case 'markdown':
      return markdown(table);
  }
}
