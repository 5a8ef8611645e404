/**
 * What one statement refers to and what a cursor in it is at, read from its tokens (sql-text.ts)
 * so that half-typed SQL still answers: the frames of its FROM/JOIN clauses with their aliases,
 * its CTEs and subqueries in FROM, and whether the cursor is where a frame or an expression goes.
 * The gateway completes from this; the language server finds the frame under the cursor with it.
 */
import { identifierName, isKeyword, tokenize, type SqlToken } from './sql-text';

/** A frame (or CTE) named in a FROM or JOIN clause. */
export interface TableMention {
  /** Identifier parts as written, quotes removed: `["main", "sales"]`. */
  parts: string[];
  /** `AT (VERSION => n)` or a quoted `name@n`. */
  version?: number;
  alias?: string;
  /** Offsets of the name (without alias). */
  start: number;
  end: number;
}

/** A query whose columns a name stands for: a CTE (`WITH name AS (…)`) or a subquery in FROM. */
export interface DerivedTable {
  name: string;
  /** `WITH name (a, b) AS …`: its column names. */
  columns?: string[];
  /** Offsets of the query inside the parentheses. */
  bodyStart: number;
  bodyEnd: number;
  kind: 'cte' | 'subquery';
}

export interface StatementOutline {
  tables: TableMention[];
  derived: DerivedTable[];
}

export interface CursorContext {
  /** The word being typed (its start to the cursor); empty at a fresh position. */
  from: number;
  to: number;
  prefix: string;
  /** Names before a `.` right before the word: `s.` gives `["s"]`, `main.sales.` two. */
  qualifier: string[];
  /** Where a frame goes (after FROM, JOIN, or a comma of a FROM list), or anywhere else. */
  position: 'table' | 'expression';
}

/** Words that end a FROM item (so they are never taken for an alias). */
const CLAUSE_WORDS = new Set([
  'WHERE', 'GROUP', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'QUALIFY', 'WINDOW', 'UNION', 'INTERSECT', 'EXCEPT', 'JOIN', 'INNER', 'LEFT',
  'RIGHT', 'FULL', 'OUTER', 'CROSS', 'NATURAL', 'ASOF', 'POSITIONAL', 'ANTI', 'SEMI', 'LATERAL', 'ON', 'USING', 'SELECT', 'FROM', 'AS',
  'AT', 'TABLESAMPLE', 'USING', 'PIVOT', 'UNPIVOT', 'FETCH', 'FOR', 'WITH', 'VALUES', 'AND', 'OR', 'NOT',
]);
/** Functions whose arguments use FROM (`EXTRACT(year FROM ts)`): no table follows it there. */
const FROM_IN_ARGUMENTS = new Set(['EXTRACT', 'SUBSTRING', 'TRIM', 'OVERLAY', 'POSITION']);

const isName = (t: SqlToken | undefined): t is SqlToken => t !== undefined && (t.kind === 'word' || t.kind === 'quoted');
const isPunct = (t: SqlToken | undefined, text: string): boolean => t?.kind === 'punct' && t.text === text;

/** Index of the `)` matching the `(` at `open`, or the last token if unclosed. */
function closing(tokens: SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    else if (isPunct(tokens[i], ')') && --depth === 0) return i;
  }
  return tokens.length - 1;
}

