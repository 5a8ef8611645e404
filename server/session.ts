/**
 * One client connection: who it is (from its token), its engine session and query results, its
 * queue of events, and the dispatch of its requests: refuse new work while the gateway stops,
 * validate against the protocol's schema, load the caller's principal afresh, run the method's
 * handler, audit what was refused, map every failure to a JSON-RPC error. A client's mistake only
 * ever fails its own request.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { ResponseError, type CancellationToken } from 'vscode-jsonrpc';
import { ErrorCodes, FramegateError, Methods, type ErrorData, type MethodKey, type SessionInfo } from '../protocol';
import { methodKeys, ParamSchemas } from '../protocol/schemas';
import { CloseCodes } from '../rpc/channel';
import type { RpcPeer } from '../rpc/peer';
import { describeRequest, type RunningEntry } from './admin/running';
import type { Principal } from './catalog/access';
import { refusalOf } from './catalog/refusals';
import { Mutex } from './engine/async-lock';
import type { EngineSession } from './engine/engine';
import { EventOutbox, type OutboxLimits } from './events/outbox';
import { handlers, type Connection, type GatewayServices, type RequestControl, type ResultLineage } from './handlers';
import type { RegisteredSession } from './sessions';

export interface SessionIdentity {
  /** `s` and a number, from the registry. */
  id: string;
  userId: number;
  name: string;
  tokenId: string;
  remoteAddress: string | undefined;
}

/** Window calls come at scroll speed: logging each at info would flood the log. */
const QUIET_METHODS = new Set<MethodKey>(['window']);
/** What a stopping gateway still answers: looking on, and helping it stop (cancel, kick, free results). */
const WHILE_STOPPING = new Set<MethodKey>(['info', 'whoami', 'sessions', 'cancel', 'kick', 'closeResult']);

export class Session implements RegisteredSession, Connection {
  readonly engine: EngineSession;
  readonly results = new Map<string, ResultLineage>();
  readonly connectedAt = new Date().toISOString();
  private readonly outbox: EventOutbox;
  /** Object versions this session has read (windows are audited once per session and version). */
  private readonly read = new Set<string>();
  /** Windows of this connection are made and sent one at a time (see handlers/data.ts). */
  readonly windowTurns = new Mutex();
  private closing: Promise<void> | undefined;
  /** Aborted when the connection closes: its queued work is called off. */
  private readonly gone = new AbortController();
  /** Requests being handled now, each abortable (queued work leaves the scheduler's queue). */
  private readonly inFlight = new Set<AbortController>();

  constructor(
    readonly peer: RpcPeer,
    private readonly services: GatewayServices,
    private readonly identity: SessionIdentity,
    outboxLimits: OutboxLimits,
  ) {
    this.engine = services.engine.openSession(identity.name);
    this.outbox = new EventOutbox(peer, outboxLimits, (queued) => this.overflowed(queued));
    // Every request in flight listens for the connection going away.
    setMaxListeners(0, this.gone.signal);
    peer.connection.onRequest((method: string, params: unknown, token: CancellationToken) => this.dispatch(method, params, token));
    peer.onClose(() => void this.close());
  }

