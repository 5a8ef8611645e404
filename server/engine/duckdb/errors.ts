/** Maps DuckDB failures to protocol errors. DuckDB messages start with their class: "Binder Error: …". */
import { ErrorCodes, FramegateError } from '../../../protocol';
import { duckErrorClass, type DuckConnection } from './duckdb';

/**
 * The names the engine gives its own tables, which mean nothing to a client (and are none of its
 * business): stored data, results, sorted copies, renamed CTEs, the schemas they live in.
 */
const INTERNAL_NAMES: [RegExp, string][] = [
  [/(?:"?frames"?\.)?(?:"?_fg"?\.)?"?t_[0-9a-f]{16}"?/g, "a frame's data"],
  [/(?:"?_fgmem"?\.)"?r\d+_\d+"?/g, 'a query result'],
  [/(?:"?_fgmem"?\.)"?s_\d+"?/g, 'a sorted copy'],
  [/"?__fgcte_\d+"?/g, 'a WITH query'],
  [/\b_fgmem\b|\bframes\._fg\b/g, 'the engine'],
];

/** `text` with the engine's internal table names replaced by what they are. */
export function withoutInternalNames(text: string): string {
  return INTERNAL_NAMES.reduce((out, [pattern, what]) => out.replace(pattern, what), text);
}

/**
 * DuckDB's message in the client's terms: the first line (what went wrong) and, for errors of a
 * CSV line, the line saying why; every line is kept in `detail.engine`.
 */
export function engineMessage(text: string): { message: string; lines: string[] } {
  const lines = withoutInternalNames(text)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  let message = lines[0] ?? text;
  if (/CSV Error on Line/.test(message)) {
    const why = lines.slice(1).find((line) => !/^Original Line:/.test(line));
    if (why) message = `${message}: ${why.trim()}`;
  }
  return { message, lines };
}

