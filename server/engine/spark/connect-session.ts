/**
 * One Spark Connect session: its id, the server-side id it observed (sent back with every request
 * so that a server restart or an expired session is reported as INVALID_HANDLE.SESSION_CHANGED /
 * SESSION_CLOSED instead of silently handing out a fresh session without our settings), and the
 * session's operations: execute (streamed), analyze, config, interrupt, artifacts, release.
 *
 * Executions carry an operation id and tags. Cancelling a gRPC call does not stop the Spark job,
 * so an execution that is abandoned (aborted, timed out, its reader gone) is interrupted on the
 * server by its operation id, repeatedly, until the server has ended it.
 */
import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { CallOptions, SparkConnectClient } from './connect-client';
import { SparkError, toSparkError } from './connect-errors';
import type {
  AnalyzePlanResponse,
  AnalyzeRequestBody,
  ArtifactChunk,
  AddArtifactsRequest,
  ConfigOperation,
  DataType,
  ExecutePlanResponse,
  KeyValue,
  Plan,
  Relation,
  RequestBase,
} from './messages';

const CLIENT_TYPE = 'framegate';
/** Artifact chunk size (the server's default inbound message cap is 128 MiB). */
const ARTIFACT_CHUNK_BYTES = 32 * 1024 * 1024;
/** An abandoned execution is interrupted again after these pauses (doubling) until its call ends. */
const INTERRUPT_RETRY_FIRST_MS = 250;
const INTERRUPT_RETRY_MAX_MS = 5_000;
/** After this long an abandoned execution's call is cancelled even if the server never ended it. */
const ABANDON_LIMIT_MS = 120_000;
const INTERRUPT_TIMEOUT_MS = 30_000;

/** What an aborted execution throws: the same as a cancelled gRPC call. */
function cancelledCall(): SparkError {
  return new SparkError('the call was cancelled', GrpcStatus.CANCELLED, null, null, null);
}

