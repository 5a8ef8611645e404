/**
 * A lexer for Spark SQL, just precise enough to find identifier chains (`alice.sales`,
 * `` `sales@2` ``) and what follows them, with their exact positions in the text. Spark's own
 * parser decides what the query means (guard.ts reads its parsed plan); this lexer only locates
 * the names that plan mentions, so the binder can rewrite them, and the rewritten text is parsed
 * by Spark again and compared (binder.ts). Quoting rules as the engine's sessions are configured:
 * backquotes and (ANSI, `spark.sql.ansi.doubleQuotedIdentifiers`) double quotes delimit
 * identifiers, single quotes strings with backslash escapes, `r'…'` raw strings; `--` and nested
 * `/* … *\/` comments (hints `/*+ … *\/` included) are skipped.
 */

export type TokenKind = 'ident' | 'string' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  /** For identifiers the unquoted name, for punctuation the character(s), else the raw text. */
  value: string;
  /** Quoted identifiers keep their case and may hold any character. */
  quoted: boolean;
  start: number;
  end: number;
}

export class LexError extends Error {}

const IDENT_CHAR = /[\p{L}\p{N}_$]/u;
const DIGIT = /[0-9]/;

/** Reads a quoted token; `doubled` quotes stand for one, backslashes escape the next character. */
function readQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean, doubled: boolean): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslashEscapes && c === '\\' && i + 1 < sql.length) {
      value += sql[i + 1];
      i += 2;
      continue;
    }
    if (c === quote) {
      if (doubled && sql[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += c;
    i++;
  }
  throw new LexError(`unterminated ${quote} quote starting at position ${start}`);
}

/** Skips a nested bracketed comment starting at `start` (`/*`); returns the index after it. */
function skipComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw new LexError(`unterminated comment starting at position ${start}`);
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      // A line comment; a backslash before the line break continues it (Spark's lexer rule).
      while (i < sql.length && sql[i] !== '\n') i += sql[i] === '\\' && sql[i + 1] === '\n' ? 2 : 1;
    } else if (sql.startsWith('/*', i)) {
      i = skipComment(sql, i);
    } else if (c === '`') {
      const { value, end } = readQuoted(sql, i, '`', false, true);
      tokens.push({ kind: 'ident', value, quoted: true, start: i, end });
      i = end;
    } else if (c === '"') {
      const { value, end } = readQuoted(sql, i, '"', true, true);
      tokens.push({ kind: 'ident', value, quoted: true, start: i, end });
      i = end;
    } else if (c === "'") {
      const { end } = readQuoted(sql, i, "'", true, false);
      tokens.push({ kind: 'string', value: sql.slice(i, end), quoted: false, start: i, end });
      i = end;
    } else if ((c === 'r' || c === 'R') && (sql[i + 1] === "'" || sql[i + 1] === '"')) {
      const close = sql.indexOf(sql[i + 1]!, i + 2);
      if (close < 0) throw new LexError(`unterminated raw string starting at position ${i}`);
      tokens.push({ kind: 'string', value: sql.slice(i, close + 1), quoted: false, start: i, end: close + 1 });
      i = close + 1;
    } else if ((c === 'x' || c === 'X') && sql[i + 1] === "'") {
      const { end } = readQuoted(sql, i + 1, "'", false, false);
      tokens.push({ kind: 'string', value: sql.slice(i, end), quoted: false, start: i, end });
      i = end;
    } else if (DIGIT.test(c)) {
      let j = i;
      while (j < sql.length && (IDENT_CHAR.test(sql[j]!) || (sql[j] === '.' && DIGIT.test(sql[j + 1] ?? '')))) {
        if ((sql[j] === 'e' || sql[j] === 'E') && (sql[j + 1] === '-' || sql[j + 1] === '+')) j++;
        j++;
      }
      tokens.push({ kind: 'number', value: sql.slice(i, j), quoted: false, start: i, end: j });
      i = j;
    } else if (IDENT_CHAR.test(c)) {
      let j = i;
      while (j < sql.length && IDENT_CHAR.test(sql[j]!)) j++;
      tokens.push({ kind: 'ident', value: sql.slice(i, j), quoted: false, start: i, end: j });
      i = j;
    } else {
      tokens.push({ kind: 'punct', value: c, quoted: false, start: i, end: i + 1 });
      i++;
    }
  }
  return tokens;
}

/** A dotted name as written: its parts (unquoted) and where it is. */
export interface IdentifierChain {
  parts: string[];
  /** Tokens `first..last` (inclusive) spell it. */
  first: number;
  last: number;
  start: number;
  end: number;
}

/** Every maximal identifier chain `a.b.c` of the token list. */
export function identifierChains(tokens: Token[]): IdentifierChain[] {
  const chains: IdentifierChain[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    const previous = tokens[i - 1];
    // `x.y` after a dot is the tail of something else (e.g. `(…).field`): not a chain start.
    if (token.kind !== 'ident' || (previous?.kind === 'punct' && previous.value === '.')) {
      i++;
      continue;
    }
    const parts = [token.value];
    let last = i;
    while (tokens[last + 1]?.value === '.' && tokens[last + 1]?.kind === 'punct' && tokens[last + 2]?.kind === 'ident') {
      parts.push(tokens[last + 2]!.value);
      last += 2;
    }
    chains.push({ parts, first: i, last, start: token.start, end: tokens[last]!.end });
    i = last + 1;
  }
  return chains;
}

/** Case-insensitive keyword test for unquoted identifier tokens. */
export function isKeyword(token: Token | undefined, word: string): boolean {
  return token?.kind === 'ident' && !token.quoted && token.value.toUpperCase() === word;
}
