/**
 * One client connection's session: validates each request against the protocol's schema, runs it
 * on the engine (with an engine session of its own for query results), sends Arrow as attachments
 * and maps every failure to a JSON-RPC error. A client's mistake only ever fails its own request.
 */
import { performance } from 'node:perf_hooks';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ResponseError, type CancellationToken } from 'vscode-jsonrpc';
import type { z } from 'zod';
import {
  ErrorCodes,
  FramegateError,
  Notifications,
  ParamSchemas,
  PROTOCOL_VERSION,
  type ErrorData,
  type FramesChangedNotification,
  type MethodName,
  type ResultOf,
} from '../protocol';
import type { RpcPeer } from '../rpc/peer';
import type { Engine, EngineSession } from './engine/engine';
import type { GatewayConfig } from './config';
import type { Logger } from './logger';
import { GATEWAY_VERSION } from './version';

export interface SessionContext {
  engine: Engine;
  config: GatewayConfig;
  logger: Logger;
  /** Who is connected (the `user` query parameter); owner of what they save. */
  user: string;
  remoteAddress: string | undefined;
  /** Tells every connected session that the catalog changed. */
  broadcast(notification: FramesChangedNotification): void;
  /** Asks the gateway to stop once this reply is on its way. */
  requestShutdown(): void;
}

type Params<M extends MethodName> = z.output<(typeof ParamSchemas)[M]>;
type Handlers = { [M in MethodName]: (params: Params<M>) => Promise<ResultOf<M>> };

const methodNames = new Set<string>(Object.keys(ParamSchemas));
function isMethodName(method: string): method is MethodName {
  return methodNames.has(method);
}

/** Window calls come at scroll speed: logging each at info would flood the log. */
const QUIET_METHODS = new Set<string>(['data/window']);

