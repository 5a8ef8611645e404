/**
 * Column profiles, the same on every engine: which statistics a column gets by its type family,
 * the SQL that computes them (in the common subset every engine speaks, through a small dialect
 * for quoting and casts) and how the rows it returns become `ColumnProfile`s. An engine runs it on
 * its own connection, with its own locking and timeout (EngineSession.profile).
 *
 * Cost: one aggregate scan for counts, distinct counts, min, max and mean of every column, then
 * one grouped scan per column for its histogram or its top values. The gateway keeps a frame
 * version's profile in its catalog, so this runs once per version.
 */
import type { ColumnInfo, ColumnProfile, ProfileBin, ProfileValue } from '../../protocol';

export const HISTOGRAM_BINS = 20;
export const TOP_VALUES = 10;

/** How a column is profiled. */
export type ProfileFamily = 'numeric' | 'timestamp' | 'date' | 'nested' | 'binary' | 'other';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC|BYTE|SHORT|LONG|INT\d+|UINT\d+|FLOAT\d+)\b/;

/** The family of an engine type name (DuckDB's `INTEGER[]`, `STRUCT(…)`; Spark's `array<int>`, `decimal(10,2)`, …). */
export function profileFamily(type: string): ProfileFamily {
  const upper = type.trim().toUpperCase();
  if (/\[\]$|^(STRUCT|MAP|ARRAY|LIST|UNION)\s*[(<]/.test(upper)) return 'nested';
  if (upper === 'DATE') return 'date';
  if (upper.startsWith('TIMESTAMP')) return 'timestamp';
  if (NUMERIC.test(upper)) return 'numeric';
  if (/^(BLOB|BINARY|BYTEA|VARBINARY)\b/.test(upper)) return 'binary';
  return 'other';
}

/** The few spellings in which engines differ. */
export interface ProfileDialect {
  quote(name: string): string;
  /** The value as text, e.g. `CAST(x AS VARCHAR)`. */
  text(expression: string): string;
  /** The value as a double. */
  double(expression: string): string;
  /** A date or timestamp as seconds since the epoch, a double. */
  epochSeconds(expression: string): string;
}

/** Runs one query and returns its rows as plain objects (counts may be bigint). */
export type RowsFn = (sql: string) => Promise<Record<string, unknown>[]>;

function num(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function str(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** A number as SQL reads it (doubles in scientific notation are fine in every engine). */
function literal(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e15 ? value.toFixed(1) : value.toExponential(17);
}

/** A bin edge for people: six significant digits, or the date/time it is. */
function edgeText(value: number, family: ProfileFamily): string {
  if (family === 'date') return new Date(Math.round(value * 1000)).toISOString().slice(0, 10);
  if (family === 'timestamp') return new Date(Math.round(value * 1000)).toISOString();
  return String(Number(value.toPrecision(6)));
}

interface Plan {
  column: ColumnInfo;
  family: ProfileFamily;
  /** The column as SQL names it. */
  ref: string;
  /** The numeric domain its histogram is over (double, or epoch seconds). */
  domain?: string;
}

function plans(columns: ColumnInfo[], dialect: ProfileDialect): Plan[] {
  return columns.map((column) => {
    const family = profileFamily(column.type);
    const ref = dialect.quote(column.name);
    const domain = family === 'numeric' ? dialect.double(ref) : family === 'date' || family === 'timestamp' ? dialect.epochSeconds(ref) : undefined;
    return { column, family, ref, ...(domain ? { domain } : {}) };
  });
}

function aggregatesSql(table: string, all: Plan[], dialect: ProfileDialect): string {
  const items = ['count(*) AS n'];
  all.forEach((p, i) => {
    items.push(`count(${p.ref}) AS c${i}`);
    if (p.family === 'nested') return;
    items.push(`count(DISTINCT ${p.ref}) AS d${i}`);
    if (p.family === 'binary') return;
    items.push(`${dialect.text(`min(${p.ref})`)} AS lo${i}`, `${dialect.text(`max(${p.ref})`)} AS hi${i}`);
    if (p.family === 'numeric') items.push(`avg(${p.domain!}) AS m${i}`);
    if (p.domain) items.push(`min(${p.domain}) AS a${i}`, `max(${p.domain}) AS b${i}`);
  });
  return `SELECT ${items.join(', ')} FROM ${table}`;
}

async function histogram(table: string, plan: Plan, low: number, high: number, count: number, rows: RowsFn): Promise<ProfileBin[]> {
  if (high <= low) return [{ lo: edgeText(low, plan.family), hi: edgeText(high, plan.family), count }];
  const width = (high - low) / HISTOGRAM_BINS;
  const bin = `least(CAST(floor((${plan.domain!} - ${literal(low)}) / ${literal(width)}) AS BIGINT), ${HISTOGRAM_BINS - 1})`;
  const found = await rows(`SELECT ${bin} AS bin, count(*) AS n FROM ${table} WHERE ${plan.ref} IS NOT NULL GROUP BY 1`);
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const row of found) {
    const index = num(row.bin);
    if (index !== undefined) counts[Math.min(HISTOGRAM_BINS - 1, Math.max(0, index))]! += num(row.n) ?? 0;
  }
  return counts.map((n, i) => ({
    lo: edgeText(low + i * width, plan.family),
    hi: edgeText(i === HISTOGRAM_BINS - 1 ? high : low + (i + 1) * width, plan.family),
    count: n,
  }));
}

async function topValues(table: string, plan: Plan, dialect: ProfileDialect, rows: RowsFn): Promise<ProfileValue[]> {
  const found = await rows(
    `SELECT ${dialect.text(plan.ref)} AS v, count(*) AS n FROM ${table} WHERE ${plan.ref} IS NOT NULL GROUP BY ${plan.ref} ORDER BY n DESC, v LIMIT ${TOP_VALUES}`,
  );
  return found.map((row) => ({ value: str(row.v) ?? '', count: num(row.n) ?? 0 }));
}

/** Profiles every column of `table` (a qualified name the engine reads). */
export async function profileTable(table: string, columns: ColumnInfo[], dialect: ProfileDialect, rows: RowsFn): Promise<ColumnProfile[]> {
  const all = plans(columns, dialect);
  if (all.length === 0) return [];
  const totals = (await rows(aggregatesSql(table, all, dialect)))[0] ?? {};
  const total = num(totals.n) ?? 0;
  const profiles: ColumnProfile[] = [];
  for (const [i, plan] of all.entries()) {
    const count = num(totals[`c${i}`]) ?? 0;
    const profile: ColumnProfile = { name: plan.column.name, type: plan.column.type, count, nulls: total - count };
    const distinct = num(totals[`d${i}`]);
    if (distinct !== undefined) profile.distinct = distinct;
    const min = str(totals[`lo${i}`]);
    const max = str(totals[`hi${i}`]);
    if (min !== undefined) profile.min = min;
    if (max !== undefined) profile.max = max;
    const mean = num(totals[`m${i}`]);
    if (mean !== undefined) profile.mean = mean;
    const low = num(totals[`a${i}`]);
    const high = num(totals[`b${i}`]);
    if (count > 0 && plan.domain && low !== undefined && high !== undefined) profile.histogram = await histogram(table, plan, low, high, count, rows);
    else if (count > 0 && plan.family === 'other') profile.top = await topValues(table, plan, dialect, rows);
    profiles.push(profile);
  }
  return profiles;
}