export function toFramegateError(error: unknown, timedOut = false, timeoutMs?: number): FramegateError {
  if (error instanceof FramegateError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const { message, lines } = engineMessage(text);
  const detail = lines.length > 1 ? { engine: lines } : undefined;
  const kind = duckErrorClass(error);
  if (timedOut || kind === 'INTERRUPT' || kind === 'Interrupt') {
    return timedOut
      ? new FramegateError(ErrorCodes.QueryTimeout, `query ran longer than ${timeoutMs ?? '?'} ms and was interrupted`)
      : new FramegateError(ErrorCodes.Cancelled, 'query was cancelled');
  }
  switch (kind) {
    case 'Parser':
    case 'Binder':
    case 'Catalog':
    case 'Not implemented':
      return new FramegateError(ErrorCodes.InvalidSql, message, detail);
    case 'Permission':
      return new FramegateError(ErrorCodes.SqlRefused, message, detail);
    case 'TransactionContext':
    case 'Transaction':
      return new FramegateError(ErrorCodes.Conflict, message, detail);
    case 'Out of Memory':
      return new FramegateError(ErrorCodes.OutOfMemory, `the query needs more memory than the engine's share of the gateway's budget (--memory-limit): ${message}`, detail);
    default:
      return new FramegateError(ErrorCodes.QueryFailed, message, detail);
  }
}

/** True for DuckDB's optimistic-concurrency conflicts, which a retry resolves. */
export function isConflict(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /conflict/i.test(message) && /transaction/i.test(message);
}

/**
 * How often an interrupt is repeated until the work it targets gives up. DuckDB's interrupt stops
 * only a statement that is running at that moment: one still queued behind the thread pool (every
 * call runs on libuv's small pool) starts later as if nothing had happened, so a single interrupt
 * can be lost. Repeating it until the work settles makes it stick.
 */
export const INTERRUPT_REPEAT_MS = 20;

/** Interrupts `conn` now and again every few ms until `settled` settles. */
export function interruptUntil(conn: { interrupt(): void }, settled: Promise<unknown>): void {
  conn.interrupt();
  const repeat = setInterval(() => conn.interrupt(), INTERRUPT_REPEAT_MS);
  const stop = () => clearInterval(repeat);
  settled.then(stop, stop);
}

export function queryTimeout(timeoutMs: number): FramegateError {
  return new FramegateError(ErrorCodes.QueryTimeout, `query ran longer than ${timeoutMs} ms and was interrupted (--query-timeout-ms)`, { timeoutMs });
}

/**
 * Runs `task` on `conn` until `deadline` (epoch ms): past it the connection is interrupted until
 * the task gives up, and the failure is QueryTimeout. `timeoutMs` is the configured timeout, for
 * the message. Work whose deadline passed before it could start does not start.
 */
export async function timedUntil<T>(conn: DuckConnection, deadline: number, timeoutMs: number, task: () => Promise<T>): Promise<T> {
  const left = deadline - Date.now();
  if (left <= 0) throw queryTimeout(timeoutMs);
  let timedOut = false;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const timer = setTimeout(() => {
    timedOut = true;
    interruptUntil(conn, settled);
  }, left);
  try {
    return await task();
  } catch (error) {
    throw timedOut ? queryTimeout(timeoutMs) : toFramegateError(error, false, timeoutMs);
  } finally {
    clearTimeout(timer);
    settle();
  }
}

/** Runs `task` with the application timeout: past it, the connection is interrupted. */
export function timed<T>(conn: DuckConnection, timeoutMs: number, task: () => Promise<T>): Promise<T> {
  return timedUntil(conn, Date.now() + timeoutMs, timeoutMs, task);
}

export function isMissingTable(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Catalog Error: Table with name .* does not exist/.test(message);
}

/** Stored data that is gone (dropped while a request that had resolved it was on its way). Its id is the engine's business, not the client's. */
export function storageGone(_id: string): FramegateError {
  return new FramegateError(ErrorCodes.FrameNotFound, 'the data of this frame version is gone: it was deleted while being read; read the frame again');
}

/**
 * An error of SQL the binder rewrote, without DuckDB's "LINE n: …" excerpt: it would quote the
 * rewritten text (storage tables, renamed CTEs), not what the client wrote.
 */
export function withoutRewrittenSql(error: unknown): unknown {
  const cut = (message: string) => message.replace(/\n+LINE \d+:[\s\S]*$/, '');
  if (error instanceof FramegateError) {
    const detail = error.detail as { engine?: string[] } | undefined;
    const at = detail?.engine?.findIndex((line) => /^LINE \d+:/.test(line)) ?? -1;
    const engine = at >= 0 ? detail!.engine!.slice(0, at) : detail?.engine;
    const message = cut(error.message);
    if (message === error.message && at < 0) return error;
    return new FramegateError(error.code, message, engine && engine.length > 1 ? { ...detail, engine } : undefined);
  }
  return error instanceof Error ? new Error(cut(error.message)) : error;
}

/** A failure of bound SQL: stored data dropped under it (FrameNotFound), or DuckDB's error without the rewritten text. */
export function boundQueryError(error: unknown, storage: readonly string[]): unknown {
  const gone = isMissingTable(error) ? storage.find((id) => String((error as Error).message).includes(id)) : undefined;
  return gone ? storageGone(gone) : withoutRewrittenSql(error);
}

/**
 * An error of a select's SQL, told in terms of its filter, the only part the user wrote: the filter
 * starts on line `firstLine` of that SQL. DuckDB's "LINE n:" excerpt of a filter line is kept and
 * renumbered; one of the SQL around it (a filter that ends too early) becomes a note instead.
 */
export function filterError(error: unknown, firstLine: number, filter: string): unknown {
  if (!(error instanceof FramegateError) || error.code !== ErrorCodes.InvalidSql) return error;
  const match = /\n*LINE (\d+):([\s\S]*)$/.exec(error.message);
  const head = (match ? error.message.slice(0, match.index) : error.message).trim().replace(/^[A-Za-z ]+ Error:\s*/, '');
  const lines = filter.split('\n').length;
  let text = `in the filter: ${head}`;
  if (match) {
    const line = Number(match[1]) - firstLine + 1;
    text += line >= 1 && line <= lines ? `\n\nLINE ${line}:${match[2]!}` : ' (the filter ends too early)';
  }
  return new FramegateError(error.code, text, error.detail);
}
