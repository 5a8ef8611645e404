/**
 * GatewayClient: the typed client the CLI and the VS Code extension use. One WebSocket
 * (authenticated by a bearer token on the upgrade), JSON-RPC requests typed by the protocol's
 * method declarations, Arrow bytes resolved from attachments, errors as FramegateError.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { CancellationTokenSource, ResponseError, type Disposable } from 'vscode-jsonrpc/node';
import {
  ATTACHMENT_HEADER_BYTES,
  ErrorCodes,
  FramegateError,
  Methods,
  Notifications,
  type ErrorData,
  type ExportResult,
  type FrameInfo,
  type InfoResult,
  type NotificationType,
  type ParamsOf,
  type RequestType,
  type ResultOf,
  type UpgradeRefusal,
  type WindowResult,
} from '../protocol';
import { MAX_PART_BYTES } from './attachments';
import { RpcPeer } from './peer';
import { wsChannel } from './ws-channel';

export interface ClientOptions {
  /** The bearer token that says who this client is. Without one the gateway refuses the connection. */
  token?: string;
  connectTimeoutMs?: number;
  /** Largest single WebSocket message accepted from the gateway. */
  maxMessageBytes?: number;
  /** PEM certificate(s) to trust for `wss://` beside the system's (a gateway with its own CA). */
  ca?: string | Buffer;
}

/** The gateway could not be reached at all (as opposed to an error it answered with). */
export class ConnectError extends Error {
  constructor(url: string, cause: string) {
    super(`cannot connect to the Framegate gateway at ${url}: ${cause}`);
    this.name = 'ConnectError';
  }
}

/** The gateway refused the connection itself: no token or a wrong or revoked one (401), a browser origin (403). */
export class AuthError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Reads the JSON body (`UpgradeRefusal`) of a refused upgrade. */
function refusalOf(url: string, response: IncomingMessage): Promise<AuthError> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      let message = `the gateway refused the connection (HTTP ${response.statusCode ?? '?'})`;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<UpgradeRefusal>;
        if (typeof body.message === 'string') message = body.message;
      } catch {
        // not JSON: keep the status line
      }
      resolve(new AuthError(url, response.statusCode ?? 0, message));
    };
    response.on('data', (chunk: Buffer) => {
      if (chunks.length < 64) chunks.push(chunk);
    });
    response.once('end', done);
    response.once('error', done);
  });
}

/** Turns a JSON-RPC error (or a dropped connection) into a FramegateError with its code. */
export function toFramegateError(error: unknown): FramegateError {
  if (error instanceof FramegateError) return error;
  if (error instanceof ResponseError) {
    const data = error.data as ErrorData | undefined;
    return new FramegateError(error.code, error.message, data?.detail);
  }
  return new FramegateError(ErrorCodes.InternalError, error instanceof Error ? error.message : String(error));
}

/** Per-request options. */
export interface RequestOptions {
  /**
   * Aborting it sends `$/cancelRequest`: the gateway interrupts the work and answers Cancelled,
   * which is when the request settles (so nothing of it is still running then).
   */
  signal?: AbortSignal;
}

export class GatewayClient {
  private gatewayInfo: Promise<InfoResult> | undefined;

  private constructor(
    private readonly peer: RpcPeer,
    readonly url: string,
  ) {}

