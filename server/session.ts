/**
 * One client connection: who it is (from its token), its engine session and query results, and
 * the dispatch of its requests: validate against the protocol's schema, load the caller's
 * principal afresh, run the method's handler, map every failure to a JSON-RPC error. A client's
 * mistake only ever fails its own request.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ResponseError, type CancellationToken } from 'vscode-jsonrpc';
import { ErrorCodes, FramegateError, Methods, Notifications, type ErrorData, type FramesChangedNotification, type MethodKey } from '../protocol';
import { methodKeys, ParamSchemas } from '../protocol/schemas';
import type { RpcPeer } from '../rpc/peer';
import { Mutex } from './engine/async-lock';
import type { EngineSession } from './engine/engine';
import { handlers, type Connection, type GatewayServices, type RequestControl, type ResultLineage } from './handlers';
import type { RegisteredSession } from './sessions';

export interface SessionIdentity {
  userId: number;
  name: string;
  tokenId: string;
  remoteAddress: string | undefined;
}

/** Window calls come at scroll speed: logging each at info would flood the log. */
const QUIET_METHODS = new Set<MethodKey>(['window']);

export class Session implements RegisteredSession, Connection {
  readonly engine: EngineSession;
  readonly results = new Map<string, ResultLineage>();
  readonly outbox = new Mutex();
  private closing: Promise<void> | undefined;
  /** Aborted when the connection closes: its queued work is called off. */
  private readonly gone = new AbortController();

  constructor(
    readonly peer: RpcPeer,
    private readonly services: GatewayServices,
    private readonly identity: SessionIdentity,
  ) {
    this.engine = services.engine.openSession(identity.name);
    // Every request in flight listens for the connection going away.
    setMaxListeners(0, this.gone.signal);
    peer.connection.onRequest((method: string, params: unknown, token: CancellationToken) => this.dispatch(method, params, token));
    peer.onClose(() => void this.close());
  }

  get userId(): number {
    return this.identity.userId;
  }

  get user(): string {
    return this.identity.name;
  }

  get remoteAddress(): string | undefined {
    return this.identity.remoteAddress;
  }

  /** Sends a notification without waiting: one slow reader must not hold up the writer. */
  notifyFramesChanged(notification: FramesChangedNotification): void {
    this.peer.connection.sendNotification(Notifications.framesChanged.method, notification).catch((error: unknown) => {
      this.services.logger.debug({ event: 'notify-failed', user: this.user, err: error }, 'notification not delivered');
    });
  }

  /** Closes the connection after the reply being written now (if any) has gone out. */
  disconnect(code: number, reason: string): void {
    setImmediate(() => this.peer.close(code, reason));
  }

  /** Interrupts running work and frees the engine session; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.gone.abort();
      try {
        // The engine session's close interrupts what runs and what is queued.
        await this.engine.close();
      } catch (error) {
        this.services.logger.warn({ event: 'session-close-failed', user: this.user, err: error }, 'engine session close failed');
      }
      for (const result of this.results.values()) result.held.release();
      this.results.clear();
      this.peer.close();
    })();
    return this.closing;
  }

  private async dispatch(method: string, rawParams: unknown, token: CancellationToken): Promise<unknown> {
    const started = performance.now();
    const { logger } = this.services;
    const key = methodKeys.get(method);
    logger.debug({ event: 'request-start', method, user: this.user }, 'request start');
    const log = (outcome: string) => {
      const entry = { event: 'request', method, ms: Math.round((performance.now() - started) * 10) / 10, outcome, user: this.user };
      if (key && QUIET_METHODS.has(key) && outcome === 'ok') logger.debug(entry, 'request');
      else logger.info(entry, 'request');
    };
    if (!key) {
      log('MethodNotFound');
      throw new ResponseError<ErrorData>(ErrorCodes.MethodNotFound, `unknown method "${method}"`, { kind: 'MethodNotFound' });
    }
    // A client cancelling its request stops what this session's engine connection is running or
    // has queued (the engine makes the interrupt stick between statements), and takes the request
    // out of the scheduler's queue if it is still waiting there.
    const called = new AbortController();
    const onGone = () => called.abort();
    this.gone.signal.addEventListener('abort', onGone, { once: true });
    const cancellation = token.onCancellationRequested(() => {
      called.abort();
      this.engine.interrupt();
    });
    try {
      const work = this.handle(key, rawParams, { arrivedAt: Date.now(), signal: called.signal });
      if (token.isCancellationRequested) {
        called.abort();
        this.engine.interrupt();
      }
      const result = await work;
      log('ok');
      return result;
    } catch (error) {
      const response = this.toResponseError(method, error);
      log(response.data?.kind ?? 'InternalError');
      throw response;
    } finally {
      cancellation.dispose();
      this.gone.signal.removeEventListener('abort', onGone);
    }
  }

  private async handle(key: MethodKey, rawParams: unknown, request: RequestControl): Promise<unknown> {
    // JSON-RPC allows params to be absent; every Framegate method takes an object.
    const parsed = ParamSchemas[key].safeParse(rawParams ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues;
      const summary = issues.map((issue) => `${issue.path.join('.') || 'params'}: ${issue.message}`).join('; ');
      throw new FramegateError(ErrorCodes.InvalidParams, `invalid params for ${Methods[key].method}: ${summary}`, issues);
    }
    const principal = this.services.catalog.identity.principal(this.identity.userId);
    if (!principal) throw new FramegateError(ErrorCodes.Unauthorized, 'your user was removed from this gateway');
    const handler = handlers[key] as (params: unknown, context: unknown) => Promise<unknown>;
    return handler(parsed.data, { principal, connection: this, services: this.services, request });
  }

  private toResponseError(method: string, error: unknown): ResponseError<ErrorData> {
    if (error instanceof FramegateError) return new ResponseError(error.code, error.message, error.toErrorData());
    // The client hears that it failed; what failed (which may name internals) goes to the log.
    this.services.logger.error({ event: 'internal-error', method, user: this.user, err: error }, 'request failed unexpectedly');
    return new ResponseError(ErrorCodes.InternalError, `internal gateway error in ${method} (the gateway's log has the details)`, { kind: 'InternalError' });
  }
}
