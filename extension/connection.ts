/**
 * The extension's one gateway connection: connect, disconnect, and reconnect with capped
 * exponential backoff when the gateway drops or restarts. No `vscode` here; the status bar,
 * tree and commands subscribe to its events.
 */
import type { FramesChangedNotification } from '../protocol';
import { Notifications } from '../protocol';
import type { GatewayClient } from '../rpc/client';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { Emitter, type Disposable } from './emitter';
import type { Logger } from './log';

export type ConnectionState =
  | { kind: 'disconnected'; error?: string }
  | { kind: 'connecting'; url: string }
  | { kind: 'connected'; url: string; user: string }
  | { kind: 'reconnecting'; url: string; attempt: number; delayMs: number; error?: string };

/** The subset of GatewayClient the extension uses (tests may pass a real client). */
export type Gateway = Pick<GatewayClient, 'request' | 'window' | 'onNotification' | 'onClose' | 'close' | 'closed'>;

export type ConnectFn = (url: string, user: string) => Promise<Gateway>;

export interface ConnectionOptions {
  connect: ConnectFn;
  log: Logger;
  backoff?: BackoffOptions;
  random?: () => number;
}

/** The `error` of a reconnecting state entered because a live connection dropped. */
export const CONNECTION_LOST = 'connection lost';

export class NotConnectedError extends Error {
  constructor() {
    super('Not connected to a Framegate gateway. Run "Framegate: Connect" first.');
    this.name = 'NotConnectedError';
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ConnectionManager implements Disposable {
  private current: Gateway | undefined;
  private currentState: ConnectionState = { kind: 'disconnected' };
  private subscriptions: Disposable[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every user connect/disconnect, so a stale retry or close event does nothing. */
  private generation = 0;

  private readonly stateEmitter = new Emitter<ConnectionState>();
  private readonly connectedEmitter = new Emitter<Gateway>();
  private readonly framesChangedEmitter = new Emitter<FramesChangedNotification>();
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires after every successful connect or reconnect (refresh what you show). */
  readonly onDidConnect = this.connectedEmitter.event;
  readonly onFramesChanged = this.framesChangedEmitter.event;

  constructor(private readonly options: ConnectionOptions) {}

  get state(): ConnectionState {
    return this.currentState;
  }

  get client(): Gateway | undefined {
    return this.current;
  }

  /** The connected client, or NotConnectedError. */
  requireClient(): Gateway {
    if (!this.current || this.current.closed) throw new NotConnectedError();
    return this.current;
  }

  /**
   * Connects (closing any previous connection). With `retry`, a failure is not thrown but
   * retried with backoff (auto-connect at start-up, when the gateway may not be up yet).
   */
  async connect(url: string, user: string, { retry = false }: { retry?: boolean } = {}): Promise<void> {
    const generation = this.reset();
    this.setState({ kind: 'connecting', url });
    this.options.log.info('connect', { url, user });
    try {
      const client = await this.options.connect(url, user);
      if (generation !== this.generation) {
        client.close();
        return;
      }
      this.attach(client, url, user, generation);
    } catch (error) {
      if (generation !== this.generation) return;
      this.options.log.warn('connect.failed', { url, error });
      if (retry) {
        this.scheduleRetry(url, user, 0, generation, message(error));
        return;
      }
      this.setState({ kind: 'disconnected', error: message(error) });
      throw error;
    }
  }

  /** Closes the connection and stops reconnecting. */
  disconnect(): void {
    const wasConnected = this.current !== undefined || this.currentState.kind !== 'disconnected';
    this.reset();
    this.setState({ kind: 'disconnected' });
    if (wasConnected) this.options.log.info('disconnect');
  }

  dispose(): void {
    this.reset();
    this.stateEmitter.dispose();
    this.connectedEmitter.dispose();
    this.framesChangedEmitter.dispose();
  }

  private reset(): number {
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.subscriptions = [];
    const client = this.current;
    this.current = undefined;
    client?.close();
    return this.generation;
  }

  private attach(client: Gateway, url: string, user: string, generation: number): void {
    this.current = client;
    this.subscriptions.push(
      client.onNotification<FramesChangedNotification>(Notifications.framesChanged, (change) => {
        this.options.log.info('frames.changed', { ...change });
        this.framesChangedEmitter.fire(change);
      }),
      client.onClose(() => {
        if (generation !== this.generation || this.current !== client) return;
        this.options.log.warn('connection.lost', { url });
        for (const subscription of this.subscriptions) subscription.dispose();
        this.subscriptions = [];
        this.current = undefined;
        this.scheduleRetry(url, user, 0, generation, CONNECTION_LOST);
      }),
    );
    this.setState({ kind: 'connected', url, user });
    this.options.log.info('connected', { url, user });
    this.connectedEmitter.fire(client);
  }

  private scheduleRetry(url: string, user: string, attempt: number, generation: number, error: string): void {
    const delayMs = backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random);
    this.setState({ kind: 'reconnecting', url, attempt: attempt + 1, delayMs, error });
    this.options.log.info('reconnect.scheduled', { url, attempt: attempt + 1, delayMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (generation !== this.generation) return;
      this.options.connect(url, user).then(
        (client) => {
          if (generation !== this.generation) client.close();
          else this.attach(client, url, user, generation);
        },
        (failure: unknown) => {
          if (generation !== this.generation) return;
          this.options.log.warn('reconnect.failed', { url, attempt: attempt + 1, error: failure });
          this.scheduleRetry(url, user, attempt + 1, generation, message(failure));
        },
      );
    }, delayMs);
  }

  private setState(state: ConnectionState): void {
    this.currentState = state;
    this.stateEmitter.fire(state);
  }
}