  get id(): string {
    return this.identity.id;
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

  /** Queues an event for this client without waiting: one slow reader must not hold up the others. */
  pushEvent(text: string): void {
    this.outbox.push(text);
  }

  firstRead(key: string): boolean {
    if (this.read.has(key)) return false;
    this.read.add(key);
    return true;
  }

  describe(): SessionInfo {
    return {
      id: this.id,
      user: this.user,
      ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}),
      connectedAt: this.connectedAt,
      running: this.services.running.ofSession(this.id),
      queuedEvents: this.outbox.size,
    };
  }

  /** Stops what this session runs and calls off what waits for its turn (admin cancel, shutdown deadline). */
  interrupt(): void {
    for (const request of this.inFlight) request.abort();
    this.engine.interrupt();
  }

  /** Closes the connection after the reply being written now (if any) has gone out. */
  disconnect(code: number, reason: string): void {
    setImmediate(() => this.peer.close(code, reason));
  }

  /** Interrupts running work and frees the engine session; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.outbox.close();
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

  private overflowed(queued: number): void {
    this.services.logger.warn({ event: 'slow-consumer', user: this.user, session: this.id, queued }, 'client did not read its events: disconnected');
    this.peer.close(CloseCodes.slowConsumer, `you did not read events: ${queued} were waiting; reconnect and list again`);
  }

  private async dispatch(method: string, rawParams: unknown, token: CancellationToken): Promise<unknown> {
    const started = performance.now();
    const { logger, lifecycle, running } = this.services;
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
    const entry = running.start(this.id, this.user, method, describeRequest(rawParams));
    // A client cancelling its request stops what this session's engine connection is running or
    // has queued (the engine makes the interrupt stick between statements), and takes the request
    // out of the scheduler's queue if it is still waiting there.
    const called = new AbortController();
    this.inFlight.add(called);
    const onGone = () => called.abort();
    this.gone.signal.addEventListener('abort', onGone, { once: true });
    const cancellation = token.onCancellationRequested(() => {
      called.abort();
      this.engine.interrupt();
    });
    const arrivedAt = Date.now();
    let principal: Principal | undefined;
    try {
      if (!WHILE_STOPPING.has(key)) lifecycle.admit();
      principal = this.principal();
      const work = lifecycle.track(() => this.handle(key, rawParams, principal!, entry, { arrivedAt, signal: called.signal }));
      if (token.isCancellationRequested) {
        called.abort();
        this.engine.interrupt();
      }
      const result = await work;
      log('ok');
      return result;
    } catch (error) {
      const failure = this.cancellationReason(entry, error) ?? error;
      if (principal) this.auditRefusal(method, failure, principal);
      const response = this.toResponseError(method, failure);
      log(response.data?.kind ?? 'InternalError');
      throw response;
    } finally {
      running.finish(entry);
      cancellation.dispose();
      this.gone.signal.removeEventListener('abort', onGone);
      this.inFlight.delete(called);
    }
  }

  /** Who cancelled a request, when it was not the client itself: an admin, or the shutdown deadline. */
  private cancellationReason(entry: RunningEntry, error: unknown): FramegateError | undefined {
    if (!(error instanceof FramegateError) || error.code !== ErrorCodes.Cancelled) return undefined;
    if (entry.cancelledBy) return new FramegateError(ErrorCodes.Cancelled, `cancelled by admin ${entry.cancelledBy}`);
    if (this.services.lifecycle.pastDeadline) return new FramegateError(ErrorCodes.Cancelled, 'cancelled: the gateway reached its shutdown deadline');
    return undefined;
  }

  /** The caller as they are now (admin flags, groups, removal take effect at once), acting through this connection. */
  private principal(): Principal {
    const principal = this.services.catalog.identity.principal(this.identity.userId);
    if (!principal) throw new FramegateError(ErrorCodes.Unauthorized, 'your user was removed from this gateway');
    return { ...principal, via: { session: this.id, ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}) } };
  }

  private async handle(key: MethodKey, rawParams: unknown, principal: Principal, entry: RunningEntry, control: RequestControl): Promise<unknown> {
    // JSON-RPC allows params to be absent; every Framegate method takes an object.
    const parsed = ParamSchemas[key].safeParse(rawParams ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues;
      const summary = issues.map((issue) => `${issue.path.join('.') || 'params'}: ${issue.message}`).join('; ');
      throw new FramegateError(ErrorCodes.InvalidParams, `invalid params for ${Methods[key].method}: ${summary}`, issues);
    }
    const handler = handlers[key] as (params: unknown, context: unknown) => Promise<unknown>;
    const request = { id: entry.id, cancelled: () => entry.cancelledBy !== undefined, ...control };
    return handler(parsed.data, { principal, connection: this, services: this.services, request });
  }

  /** Refusals go to the audit log: objects hidden from the caller, and anything Forbidden. */
  private auditRefusal(method: string, error: unknown, principal: Principal): void {
    const refusal = refusalOf(error);
    const forbidden = error instanceof FramegateError && error.code === ErrorCodes.Forbidden;
    if (!refusal && !forbidden) return;
    try {
      this.services.catalog.audit.record({
        principal,
        action: 'refused',
        ...(refusal ? { object: refusal.object, ...(refusal.version !== undefined ? { version: refusal.version } : {}) } : {}),
        detail: { method, ...(refusal ? { wanted: refusal.wanted } : { reason: (error as FramegateError).message }) },
      });
    } catch (auditError) {
      this.services.logger.error({ event: 'audit-failed', method, user: this.user, err: auditError }, 'could not write an audit line');
    }
  }

  private toResponseError(method: string, error: unknown): ResponseError<ErrorData> {
    if (error instanceof FramegateError) return new ResponseError(error.code, error.message, error.toErrorData());
    // The client hears that it failed; what failed (which may name internals) goes to the log.
    this.services.logger.error({ event: 'internal-error', method, user: this.user, err: error }, 'request failed unexpectedly');
    return new ResponseError(ErrorCodes.InternalError, `internal gateway error in ${method} (the gateway's log has the details)`, { kind: 'InternalError' });
  }
}