/** Index of the `(` whose group holds token `index`, or -1 at the top level. */
function enclosingOpen(tokens: SqlToken[], index: number): number {
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    if (isPunct(tokens[i], ')')) depth++;
    else if (isPunct(tokens[i], '(')) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function bodyRange(sql: string, tokens: SqlToken[], open: number, close: number): { bodyStart: number; bodyEnd: number } {
  const end = isPunct(tokens[close], ')') ? tokens[close]!.start : sql.length;
  return { bodyStart: tokens[open]!.end, bodyEnd: end };
}

/** An alias after a FROM item at `i`: `[AS] name`; returns it and the index after it. */
function aliasAt(tokens: SqlToken[], i: number): { alias?: string; next: number } {
  let j = i;
  if (isKeyword(tokens[j], 'AS')) j++;
  const t = tokens[j];
  if (isName(t) && !(t.kind === 'word' && CLAUSE_WORDS.has(t.text.toUpperCase()))) {
    let next = j + 1;
    if (isPunct(tokens[next], '(')) next = closing(tokens, next) + 1; // column aliases: t(a, b)
    return { alias: identifierName(t), next };
  }
  return { next: i };
}

/** A quoted `"sales@3"`: the name and its version. */
function splitVersion(name: string): { name: string; version?: number } {
  const match = /^(.+)@([1-9][0-9]{0,8})$/.exec(name);
  return match ? { name: match[1]!, version: Number(match[2]) } : { name };
}

/** Reads the FROM items starting at token `i` (comma-separated after FROM, one after JOIN). */
function readFromItems(sql: string, tokens: SqlToken[], i: number, list: boolean, outline: StatementOutline): void {
  for (;;) {
    const t = tokens[i];
    if (isKeyword(t, 'LATERAL')) i++;
    if (isPunct(tokens[i], '(')) {
      const close = closing(tokens, i);
      const { alias, next } = aliasAt(tokens, close + 1);
      if (alias && isKeyword(tokens[i + 1], 'SELECT', 'WITH', 'FROM', 'VALUES')) outline.derived.push({ name: alias, kind: 'subquery', ...bodyRange(sql, tokens, i, close) });
      i = next;
    } else if (isName(tokens[i])) {
      const first = tokens[i]!;
      const parts = [identifierName(first)];
      let last = first;
      while (isPunct(tokens[i + 1], '.') && isName(tokens[i + 2])) {
        last = tokens[i + 2]!;
        parts.push(identifierName(last));
        i += 2;
      }
      i++;
      if (isPunct(tokens[i], '(')) {
        i = aliasAt(tokens, closing(tokens, i) + 1).next; // a table function
      } else {
        const { name, version } = splitVersion(parts.at(-1)!);
        const mention: TableMention = { parts: [...parts.slice(0, -1), name], start: first.start, end: last.end };
        if (version !== undefined) mention.version = version;
        if (isKeyword(tokens[i], 'AT') && isPunct(tokens[i + 1], '(')) {
          const close = closing(tokens, i + 1);
          const number = tokens.slice(i + 2, close).find((x) => x.kind === 'number');
          if (number) mention.version = Number(number.text);
          i = close + 1;
        }
        const { alias, next } = aliasAt(tokens, i);
        if (alias) mention.alias = alias;
        outline.tables.push(mention);
        i = next;
      }
    } else return;
    if (!list || !isPunct(tokens[i], ',')) return;
    i++;
  }
}

/** `WITH [RECURSIVE] a [(cols)] AS [NOT] [MATERIALIZED] (…), b AS (…)` at token `i`. */
function readCtes(sql: string, tokens: SqlToken[], i: number, outline: StatementOutline): void {
  if (isKeyword(tokens[i], 'RECURSIVE')) i++;
  while (isName(tokens[i])) {
    const name = identifierName(tokens[i]!);
    i++;
    let columns: string[] | undefined;
    if (isPunct(tokens[i], '(')) {
      const close = closing(tokens, i);
      columns = tokens.slice(i + 1, close).filter(isName).map(identifierName);
      i = close + 1;
    }
    if (!isKeyword(tokens[i], 'AS')) return;
    i++;
    while (isKeyword(tokens[i], 'NOT', 'MATERIALIZED')) i++;
    if (!isPunct(tokens[i], '(')) return;
    const close = closing(tokens, i);
    outline.derived.push({ name, kind: 'cte', ...(columns ? { columns } : {}), ...bodyRange(sql, tokens, i, close) });
    i = close + 1;
    if (!isPunct(tokens[i], ',')) return;
    i++;
  }
}

/** The frames, CTEs and subqueries `sql` (one statement) names. */
export function outlineStatement(sql: string, tokens: SqlToken[] = tokenize(sql)): StatementOutline {
  const outline: StatementOutline = { tables: [], derived: [] };
  tokens.forEach((t, i) => {
    if (isKeyword(t, 'WITH')) readCtes(sql, tokens, i + 1, outline);
    else if (isKeyword(t, 'FROM')) {
      const open = enclosingOpen(tokens, i);
      const fn = open > 0 ? tokens[open - 1] : undefined;
      if (!(fn?.kind === 'word' && FROM_IN_ARGUMENTS.has(fn.text.toUpperCase()))) readFromItems(sql, tokens, i + 1, true, outline);
    } else if (isKeyword(t, 'JOIN')) readFromItems(sql, tokens, i + 1, false, outline);
    // `… JOIN b ON a.x = b.x, c`: the FROM list goes on after a join condition.
    else if (isPunct(t, ',') && clauseOf(tokens, i) === 'ON') readFromItems(sql, tokens, i + 1, true, outline);
  });
  // Later commas of a list read after a join condition read its rest again: once each.
  const once = <T>(items: T[], key: (item: T) => number): T[] => items.filter((item, index) => items.findIndex((other) => key(other) === key(item)) === index);
  return { tables: once(outline.tables, (t) => t.start), derived: once(outline.derived, (d) => d.bodyStart) };
}

/** The clause keyword a token at `index` belongs to, at its own parenthesis depth. */
function clauseOf(tokens: SqlToken[], index: number): string | undefined {
  let depth = 0;
  for (let i = index - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (isPunct(t, ')')) depth++;
    else if (isPunct(t, '(')) {
      if (depth === 0) return undefined;
      depth--;
    } else if (depth === 0 && isKeyword(t, 'FROM', 'SELECT', 'WHERE', 'GROUP', 'ORDER', 'HAVING', 'ON', 'USING', 'LIMIT', 'QUALIFY', 'JOIN')) return t.text.toUpperCase();
  }
  return undefined;
}

function lastIndexBefore(tokens: SqlToken[], offset: number): number {
  let found = -1;
  tokens.forEach((t, i) => {
    if (t.end <= offset) found = i;
  });
  return found;
}

/** What the cursor at `offset` in `sql` (one statement) is at. */
export function cursorContext(sql: string, offset: number, tokens: SqlToken[] = tokenize(sql)): CursorContext {
  // The word being typed: a name token the cursor is inside or right after.
  let index = tokens.findIndex((t) => t.end >= offset);
  if (index < 0) index = tokens.length;
  const current = tokens[index];
  const typing = current && isName(current) && current.start < offset && offset <= current.end ? current : undefined;
  const from = typing ? typing.start : offset;
  const prefix = typing ? identifierName({ ...typing, text: sql.slice(typing.start, offset) }) : '';
  let before = typing ? index - 1 : lastIndexBefore(tokens, offset);
  const qualifier: string[] = [];
  while (isPunct(tokens[before], '.') && tokens[before]!.end === (qualifier.length === 0 ? from : tokens[before + 1]!.start) && isName(tokens[before - 1])) {
    qualifier.unshift(identifierName(tokens[before - 1]!));
    before -= 2;
  }
  const anchor = tokens[before];
  const inTable = isKeyword(anchor, 'FROM', 'JOIN') || (isPunct(anchor, ',') && ['FROM', 'ON'].includes(clauseOf(tokens, before) ?? ''));
  const position = inTable && !(isKeyword(anchor, 'FROM') && FROM_IN_ARGUMENTS.has(tokens[enclosingOpen(tokens, before) - 1]?.text.toUpperCase() ?? '')) ? 'table' : 'expression';
  return { from, to: offset, prefix, qualifier, position };
}

/** The frame mention (in FROM/JOIN) whose name spans `offset`, if any. */
export function tableMentionAt(sql: string, offset: number): TableMention | undefined {
  return outlineStatement(sql).tables.find((t) => t.start <= offset && offset <= t.end);
}