/** Resolves when `work` settles or after `ms`, whichever comes first; leaves no timer behind. */
function untilOrAfter(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void work.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface ExecuteOptions {
  /** Tags for Interrupt by tag (no commas). */
  tags?: string[];
  /** Aborting fails the execution at once and interrupts its operation on the server until it ends. */
  signal?: AbortSignal;
}

/** The Arrow result of a collected relation: each batch is a complete Arrow IPC stream. */
export interface CollectedArrow {
  batches: Uint8Array[];
  rows: number;
  schema: DataType | null;
}

export class ConnectSession {
  readonly id: string;
  private serverSideId: string | null = null;
  private released = false;
  private readonly background = new Set<Promise<unknown>>();

  private readonly interruptTimeoutMs: number;

  constructor(
    private readonly client: SparkConnectClient,
    id: string = randomUUID(),
    options: { /** Deadline of each Interrupt call (default 30 s). */ interruptTimeoutMs?: number } = {},
  ) {
    this.id = id;
    this.interruptTimeoutMs = options.interruptTimeoutMs ?? INTERRUPT_TIMEOUT_MS;
  }

  private base(): RequestBase {
    const base: RequestBase = { session_id: this.id, user_context: { user_id: this.client.userId }, client_type: CLIENT_TYPE };
    if (this.serverSideId) base.client_observed_server_side_session_id = this.serverSideId;
    return base;
  }

  private observe(serverSideId: string | undefined): void {
    if (!serverSideId) return;
    if (this.serverSideId && this.serverSideId !== serverSideId) {
      // The server checks this itself when told what we observed; this catches the rest.
      throw new SparkError('[INVALID_HANDLE.SESSION_CHANGED] the Spark session changed (server restarted?)', 13, 'INVALID_HANDLE.SESSION_CHANGED', null, null);
    }
    this.serverSideId = serverSideId;
  }

  private checkOpen(): void {
    if (this.released) throw new SparkError('[INVALID_HANDLE.SESSION_CLOSED] this session was released', 13, 'INVALID_HANDLE.SESSION_CLOSED', null, null);
  }

  /**
   * Runs a plan; yields its responses as they arrive. Leaving the loop early, an error or an
   * abort stops the operation on the server (abandon).
   */
  async *execute(plan: Plan, options: ExecuteOptions = {}): AsyncGenerator<ExecutePlanResponse> {
    try {
      yield* this.executeOnce(plan, options);
    } catch (error) {
      // Sent on a connection that had just died (Spark restarted): it never reached the server.
      if (!(error instanceof SparkError && error.unavailable && error.beforeFirstResponse)) throw error;
      yield* this.executeOnce(plan, options);
    }
  }

  private async *executeOnce(plan: Plan, options: ExecuteOptions): AsyncGenerator<ExecutePlanResponse> {
    this.checkOpen();
    const { signal } = options;
    if (signal?.aborted) throw cancelledCall();
    const operationId = randomUUID();
    const call = this.client.executePlan({ ...this.base(), operation_id: operationId, plan, tags: options.tags ?? [] });
    const responses = (call as AsyncIterable<ExecutePlanResponse>)[Symbol.asyncIterator]();
    // An abort fails the caller at once; the call itself stays open until the server ends it (see abandon).
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_resolve, reject) => (onAbort = () => reject(cancelledCall())));
    aborted.catch(() => undefined);
    signal?.addEventListener('abort', onAbort!, { once: true });
    let pending: Promise<IteratorResult<ExecutePlanResponse>> | null = null;
    let streamEnded = false;
    let responded = false;
    try {
      for (;;) {
        pending = responses.next();
        const result = await Promise.race([pending, aborted]).catch((error: unknown) => {
          if (!signal?.aborted) streamEnded = true; // the server (or the connection) ended the call
          throw error;
        });
        pending = null;
        if (result.done) break;
        this.observe(result.value.server_side_session_id);
        responded = true;
        yield result.value;
      }
      streamEnded = true;
    } catch (error) {
      const sparkError = toSparkError(error);
      if (sparkError instanceof SparkError && !responded) sparkError.beforeFirstResponse = true;
      throw sparkError;
    } finally {
      signal?.removeEventListener('abort', onAbort!);
      if (!streamEnded) this.track(this.abandon(operationId, call, responses, pending));
    }
  }

  /**
   * Stops an execution nobody reads any more. Cancelling the gRPC call alone leaves the Spark job
   * running, and an Interrupt sent before the server registered the operation finds nothing; so
   * the call stays open (its responses dropped) and the operation is interrupted again and again
   * until the server ends the call: then it is really gone. Bounded: after ABANDON_LIMIT_MS the
   * call is cut off regardless.
   */
  private async abandon(
    operationId: string,
    call: { cancel(): void },
    responses: AsyncIterator<ExecutePlanResponse>,
    pending: Promise<IteratorResult<ExecutePlanResponse>> | null,
  ): Promise<void> {
    let ended = false;
    const drained = (async () => {
      try {
        if (pending && (await pending).done) return;
        while (!(await responses.next()).done) {
          // responses of an abandoned execution are dropped
        }
      } catch {
        // the server ended it (cancelled, failed) or the connection went away
      }
    })().finally(() => (ended = true));
    const giveUpAt = Date.now() + ABANDON_LIMIT_MS;
    let retryMs = INTERRUPT_RETRY_FIRST_MS;
    while (!ended && Date.now() < giveUpAt) {
      await this.interruptOperation(operationId).catch(() => []);
      await untilOrAfter(drained, retryMs);
      retryMs = Math.min(retryMs * 2, INTERRUPT_RETRY_MAX_MS);
    }
    call.cancel();
    await drained;
  }

  /** Runs a relation and gathers its Arrow batches. */
  async collect(relation: Relation, options?: ExecuteOptions): Promise<CollectedArrow> {
    const batches: Uint8Array[] = [];
    let rows = 0;
    let schema: DataType | null = null;
    for await (const response of this.execute({ root: relation }, options)) {
      if (response.arrow_batch) {
        batches.push(response.arrow_batch.data);
        rows += response.arrow_batch.row_count ?? 0;
      }
      if (response.schema) schema = response.schema;
    }
    return { batches, rows, schema };
  }

  /** Runs a command (or SQL with side effects) to completion; returns its responses. */
  async run(plan: Plan, options?: ExecuteOptions): Promise<ExecutePlanResponse[]> {
    const responses: ExecutePlanResponse[] = [];
    for await (const response of this.execute(plan, options)) if (response.response_type !== 'execution_progress') responses.push(response);
    return responses;
  }

  /** Runs one SQL statement as a command (DDL, SET, …): Spark executes it eagerly. */
  sql(statement: string, options?: ExecuteOptions): Promise<ExecutePlanResponse[]> {
    return this.run({ command: { sql_command: { input: { sql: { query: statement } } } } }, options);
  }

  async analyze(body: AnalyzeRequestBody, options?: CallOptions): Promise<AnalyzePlanResponse> {
    this.checkOpen();
    const response = await this.client.analyzePlan({ ...this.base(), ...body }, options);
    this.observe(response.server_side_session_id);
    return response;
  }

  async schema(relation: Relation, options?: CallOptions): Promise<DataType> {
    const response = await this.analyze({ schema: { plan: { root: relation } } }, options);
    if (!response.schema?.schema) throw new Error('AnalyzePlan returned no schema');
    return response.schema.schema;
  }

  async sparkVersion(): Promise<string> {
    const response = await this.analyze({ spark_version: {} });
    return response.spark_version?.version ?? 'unknown';
  }

  async config(operation: ConfigOperation, options?: CallOptions): Promise<KeyValue[]> {
    this.checkOpen();
    const response = await this.client.config({ ...this.base(), operation }, options);
    this.observe(response.server_side_session_id);
    return response.pairs ?? [];
  }

  async setConfig(values: Record<string, string>, options?: CallOptions): Promise<void> {
    await this.config({ set: { pairs: Object.entries(values).map(([key, value]) => ({ key, value })) } }, options);
  }

  async getConfig(key: string, options?: CallOptions): Promise<string | null> {
    const pairs = await this.config({ get: { keys: [key] } }, options);
    return pairs.find((p) => p.key === key)?.value ?? null;
  }

  /** Interrupts one operation on the server; returns the ids it interrupted. */
  async interruptOperation(operationId: string): Promise<string[]> {
    const response = await this.client.interrupt({ ...this.base(), interrupt_type: 'INTERRUPT_TYPE_OPERATION_ID', operation_id: operationId }, { timeoutMs: this.interruptTimeoutMs });
    return response.interrupted_ids ?? [];
  }

  /** Interrupts every operation of this session carrying `tag`. */
  async interruptTag(tag: string): Promise<string[]> {
    const response = await this.client.interrupt({ ...this.base(), interrupt_type: 'INTERRUPT_TYPE_TAG', operation_tag: tag }, { timeoutMs: this.interruptTimeoutMs });
    return response.interrupted_ids ?? [];
  }

  async interruptAll(): Promise<string[]> {
    const response = await this.client.interrupt({ ...this.base(), interrupt_type: 'INTERRUPT_TYPE_ALL' }, { timeoutMs: this.interruptTimeoutMs });
    return response.interrupted_ids ?? [];
  }

  /**
   * Uploads bytes as the artifact `name` (e.g. `cache/<sha256>` for a CachedLocalRelation), in
   * chunks with CRC32 checks. Throws when the server reports a failed check.
   */
  async addArtifact(name: string, bytes: Uint8Array): Promise<void> {
    this.checkOpen();
    const chunk = (start: number): ArtifactChunk => {
      const data = bytes.subarray(start, Math.min(bytes.byteLength, start + ARTIFACT_CHUNK_BYTES));
      return { data, crc: crc32(data) };
    };
    let requests: AddArtifactsRequest[];
    if (bytes.byteLength <= ARTIFACT_CHUNK_BYTES) {
      requests = [{ ...this.base(), batch: { artifacts: [{ name, data: chunk(0) }] } }];
    } else {
      const count = Math.ceil(bytes.byteLength / ARTIFACT_CHUNK_BYTES);
      requests = [{ ...this.base(), begin_chunk: { name, total_bytes: bytes.byteLength, num_chunks: count, initial_chunk: chunk(0) } }];
      for (let i = 1; i < count; i++) requests.push({ ...this.base(), chunk: chunk(i * ARTIFACT_CHUNK_BYTES) });
    }
    const response = await this.client.addArtifacts(requests);
    this.observe(response.server_side_session_id);
    const summary = response.artifacts?.find((a) => a.name === name);
    if (!summary?.is_crc_successful) throw new Error(`the server did not accept artifact ${name} (CRC check failed)`);
  }

  private track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined);
    this.background.add(settled);
    void settled.then(() => this.background.delete(settled));
  }

  /** Interrupts what still runs, releases the session on the server and waits for both. */
  async release(): Promise<void> {
    if (this.released) return;
    await Promise.allSettled([...this.background]);
    this.released = true;
    await this.client.releaseSession({ session_id: this.id, user_context: { user_id: this.client.userId }, client_type: CLIENT_TYPE }, { timeoutMs: 30_000 }).catch(() => undefined);
  }

  /** Waits for the interrupts this session sent in the background. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }
}
