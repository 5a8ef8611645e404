/**
 * SQL as text, the way every Framegate client and the gateway split it: a tolerant tokenizer (it
 * never fails, so half-typed SQL still gives tokens) and statements separated by `;`. The engines
 * parse SQL with their own parsers; this only finds words, statements and what a cursor touches,
 * so the language server's "Run Statement" and the gateway's completion agree on the same text.
 */

export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct';

export interface SqlToken {
  kind: SqlTokenKind;
  /** As written (quotes included). */
  text: string;
  /** Offsets in UTF-16 code units, end exclusive. */
  start: number;
  end: number;
}

/** A statement's place in a text: from its first token to its last, without the `;`. */
export interface SqlStatementRange {
  start: number;
  end: number;
  /** Where the statement's own stretch of text ends: its `;`, or the end of the text. */
  until: number;
}

const WORD_START = /[A-Za-z_\u00C0-\uFFFF]/;
const WORD_PART = /[A-Za-z0-9_$\u00C0-\uFFFF]/;
const DIGIT = /[0-9]/;

/** The end of a quoted run opened at `start` by `quote` (doubled quotes escape); the text's end if unclosed. */
function quotedEnd(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

/** Every token of `text`, skipping white space and comments (an unclosed one runs to the end). */
export function tokenize(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const push = (kind: SqlTokenKind, end: number): void => {
    tokens.push({ kind, text: text.slice(i, end), start: i, end });
    i = end;
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (/\s/.test(c)) i++;
    else if (c === '-' && next === '-') {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline + 1;
    } else if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else if (c === "'") push('string', quotedEnd(text, i, "'"));
    else if (c === '"' || c === '`') push('quoted', quotedEnd(text, i, c));
    else if (DIGIT.test(c) || (c === '.' && next !== undefined && DIGIT.test(next))) {
      let end = i + 1;
      while (end < text.length && /[0-9.eE_]/.test(text[end]!)) end++;
      push('number', end);
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < text.length && WORD_PART.test(text[end]!)) end++;
      push('word', end);
    } else push('punct', i + 1);
  }
  return tokens;
}

/** The statements of `text` in order; empty ones (`;;`, only comments) are left out. */
export function splitStatements(text: string, tokens: SqlToken[] = tokenize(text)): SqlStatementRange[] {
  const statements: SqlStatementRange[] = [];
  let first: SqlToken | undefined;
  let last: SqlToken | undefined;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === ';') {
      if (first && last) statements.push({ start: first.start, end: last.end, until: token.start });
      first = last = undefined;
    } else {
      first ??= token;
      last = token;
    }
  }
  if (first && last) statements.push({ start: first.start, end: last.end, until: text.length });
  return statements;
}

/** The statement a cursor at `offset` is in or right after (before its `;`), if any. */
export function statementAt(text: string, offset: number): SqlStatementRange | undefined {
  const statements = splitStatements(text);
  let previousEnd = 0;
  for (const statement of statements) {
    if (offset >= previousEnd && offset <= statement.until) return statement;
    previousEnd = statement.until + 1;
  }
  // After the last `;`, on an empty line: the statement before it.
  return statements.at(-1);
}

/** An identifier token's name: quotes removed (and unescaped), or the word as written. */
export function identifierName(token: SqlToken): string {
  if (token.kind !== 'quoted') return token.text;
  const quote = token.text[0]!;
  const closed = token.text.length > 1 && token.text.endsWith(quote);
  return token.text.slice(1, closed ? -1 : undefined).split(quote + quote).join(quote);
}

/** Whether `token` is the keyword `word` (case-insensitive, unquoted). */
export function isKeyword(token: SqlToken | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.text.toUpperCase());
}

/** Byte offsets (UTF-8, as engines report them) to UTF-16 offsets into `text`. */
export function utf16Offset(text: string, byteOffset: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    if (bytes >= byteOffset) return i;
    const code = text.codePointAt(i)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code >= 0x10000) i++;
  }
  return text.length;
}
