/**
 * GatewayClient: the typed client the CLI and the VS Code extension use. One WebSocket, JSON-RPC
 * requests with protocol types, Arrow bytes resolved from attachments, errors as FramegateError.
 */
import { userInfo } from 'node:os';
import WebSocket from 'ws';
import { ResponseError, type Disposable } from 'vscode-jsonrpc/node';
import {
  ATTACHMENT_HEADER_BYTES,
  ErrorCodes,
  FramegateError,
  Methods,
  type ErrorData,
  type ExportResult,
  type FrameInfo,
  type InfoResult,
  type MethodName,
  type ParamsOf,
  type ResultOf,
  type WindowResult,
} from '../protocol';
import { MAX_PART_BYTES } from './attachments';
import { RpcPeer } from './peer';
import { wsChannel } from './ws-channel';

export interface ClientOptions {
  /** Who this client acts as; the owner of what it saves. Defaults to the OS user name. */
  user?: string;
  connectTimeoutMs?: number;
  /** Largest single WebSocket message accepted from the gateway. */
  maxMessageBytes?: number;
}

/** The gateway could not be reached at all (as opposed to an error it answered with). */
export class ConnectError extends Error {
  constructor(url: string, cause: string) {
    super(`cannot connect to the Framegate gateway at ${url}: ${cause}`);
    this.name = 'ConnectError';
  }
}

function defaultUser(): string {
  try {
    return userInfo().username || 'anonymous';
  } catch {
    return 'anonymous';
  }
}

function withUser(url: string, user: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('user', user);
  return parsed.toString();
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

export class GatewayClient {
  private gatewayInfo: Promise<InfoResult> | undefined;

  private constructor(
    private readonly peer: RpcPeer,
    readonly url: string,
    readonly user: string,
  ) {}

  static async connect(url: string, options: ClientOptions = {}): Promise<GatewayClient> {
    const user = options.user ?? defaultUser();
    let target: string;
    try {
      target = withUser(url, user);
    } catch {
      throw new ConnectError(url, 'not a valid ws:// or wss:// URL');
    }
    const socket = new WebSocket(target, { maxPayload: options.maxMessageBytes ?? 1024 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new ConnectError(url, `no answer within ${options.connectTimeoutMs ?? 10_000} ms`));
      }, options.connectTimeoutMs ?? 10_000);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new ConnectError(url, error.message || (error as NodeJS.ErrnoException).code || 'connection failed'));
      });
    });
    const peer = new RpcPeer(wsChannel(socket));
    peer.listen();
    return new GatewayClient(peer, url, user);
  }

  get closed(): boolean {
    return this.peer.closed;
  }

  async request<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    if (this.peer.closed) throw new FramegateError(ErrorCodes.InternalError, `not connected to ${this.url}`);
    try {
      return await this.peer.connection.sendRequest<ResultOf<M>>(method, params);
    } catch (error) {
      throw toFramegateError(error);
    }
  }

  /** A window of rows as Arrow IPC bytes. */
  async window(params: ParamsOf<typeof Methods.window>): Promise<{ result: WindowResult; ipc: Uint8Array }> {
    const result = await this.request(Methods.window, params);
    return { result, ipc: this.peer.takeAttachment(result.attachment) };
  }

  /** A whole frame or result as Arrow IPC bytes. */
  async export(params: ParamsOf<typeof Methods.export>): Promise<{ result: ExportResult; ipc: Uint8Array }> {
    const result = await this.request(Methods.export, params);
    return { result, ipc: this.peer.takeAttachment(result.attachment) };
  }

  /** Sends Arrow IPC stream bytes, in parts that fit the gateway's message cap, and saves them as a frame. */
  async upload(params: { name: string; replace?: boolean }, ipc: Uint8Array | AsyncIterable<Uint8Array>): Promise<FrameInfo> {
    this.gatewayInfo ??= this.request(Methods.info, {});
    const { maxMessageBytes } = await this.gatewayInfo;
    const attachment = await this.peer.sendAttachment(ipc, Math.min(MAX_PART_BYTES, maxMessageBytes - ATTACHMENT_HEADER_BYTES));
    return this.request(Methods.upload, { ...params, attachment });
  }

  onNotification<P>(method: string, handler: (params: P) => void): Disposable {
    return this.peer.connection.onNotification(method, (params: P) => handler(params));
  }

  onClose(handler: () => void): Disposable {
    let active = true;
    this.peer.onClose(() => {
      if (active) handler();
    });
    return { dispose: () => (active = false) };
  }

  close(): void {
    this.peer.close();
  }
}