  static async connect(url: string, options: ClientOptions = {}): Promise<GatewayClient> {
    try {
      const protocol = new URL(url).protocol;
      if (protocol !== 'ws:' && protocol !== 'wss:') throw new Error(protocol);
    } catch {
      throw new ConnectError(url, 'not a valid ws:// or wss:// URL');
    }
    const socket = new WebSocket(url, {
      maxPayload: options.maxMessageBytes ?? 1024 * 1024 * 1024,
      ...(options.token ? { headers: { Authorization: `Bearer ${options.token}` } } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
    });
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new ConnectError(url, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('unexpected-response', (_request, response) => {
        clearTimeout(timer);
        void refusalOf(url, response).then((error) => {
          socket.terminate();
          reject(error);
        });
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new ConnectError(url, error.message || (error as NodeJS.ErrnoException).code || 'connection failed'));
      });
    });
    const peer = new RpcPeer(wsChannel(socket));
    peer.listen();
    return new GatewayClient(peer, url);
  }

  get closed(): boolean {
    return this.peer.closed;
  }

  async request<T extends RequestType<unknown, unknown>>(type: T, params: ParamsOf<T>, options: RequestOptions = {}): Promise<ResultOf<T>> {
    if (this.peer.closed) throw new FramegateError(ErrorCodes.InternalError, `not connected to ${this.url}`);
    const { signal } = options;
    if (signal?.aborted) throw new FramegateError(ErrorCodes.Cancelled, 'cancelled');
    const source = signal ? new CancellationTokenSource() : undefined;
    const abort = () => source?.cancel();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return source
        ? await this.peer.connection.sendRequest<ResultOf<T>>(type.method, params, source.token)
        : await this.peer.connection.sendRequest<ResultOf<T>>(type.method, params);
    } catch (error) {
      throw toFramegateError(error);
    } finally {
      signal?.removeEventListener('abort', abort);
      source?.dispose();
    }
  }

  /** A window of rows as Arrow IPC bytes. */
  async window(params: ParamsOf<typeof Methods.window>, options: RequestOptions = {}): Promise<{ result: WindowResult; ipc: Uint8Array }> {
    const result = await this.request(Methods.window, params, options);
    return { result, ipc: this.peer.takeAttachment(result.attachment) };
  }

  /**
   * A whole frame or result as Arrow IPC bytes. `onBytes` hears how many bytes of it have arrived
   * so far (for progress), as they arrive.
   */
  async export(
    params: ParamsOf<typeof Methods.export>,
    options: RequestOptions & { onBytes?: (received: number) => void } = {},
  ): Promise<{ result: ExportResult; ipc: Uint8Array }> {
    const watch = options.onBytes ? this.peer.watchIncoming(options.onBytes) : undefined;
    try {
      const result = await this.request(Methods.export, params, options);
      return { result, ipc: this.peer.takeAttachment(result.attachment) };
    } finally {
      watch?.dispose();
    }
  }

  /**
   * A whole frame or result as Arrow IPC stream bytes, in parts as they arrive, never held
   * whole: `parts` ends after the last one (and fails if the export does); `result` settles after.
   */
  async exportStream(params: ParamsOf<typeof Methods.export>, options: RequestOptions = {}): Promise<{ parts: AsyncIterable<Uint8Array>; result: Promise<ExportResult> }> {
    const stream = randomUUID();
    let started: (id: number) => void = () => undefined;
    const announced = new Promise<number>((resolve) => (started = resolve));
    const subscription = this.onNotification(Notifications.exportStarted, (n) => {
      if (n.stream === stream) started(n.attachment);
    });
    const result = this.request(Methods.export, { ...params, stream }, options);
    result.then(
      () => subscription.dispose(),
      () => subscription.dispose(),
    );
    const id = await Promise.race([announced, result.then(() => Promise.reject(new FramegateError(ErrorCodes.InternalError, 'the export ended without announcing its parts')))]);
    const parts = this.peer.streamAttachment(id);
    result.catch((error: unknown) => this.peer.failAttachment(id, error instanceof Error ? error : new Error(String(error))));
    return { parts, result };
  }

  /**
   * Sends Arrow IPC stream bytes (or, with `format`, a CSV, Parquet or JSON file's bytes for the
   * gateway to read), in parts that fit the gateway's message cap, and saves them as a frame.
   * `signal` stops sending parts and cancels the save.
   */
  async upload(
    params: ParamsOf<typeof Methods.upload> extends infer P ? Omit<P, 'attachment'> : never,
    data: Uint8Array | AsyncIterable<Uint8Array>,
    options: RequestOptions = {},
  ): Promise<FrameInfo> {
    this.gatewayInfo ??= this.request(Methods.info, {});
    const { maxMessageBytes } = await this.gatewayInfo;
    const { signal } = options;
    const stopping = async function* (source: Uint8Array | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const part of source instanceof Uint8Array ? [source] : source) {
        if (signal?.aborted) throw new FramegateError(ErrorCodes.Cancelled, 'cancelled');
        yield part;
      }
    };
    const attachment = await this.peer.sendAttachment(signal ? stopping(data) : data, Math.min(MAX_PART_BYTES, maxMessageBytes - ATTACHMENT_HEADER_BYTES));
    return this.request(Methods.upload, { ...params, attachment }, options);
  }

  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): Disposable {
    return this.peer.connection.onNotification(type.method, (params: P) => handler(params));
  }

  /** Called once when the connection ends, with the close code and reason the gateway gave. */
  onClose(handler: (code: number, reason: string) => void): Disposable {
    let active = true;
    this.peer.onClose((code, reason) => {
      if (active) handler(code, reason);
    });
    return { dispose: () => (active = false) };
  }

  close(): void {
    this.peer.close();
  }
}
