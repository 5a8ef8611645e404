/**
 * What client commands print. Two modes:
 * - human (default): tables (cli-table3) and short lines, colour only on a terminal;
 * - `--json`: exactly ONE JSON document per command on stdout, on one line, nothing else on stdout.
 * Errors never go to stdout (see errors.ts).
 */
import Table from 'cli-table3';
import type { ColumnInfo, FrameInfo } from '../protocol';
import { displayValue, type DecodedRows, type JsonValue } from './values';

export interface OutputTarget {
  write(text: string): void;
  readonly isTTY: boolean;
}

export const stdoutTarget: OutputTarget = {
  write: (text) => void process.stdout.write(text),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
};

export class Output {
  constructor(
    readonly json: boolean,
    private readonly target: OutputTarget = stdoutTarget,
  ) {}

  /** Prints `doc` in JSON mode, or the human rendering otherwise. */
  result(doc: unknown, human: () => string): void {
    this.target.write(this.json ? `${JSON.stringify(doc)}\n` : ensureNewline(human()));
  }

  table(head: string[], rows: string[][], alignRight: boolean[] = []): string {
    const colour = this.target.isTTY;
    const table = new Table({
      head,
      colAligns: head.map((_, i) => (alignRight[i] ? 'right' : 'left')),
      style: { compact: true, ...(colour ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] }) },
    });
    table.push(...rows);
    return table.toString();
  }

  frames(frames: FrameInfo[]): void {
    this.result({ frames }, () =>
      frames.length === 0
        ? 'no frames'
        : this.table(
            ['name', 'rows', 'columns', 'owner', 'version', 'saved at'],
            frames.map((f) => [f.name, formatCount(f.rowCount), String(f.columns.length), f.owner, String(f.version), f.createdAt]),
            [false, true, true, false, true, false],
          ),
    );
  }

  frame(frame: FrameInfo, verb?: string): void {
    this.result(frame, () => {
      const summary = `${verb ? `${verb} ` : ''}${frame.name}: ${formatCount(frame.rowCount)} rows, ${frame.columns.length} columns (version ${frame.version}, owner ${frame.owner})`;
      return verb ? summary : `${summary}\n${this.columns(frame.columns)}\nsource: ${frame.source.trim()}`;
    });
  }

  columns(columns: ColumnInfo[]): string {
    return this.table(['column', 'type'], columns.map((c) => [c.name, c.type]));
  }

  /** A window of rows: `{ rowCount, offset, columns, rows }` in JSON; a table and a footer otherwise. */
  rows(decoded: DecodedRows, meta: { rowCount: number; offset: number; columns: ColumnInfo[] }, extra: Record<string, unknown> = {}): void {
    const doc = { ...extra, rowCount: meta.rowCount, offset: meta.offset, columns: meta.columns, rows: decoded.rows };
    this.result(doc, () => {
      const types = new Map(meta.columns.map((c) => [c.name, c.type]));
      const body = this.table(
        decoded.columns,
        decoded.rows.map((row) => decoded.columns.map((c) => displayValue(row[c] ?? (null as JsonValue)))),
        decoded.columns.map((c) => isNumericType(types.get(c))),
      );
      const shown = decoded.rows.length;
      const range = shown === 0 ? 'no rows' : `rows ${formatCount(meta.offset + 1)}–${formatCount(meta.offset + shown)}`;
      return `${body}\n${range} of ${formatCount(meta.rowCount)}`;
    });
  }
}

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL)\b/i;

function isNumericType(type: string | undefined): boolean {
  return type !== undefined && NUMERIC_TYPE.test(type);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
