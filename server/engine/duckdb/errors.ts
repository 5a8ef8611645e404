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

/** Runs `task` with the application timeout: past it, the connection is interrupted. */
export async function timed<T>(conn: DuckConnection, timeoutMs: number, task: () => Promise<T>): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.interrupt();
  }, timeoutMs);
  try {
    return await task();
  } catch (error) {
    throw toFramegateError(error, timedOut, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
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
