/**
 * A configured Spark session that survives its own loss: created on first use with the engine's
 * settings (file SQL off, ANSI double-quoted identifiers, UTC, an empty current database), and
 * created anew when Spark reports it gone (server restart, expiry). The engine is told first, so
 * it can re-register its tables before the work is retried. Work that must not run twice is not
 * retried.
 */
import type { SparkConnectClient } from './connect-client';
import { ConnectSession } from './connect-session';
import { isSessionLost } from './errors';

/** Settings of every session the engine opens. The guard refuses SET, so clients cannot change them. */
export const SESSION_CONFIG: Record<string, string> = {
  // `parquet.\`/path\`` and friends: files are read only through loads, inside the import dirs.
  'spark.sql.runSQLOnFiles': 'false',
  // "x" is an identifier, as in DuckDB and standard SQL; strings are '…'.
  'spark.sql.ansi.doubleQuotedIdentifiers': 'true',
  // TIMESTAMP reaches clients as Arrow Timestamp(µs, "UTC"), like DuckDB's TIMESTAMPTZ.
  'spark.sql.session.timeZone': 'UTC',
  'spark.sql.execution.arrow.maxRecordsPerBatch': '65536',
  // Table sizes (StoredInfo.bytes) without a scan.
  'spark.sql.statistics.size.autoUpdate.enabled': 'true',
};

/** Opening and configuring a session takes a few calls; after this long Spark is not answering. */
const OPEN_TIMEOUT_MS = 120_000;

export class SessionHandle {
  private current: Promise<ConnectSession> | null = null;
  private released = false;

  constructor(
    private readonly client: SparkConnectClient,
    private readonly emptyDatabase: string,
    private readonly onLost: () => Promise<void>,
    /** True for errors saying one of the engine's own tables is missing (Spark forgot it). */
    private readonly forgotten: (error: unknown) => boolean = () => false,
  ) {}

  private open(): Promise<ConnectSession> {
    if (this.released) return Promise.reject(new Error('the session is closed'));
    this.current ??= (async () => {
      const session = new ConnectSession(this.client);
      // Bounded: callers are (their query timeout), but a stalled Spark must not hold this open forever.
      await session.setConfig(SESSION_CONFIG, { timeoutMs: OPEN_TIMEOUT_MS });
      const signal = AbortSignal.timeout(OPEN_TIMEOUT_MS);
      await session.sql(`CREATE DATABASE IF NOT EXISTS ${this.emptyDatabase}`, { signal });
      await session.sql(`USE ${this.emptyDatabase}`, { signal });
      return session;
    })();
    const opening = this.current;
    opening.catch(() => {
      if (this.current === opening) this.current = null;
    });
    return opening;
  }

  /** The session itself, for work that streams (exports): not retried. */
  session(): Promise<ConnectSession> {
    return this.open();
  }

  /** Runs `task` on the session; if the session was lost, recovers and (when `retry`) runs it once more. */
  async run<T>(task: (session: ConnectSession) => Promise<T>, retry = true): Promise<T> {
    const session = await this.open();
    try {
      return await task(session);
    } catch (error) {
      if (this.forgotten(error)) {
        // A new session on a restarted server does not notice the restart; missing tables do.
        await this.onLost();
        if (!retry) throw error;
        return task(await this.open());
      }
      if (!isSessionLost(error)) throw error;
      if (this.current) {
        const lost = this.current;
        this.current = null;
        void lost.then((s) => s.release()).catch(() => undefined);
      }
      await this.onLost();
      if (!retry) throw error;
      return task(await this.open());
    }
  }

  /** Interrupts the session's executions that carry `tag` (no-op before the session exists). */
  async interruptTag(tag: string): Promise<void> {
    const session = await this.current?.catch(() => null);
    await session?.interruptTag(tag).catch(() => undefined);
  }

  async release(): Promise<void> {
    this.released = true;
    const session = await this.current?.catch(() => null);
    this.current = null;
    await session?.release();
  }
}
