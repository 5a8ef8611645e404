/** Pure helpers behind the commands: parsing and validating what the user typed. */
import { basename, extname } from 'node:path';
import { FRAME_NAME_PATTERN, type ColumnInfo, type FileFormat, type FrameInfo, type Methods, type ParamsOf, type WhoAmIResult } from '../protocol';

type SelectParams = ParamsOf<typeof Methods.select>;

/** Why `value` is not a valid frame name, or undefined when it is (for input box validation). */
export function validateFrameName(value: string): string | undefined {
  const name = value.trim();
  if (name === '') return 'Enter a name, e.g. "sales_eu" or "alice.sales_eu".';
  if (!FRAME_NAME_PATTERN.test(name)) {
    return 'A frame name is letters, digits and _ (not starting with a digit), optionally prefixed by a namespace: "sales" or "alice.sales".';
  }
  return undefined;
}

/** A frame name suggested for a loaded file: its base name made into an identifier. */
export function suggestFrameName(path: string): string {
  const stem = basename(path.trim(), extname(path.trim()))
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63);
  if (stem === '') return 'loaded';
  return /^[0-9]/.test(stem) ? `f_${stem}`.slice(0, 63) : stem;
}

/** The file format for a path, when its extension tells; the gateway guesses otherwise. */
export function formatOfPath(path: string): FileFormat | undefined {
  const ext = extname(path.trim()).toLowerCase().replace(/^\./, '');
  const aliases: Record<string, FileFormat> = { csv: 'csv', tsv: 'csv', parquet: 'parquet', pq: 'parquet', json: 'json', ndjson: 'json', jsonl: 'json' };
  return aliases[ext];
}

export function validateServerPath(value: string): string | undefined {
  return value.trim() === '' ? 'Enter a path on the gateway machine (inside one of its import directories).' : undefined;
}

export function validateFilter(value: string): string | undefined {
  if (value.trim() === '') return "Enter a SQL condition, e.g. region = 'EU' AND amount > 100";
  if (value.length > 10_000) return 'The filter is longer than 10,000 characters.';
  return undefined;
}

export function validateSql(value: string): string | undefined {
  return value.trim() === '' ? 'Enter a SELECT query, e.g. SELECT region, sum(amount) FROM sales GROUP BY region' : undefined;
}

/** `query/select` params; columns in the frame's order, omitted when all are chosen. */
export function buildSelectParams(frame: FrameInfo, input: { columns?: readonly string[]; filter?: string }): SelectParams {
  const params: SelectParams = { from: frame.name };
  if (input.columns !== undefined) {
    const chosen = new Set(input.columns);
    const unknown = input.columns.filter((c) => !frame.columns.some((col) => col.name === c));
    if (unknown.length > 0) throw new Error(`${frame.name} has no column ${unknown.map((c) => `"${c}"`).join(', ')}`);
    if (chosen.size === 0) throw new Error('Choose at least one column.');
    if (chosen.size < frame.columns.length) params.columns = frame.columns.filter((c) => chosen.has(c.name)).map((c) => c.name);
  }
  const filter = input.filter?.trim();
  if (filter) params.filter = filter;
  return params;
}

/** Quick-pick items for choosing columns (all picked to start with). */
export function columnPickItems(columns: readonly ColumnInfo[]): { label: string; description: string; picked: boolean }[] {
  return columns.map((c) => ({ label: c.name, description: c.type, picked: true }));
}

/**
 * The prompt and placeholder for the name of a frame to save: a bare name goes to your own
 * namespace (the gateway's rule), `main.x` to the team's when you may write there.
 */
export function saveNamePrompt(me: WhoAmIResult | undefined): { prompt: string; placeHolder: string } {
  if (!me) return { prompt: 'Name of the new frame (a bare name saves in your own namespace)', placeHolder: 'sales_eu' };
  const team = me.admin || me.teamWriter ? `, ${me.teamNamespace}.NAME in the team namespace` : '';
  return {
    prompt: `Name of the new frame: a bare name saves as ${me.namespace}.NAME${team}`,
    placeHolder: `sales_eu (saves as ${me.namespace}.sales_eu)`,
  };
}

/** A short human title for a query result grid. */
export function resultTitle(sql: string): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return oneLine.length > 60 ? `Result: ${oneLine.slice(0, 57)}…` : `Result: ${oneLine}`;
}
