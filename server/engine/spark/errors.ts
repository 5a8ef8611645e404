/** Spark failures as protocol errors, and the application timeout of one engine operation. */
import { randomBytes } from 'node:crypto';
import { ErrorCodes, FramegateError } from '../../../protocol';
import { SparkError } from './connect-errors';
import type { ExecuteOptions } from './connect-session';

/** Error classes that mean the SQL is wrong rather than the engine failing. */
const INVALID_SQL = /^(PARSE_|UNRESOLVED_|AMBIGUOUS_|DATATYPE_MISMATCH|TABLE_OR_VIEW_NOT_FOUND|INVALID_|WRONG_NUM_ARGS|MISSING_|UNSUPPORTED_|NUM_COLUMNS_MISMATCH|COLUMN_ALREADY_EXISTS|CAST_INVALID_INPUT|GROUP_BY_|NOT_A_CONSTANT|EXPRESSION_TYPE_IS_NOT_ORDERABLE|UNBOUND_SQL_PARAMETER|_LEGACY_ERROR_TEMP)/;

export function toFramegateError(error: unknown, operation?: Operation): FramegateError {
  if (error instanceof FramegateError) return error;
  if (error instanceof SparkError) {
    if (error.is('OPERATION_CANCELED') || error.grpcCode === 1) {
      if (operation?.timedOut) return new FramegateError(ErrorCodes.QueryTimeout, `query ran longer than ${operation.timeoutMs} ms and was interrupted`);
      return new FramegateError(ErrorCodes.Cancelled, 'query was cancelled');
    }
    if (error.unavailable) return new FramegateError(ErrorCodes.QueryFailed, `Spark is unreachable: ${error.message}`);
    const cls = error.errorClass ?? '';
    if (INVALID_SQL.test(cls) || error.sqlState?.startsWith('42')) return new FramegateError(ErrorCodes.InvalidSql, error.message);
    return new FramegateError(ErrorCodes.QueryFailed, error.message);
  }
  return new FramegateError(ErrorCodes.QueryFailed, error instanceof Error ? error.message : String(error));
}

/** True when the Spark session is gone: the server restarted, or it expired or was released. */
export function isSessionLost(error: unknown): boolean {
  return error instanceof SparkError && (error.is('INVALID_HANDLE') || error.unavailable);
}

/**
 * One engine operation: its tag (every Spark execution it starts carries it), its timeout and
 * its cancellation. Either aborts the execution in flight (the call is cancelled and its operation
 * interrupted on Spark by id) and `onTimeout` interrupts the tag; every later step of the
 * operation then fails with QueryTimeout or Cancelled instead of starting.
 */
export class Operation {
  readonly tag = `fg-op-${randomBytes(6).toString('hex')}`;
  timedOut = false;
  cancelled = false;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private stop!: (error: FramegateError) => void;
  /** Rejects when the operation times out or is cancelled. */
  private readonly stopped = new Promise<never>((_resolve, reject) => (this.stop = reject));

  constructor(
    readonly timeoutMs: number,
    private readonly sessionTag: string,
    onTimeout: (operation: Operation) => void,
  ) {
    this.stopped.catch(() => undefined); // observed by race(), if anyone races
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
      this.stop(new FramegateError(ErrorCodes.QueryTimeout, `query ran longer than ${this.timeoutMs} ms and was interrupted`));
      onTimeout(this);
    }, timeoutMs);
  }

  /**
   * `work`'s outcome, or QueryTimeout / Cancelled the moment the operation times out or is
   * cancelled, whatever `work` still waits for (a queue, a call to a Spark that stopped
   * answering): the caller's timeout always fires. `work` goes on until its calls fail.
   */
  race<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined);
    return Promise.race([work, this.stopped]);
  }

  /** Options for each execution of this operation; throws once it timed out or was cancelled. */
  get execute(): ExecuteOptions {
    this.check();
    return { tags: [this.sessionTag, this.tag], signal: this.controller.signal };
  }

  check(): void {
    if (this.timedOut) throw new FramegateError(ErrorCodes.QueryTimeout, `query ran longer than ${this.timeoutMs} ms and was interrupted`);
    if (this.cancelled) throw new FramegateError(ErrorCodes.Cancelled, 'query was cancelled');
  }

  cancel(): void {
    this.cancelled = true;
    this.controller.abort();
    this.stop(new FramegateError(ErrorCodes.Cancelled, 'query was cancelled'));
  }

  done(): void {
    clearTimeout(this.timer);
  }
}
