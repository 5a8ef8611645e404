/** Maps DuckDB failures to protocol errors. DuckDB messages start with their class: "Binder Error: …". */
import { ErrorCodes, FramegateError } from '../../../protocol';
import { duckErrorClass, type DuckConnection } from './duckdb';

export function toFramegateError(error: unknown, timedOut = false, timeoutMs?: number): FramegateError {
  if (error instanceof FramegateError) return error;
  const message = error instanceof Error ? error.message : String(error);
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
      return new FramegateError(ErrorCodes.InvalidSql, message);
    case 'Permission':
      return new FramegateError(ErrorCodes.SqlRefused, message);
    case 'TransactionContext':
    case 'Transaction':
      return new FramegateError(ErrorCodes.Conflict, message);
    default:
      return new FramegateError(ErrorCodes.QueryFailed, message);
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

/** Stored data that is gone (dropped while a request that had resolved it was on its way). */
export function storageGone(id: string): FramegateError {
  return new FramegateError(ErrorCodes.FrameNotFound, `the data of this frame is gone (${id}); it was deleted or replaced`, { storage: id });
}

/**
 * An error of SQL the binder rewrote, without DuckDB's "LINE n: …" excerpt: it would quote the
 * rewritten text (storage tables, renamed CTEs), not what the client wrote.
 */
export function withoutRewrittenSql(error: unknown): unknown {
  const cut = (message: string) => message.replace(/\n+LINE \d+:[\s\S]*$/, '');
  if (error instanceof FramegateError) {
    const message = cut(error.message);
    return message === error.message ? error : new FramegateError(error.code, message, error.detail);
  }
  return error instanceof Error ? new Error(cut(error.message)) : error;
}

/** A failure of bound SQL: stored data dropped under it (FrameNotFound), or DuckDB's error without the rewritten text. */
export function boundQueryError(error: unknown, storage: readonly string[]): unknown {
  const gone = isMissingTable(error) ? storage.find((id) => String((error as Error).message).includes(id)) : undefined;
  return gone ? storageGone(gone) : withoutRewrittenSql(error);
}
