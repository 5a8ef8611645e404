/**
 * What client commands print. Two modes:
 * - human (default): tables (cli-table3) and short lines, colour only on a terminal;
 * - `--json`: exactly ONE JSON document per command on stdout, on one line, nothing else on stdout.
 * Errors never go to stdout (see errors.ts).
 */
import Table from 'cli-table3';
import type { ColumnInfo, FrameInfo, FrameScope, GrantInfo, GroupInfo, ListUsersResult } from '../protocol';
import { formatSize } from './units';
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

  /** Frames in sections: mine, shared with me, team-wide (and, for admins, everyone else's). */
  frames(frames: FrameInfo[]): void {
    this.result({ frames }, () => {
      if (frames.length === 0) return 'no frames you can see (framegate put FILE --as NAME makes one)';
      const sections: string[] = [];
      for (const scope of SCOPE_ORDER) {
        const shown = frames.filter((f) => f.scope === scope);
        if (shown.length === 0) continue;
        const [head, row] = SECTION_COLUMNS[scope];
        sections.push(
          `${SCOPE_TITLES[scope]}\n${this.table(
            ['name', 'rows', 'columns', 'version', 'size', 'all versions', ...head],
            shown.map((f) => [f.name, formatCount(f.rowCount), String(f.columns.length), String(f.version), formatSize(f.bytes), formatSize(f.storedBytes), ...row(f)]),
            [false, true, true, true, true, true],
          )}`,
        );
      }
      return sections.join('\n\n');
    });
  }

  users({ users, groups }: ListUsersResult): void {
    this.result({ users, groups }, () =>
      this.table(
        ['user', 'admin', 'team writer', 'groups', 'storage limit', 'since'],
        users.map((u) => [
          u.name,
          u.admin ? 'yes' : '',
          u.teamWriter ? 'yes' : '',
          u.groups.join(', '),
          u.storageLimitBytes === null ? '' : formatSize(u.storageLimitBytes),
          u.createdAt.slice(0, 10),
        ]),
      ),
    );
  }

  groups(groups: GroupInfo[]): void {
    this.result({ groups }, () => (groups.length === 0 ? 'no groups' : this.table(['group', 'members'], groups.map((g) => [g.name, g.members.join(', ')]))));
  }

  frame(frame: FrameInfo, verb?: string): void {
    this.result(frame, () => {
      const summary = `${verb ? `${verb} ` : ''}${frame.name}: ${formatCount(frame.rowCount)} rows, ${frame.columns.length} columns, ${formatSize(frame.bytes)} (version ${frame.version}, owner ${frame.owner})`;
      if (verb) return summary;
      const access = [frame.canWrite ? 'you may read and save new versions' : 'you may read', ...(frame.sharedBy ? [`shared with you by ${frame.sharedBy}`] : [])];
      const grants = frame.grants?.length ? `\nshared with: ${frame.grants.map(grantText).join(', ')}` : frame.canManage ? '\nshared with: nobody (private)' : '';
      return `${summary}\n${this.columns(frame.columns)}\nsaved by ${frame.author} at ${frame.createdAt}; ${access.join('; ')}${grants}\nsource: ${frame.source.trim()}`;
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

const SCOPE_ORDER: FrameScope[] = ['mine', 'shared', 'team', 'admin'];
const SCOPE_TITLES: Record<FrameScope, string> = { mine: 'Mine', shared: 'Shared with me', team: 'Team', admin: 'Others (visible to you as admin)' };

function grantText(grant: GrantInfo): string {
  const who = grant.to.kind === 'team' ? 'team' : grant.to.kind === 'group' ? `group ${grant.to.name}` : grant.to.name;
  return grant.write ? `${who} (write)` : who;
}

const SECTION_COLUMNS: Record<FrameScope, [string[], (f: FrameInfo) => string[]]> = {
  mine: [['shared with'], (f) => [(f.grants ?? []).map(grantText).join(', ')]],
  shared: [['owner', 'shared by', 'access'], (f) => [f.owner, f.sharedBy ?? '', f.canWrite ? 'read, write' : 'read']],
  team: [['owner', 'access'], (f) => [f.owner, f.canWrite ? 'read, write' : 'read']],
  admin: [['owner', 'shared with'], (f) => [f.owner, (f.grants ?? []).map(grantText).join(', ')]],
};

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