export class Session {
  private readonly engineSession: EngineSession;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly peer: RpcPeer,
    private readonly context: SessionContext,
  ) {
    this.engineSession = context.engine.openSession();
    peer.connection.onRequest((method: string, params: unknown, token: CancellationToken) => this.dispatch(method, params, token));
    peer.onClose(() => void this.close());
  }

  get user(): string {
    return this.context.user;
  }

  /** Sends a notification without waiting: one slow reader must not hold up the writer. */
  notify(notification: FramesChangedNotification): void {
    this.peer.connection.sendNotification(Notifications.framesChanged, notification).catch((error: unknown) => {
      this.context.logger.debug({ event: 'notify-failed', user: this.user, err: error }, 'notification not delivered');
    });
  }

  /** Interrupts running work and frees the engine session; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        // The engine session's close interrupts what runs and what is queued.
        await this.engineSession.close();
      } catch (error) {
        this.context.logger.warn({ event: 'session-close-failed', user: this.user, err: error }, 'engine session close failed');
      }
      this.peer.close();
    })();
    return this.closing;
  }

  private async dispatch(method: string, rawParams: unknown, token: CancellationToken): Promise<unknown> {
    const started = performance.now();
    this.context.logger.debug({ event: 'request-start', method, user: this.user }, 'request start');
    const log = (outcome: string) => {
      const entry = { event: 'request', method, ms: Math.round((performance.now() - started) * 10) / 10, outcome, user: this.user };
      if (QUIET_METHODS.has(method) && outcome === 'ok') this.context.logger.debug(entry, 'request');
      else this.context.logger.info(entry, 'request');
    };
    if (!isMethodName(method)) {
      log('MethodNotFound');
      throw new ResponseError<ErrorData>(ErrorCodes.MethodNotFound, `unknown method "${method}"`, { kind: 'MethodNotFound' });
    }
    // A client cancelling its request stops what this session's engine connection is running or
    // has queued (the engine makes the interrupt stick between statements).
    const cancellation = token.onCancellationRequested(() => this.engineSession.interrupt());
    try {
      const work = this.handle(method, rawParams);
      if (token.isCancellationRequested) this.engineSession.interrupt();
      const result = await work;
      log('ok');
      return result;
    } catch (error) {
      const response = this.toResponseError(method, error);
      log(response.data?.kind ?? 'InternalError');
      throw response;
    } finally {
      cancellation.dispose();
    }
  }

  private handle<M extends MethodName>(method: M, rawParams: unknown): Promise<ResultOf<M>> {
    // JSON-RPC allows params to be absent; every Framegate method takes an object.
    const parsed = ParamSchemas[method].safeParse(rawParams ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues;
      const summary = issues.map((issue) => `${issue.path.join('.') || 'params'}: ${issue.message}`).join('; ');
      throw new FramegateError(ErrorCodes.InvalidParams, `invalid params for ${method}: ${summary}`, issues);
    }
    const handler = this.handlers[method] as (params: unknown) => Promise<ResultOf<M>>;
    return handler(parsed.data);
  }

  private toResponseError(method: string, error: unknown): ResponseError<ErrorData> {
    if (error instanceof FramegateError) return new ResponseError(error.code, error.message, error.toErrorData());
    const message = error instanceof Error ? error.message : String(error);
    this.context.logger.error({ event: 'internal-error', method, user: this.user, err: error }, 'request failed unexpectedly');
    return new ResponseError(ErrorCodes.InternalError, `internal gateway error in ${method}: ${message}`, { kind: 'InternalError' });
  }

  private changed(action: FramesChangedNotification['action'], frame: { name: string }): void {
    this.context.broadcast({ action, name: frame.name, by: this.user });
  }

  private readonly handlers: Handlers = {
    'gateway/info': () => {
      const { config, engine } = this.context;
      return Promise.resolve({
        name: 'framegate' as const,
        version: GATEWAY_VERSION,
        protocolVersion: PROTOCOL_VERSION,
        engine: engine.description,
        maxMessageBytes: config.maxMessageBytes,
        maxUploadBytes: config.maxUploadBytes,
        queryTimeoutMs: config.queryTimeoutMs,
        importDirs: config.importDirs,
      });
    },

    'frames/list': async ({ namespace }) => {
      const frames = await this.context.engine.listFrames();
      return { frames: namespace === undefined ? frames : frames.filter((frame) => frame.namespace === namespace) };
    },

    'frames/schema': ({ name }) => this.context.engine.getFrame(name),

    'data/window': async (params) => {
      const window = await this.engineSession.window(params);
      // The attachment goes out before the reply that references it.
      const attachment = await this.peer.sendAttachment(window.ipc);
      return { attachment, rowCount: window.rowCount, offset: window.offset, rows: window.rows, columns: window.columns };
    },

    'query/select': (params) => this.engineSession.runSelect(params),

    'query/sql': ({ sql }) => this.engineSession.runSql(sql),

    'query/close': ({ id }) => Promise.resolve({ closed: this.engineSession.closeResult(id) }),

    'frames/save': async ({ name, from, replace }) => {
      const options = { owner: this.user, replace };
      const frame =
        'result' in from
          ? await this.engineSession.saveResult(name, from.result, options)
          : await this.context.engine.saveQuery(name, from.sql, options);
      this.changed('saved', frame);
      return frame;
    },

    'frames/load': async ({ path, name, format, replace }) => {
      const frame = await this.context.engine.loadFile(name, path, format, { owner: this.user, replace });
      this.changed('loaded', frame);
      return frame;
    },

    'frames/upload': async ({ name, replace, attachment }) => {
      const ipc = this.peer.takeAttachment(attachment);
      const frame = await this.context.engine.saveArrow(name, ipc, { owner: this.user, replace });
      this.changed('uploaded', frame);
      return frame;
    },

    'data/export': async ({ source, sort, columns }) => {
      const exported = await this.engineSession.export(source, sort, columns);
      let bytes = 0;
      const attachment = await this.peer.sendAttachment(countBytes(exported.parts, (n) => (bytes += n)));
      return { attachment, rows: exported.rowCount, bytes };
    },

    'frames/delete': async ({ name }) => {
      await this.context.engine.deleteFrame(name);
      this.changed('deleted', { name });
      return { deleted: name };
    },

    'gateway/shutdown': ({ token }) => {
      this.authorizeShutdown(token);
      this.context.logger.info({ event: 'shutdown-requested', user: this.user }, 'shutdown requested');
      this.context.requestShutdown();
      return Promise.resolve({ stopping: true as const });
    },
  };

  private authorizeShutdown(token: string | undefined): void {
    const expected = this.context.config.adminToken;
    if (expected !== undefined) {
      if (token === undefined || !sameSecret(token, expected)) {
        throw new FramegateError(ErrorCodes.Forbidden, 'gateway/shutdown needs the admin token (--admin-token of the gateway)');
      }
      return;
    }
    if (!isLoopback(this.context.remoteAddress)) {
      throw new FramegateError(ErrorCodes.Forbidden, 'the gateway has no admin token: shutdown is allowed only from its own machine (loopback)');
    }
  }
}

async function* countBytes(parts: AsyncIterable<Uint8Array>, count: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const part of parts) {
    count(part.byteLength);
    yield part;
  }
}

/** Compares secrets in constant time (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}
