/**
 * The extension's one gateway connection: connect, disconnect, and reconnect with capped
 * exponential backoff when the gateway drops or restarts. Knows who it is connected as (`whoami`
 * after every connect). An authentication failure (no token, a refused token at connect, or the
 * gateway closing the session with 4001 because the token was rotated or revoked) stops retrying
 * and leaves the state `signInRequired`: only a new Sign In can help. No `vscode` here; the status
 * bar, tree and commands subscribe to its events.
 */
import { connect as connectTcp } from 'node:net';
import { Methods, Notifications, type GatewayEvent, type WhoAmIResult } from '../protocol';
import { CloseCodes } from '../rpc/channel';
import type { GatewayClient } from '../rpc/client';
import { failureKind } from './auth';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { Emitter, type Disposable } from './emitter';
import type { Logger } from './log';

export type ConnectionState =
  | { kind: 'disconnected'; error?: string }
  | { kind: 'connecting'; url: string }
  | { kind: 'connected'; url: string; me: WhoAmIResult }
  | { kind: 'reconnecting'; url: string; attempt: number; delayMs: number; error?: string }
  /** The gateway refused who we are (or we have no token): retries stopped until a new Sign In. */
  | { kind: 'signInRequired'; url: string; message: string };

/** The subset of GatewayClient the extension uses (tests may pass a real client or a fake). */
export type Gateway = Pick<GatewayClient, 'request' | 'window' | 'exportStream' | 'upload' | 'onNotification' | 'onClose' | 'close' | 'closed'>;

/** Opens a connection to `url` (finding the token is the caller's business). */
export type ConnectFn = (url: string) => Promise<Gateway>;

/** Resolves true when something accepts connections at `url`'s host and port (no WebSocket, no token). */
export type ProbeFn = (url: string) => Promise<boolean>;

export interface ConnectionOptions {
  connect: ConnectFn;
  log: Logger;
  backoff?: BackoffOptions;
  random?: () => number;
  /**
   * While reconnecting, asked every `probeIntervalMs` whether the gateway's port answers again;
   * when it does, the next attempt starts at once instead of at the end of a long backoff.
   */
  probe?: ProbeFn;
  probeIntervalMs?: number;
}

/** A TCP connect to the URL's host and port, given up after `timeoutMs`. */
export const tcpProbe: ProbeFn = (url) =>
  new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(false);
      return;
    }
    const port = Number(target.port || (target.protocol === 'wss:' ? 443 : 80));
    const socket = connectTcp({ host: target.hostname.replace(/^\[|\]$/g, ''), port, timeout: 2_000 });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });

const DEFAULT_PROBE_MS = 1_000;

/** The `error` of a reconnecting state entered because a live connection dropped. */
export const CONNECTION_LOST = 'connection lost';

/** The `error` of a reconnecting state entered because the gateway dropped us for reading too slowly (4008). */
export const FELL_BEHIND = 'the gateway disconnected this window: it fell behind on live updates';

/** A close the gateway chose (kicked, too slow, token revoked, stopping), as the client saw it. */
export interface GatewayClose {
  url: string;
  code: number;
  reason: string;
}

/** What a 4001 close says when the gateway gave no reason. */
export const SESSION_REVOKED = 'the gateway closed the session: your token no longer works; sign in again';

/** What a request made now cannot get, in the user's terms, for each state but `connected`. */
export function notConnectedMessage(state?: ConnectionState): string {
  switch (state?.kind) {
    case 'signInRequired':
      return 'Not signed in to the Framegate gateway. Run "Framegate: Sign In" first.';
    case 'connecting':
      return 'Still connecting to the Framegate gateway; try again in a moment.';
    case 'reconnecting':
      return 'The connection to the Framegate gateway was lost and is being re-established; try again in a moment (the status bar menu has Retry Now).';
    default:
      return 'Not connected to a Framegate gateway. Run "Framegate: Connect" first.';
  }
}

export class NotConnectedError extends Error {
  constructor(state?: ConnectionState) {
    super(notConnectedMessage(state));
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
  private probeTimer: ReturnType<typeof setInterval> | undefined;
  /** Starts the scheduled reconnect attempt now; set while one is scheduled. */
  private attemptNow: (() => void) | undefined;
  /** Bumped by every user connect/disconnect, so a stale retry or close event does nothing. */
  private generation = 0;

  private readonly stateEmitter = new Emitter<ConnectionState>();
  private readonly connectedEmitter = new Emitter<Gateway>();
  private readonly eventEmitter = new Emitter<GatewayEvent>();
  private readonly closeEmitter = new Emitter<GatewayClose>();
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires after every successful connect or reconnect (refresh what you show). */
  readonly onDidConnect = this.connectedEmitter.event;
  /** Live events (`events/event`): what others (and you) did to what you may see. */
  readonly onEvent = this.eventEmitter.event;
  /** The gateway closed the connection (not fired when we close it). */
  readonly onDidClose = this.closeEmitter.event;

  constructor(private readonly options: ConnectionOptions) {}

  get state(): ConnectionState {
    return this.currentState;
  }

  get client(): Gateway | undefined {
    return this.current;
  }

  /** Who the gateway says we are, while connected. */
  get me(): WhoAmIResult | undefined {
    return this.currentState.kind === 'connected' ? this.currentState.me : undefined;
  }

  /** The URL of the gateway this connection is (or was last) about, if any. */
  get url(): string | undefined {
    return this.currentState.kind === 'disconnected' ? undefined : this.currentState.url;
  }

  /** The connected client, or NotConnectedError. */
  requireClient(): Gateway {
    if (!this.current || this.current.closed) throw new NotConnectedError(this.currentState);
    return this.current;
  }

  /**
   * Connects (closing any previous connection). With `retry`, a network failure is not thrown but
   * retried with backoff (auto-connect at start-up, when the gateway may not be up yet). An
   * authentication failure is never thrown nor retried: the state becomes `signInRequired`.
   */
  async connect(url: string, { retry = false }: { retry?: boolean } = {}): Promise<void> {
    const generation = this.reset();
    this.setState({ kind: 'connecting', url });
    this.options.log.info('connect', { url });
    try {
      const { client, me } = await this.open(url);
      if (generation !== this.generation) {
        client.close();
        return;
      }
      this.attach(client, url, me, generation);
    } catch (error) {
      if (generation !== this.generation) return;
      this.options.log.warn('connect.failed', { url, error });
      const kind = failureKind(error);
      if (kind === 'signIn') {
        this.signInRequired(url, message(error));
        return;
      }
      if (retry && kind === 'network') {
        this.scheduleRetry(url, 0, generation, message(error));
        return;
      }
      this.setState({ kind: 'disconnected', error: message(error) });
      throw error;
    }
  }

  /**
   * While reconnecting: tries at once instead of waiting out the backoff (Retry Now, the window
   * regaining focus, the gateway's port answering again). Does nothing in other states.
   */
  retryNow(): void {
    if (this.currentState.kind !== 'reconnecting' || !this.attemptNow) return;
    this.options.log.info('reconnect.now', { url: this.currentState.url });
    this.attemptNow();
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
    this.eventEmitter.dispose();
    this.closeEmitter.dispose();
  }

  /** Connects and asks who we are; a client whose `whoami` fails is closed again. */
  private async open(url: string): Promise<{ client: Gateway; me: WhoAmIResult }> {
    const client = await this.options.connect(url);
    try {
      return { client, me: await client.request(Methods.whoami, {}) };
    } catch (error) {
      client.close();
      throw error;
    }
  }

  private stopRetrying(): void {
    clearTimeout(this.retryTimer);
    clearInterval(this.probeTimer);
    this.retryTimer = undefined;
    this.probeTimer = undefined;
    this.attemptNow = undefined;
  }

  private reset(): number {
    this.generation++;
    this.stopRetrying();
    this.detach();
    const client = this.current;
    this.current = undefined;
    client?.close();
    return this.generation;
  }

  private detach(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.subscriptions = [];
  }

  private attach(client: Gateway, url: string, me: WhoAmIResult, generation: number): void {
    this.current = client;
    this.subscriptions.push(
      client.onNotification(Notifications.event, (event) => {
        this.options.log.info('event', { seq: event.seq, type: event.type, by: event.by, ...('object' in event ? { object: event.object.name } : {}) });
        this.eventEmitter.fire(event);
      }),
      client.onClose((code, reason) => {
        if (generation !== this.generation || this.current !== client) return;
        this.detach();
        this.current = undefined;
        this.closed(url, code, reason, generation);
        this.closeEmitter.fire({ url, code, reason });
      }),
    );
    this.setState({ kind: 'connected', url, me });
    this.options.log.info('connected', { url, user: me.user, admin: me.admin });
    this.connectedEmitter.fire(client);
  }

  /** The gateway closed a live connection: what to do depends on why (its close code). */
  private closed(url: string, code: number, reason: string, generation: number): void {
    switch (code) {
      case CloseCodes.unauthorized:
        this.options.log.warn('connection.unauthorized', { url, code, reason });
        this.signInRequired(url, reason || SESSION_REVOKED);
        return;
      case CloseCodes.kicked:
        // An admin meant it: coming straight back would undo that. The user reconnects.
        this.options.log.warn('connection.kicked', { url, code, reason });
        this.generation++;
        this.setState({ kind: 'disconnected', error: reason || 'disconnected by an admin' });
        return;
      case CloseCodes.slowConsumer:
        // Events were dropped for us: reconnect now; onDidConnect makes everyone list again.
        this.options.log.warn('connection.fellBehind', { url, code, reason });
        this.scheduleRetry(url, 0, generation, FELL_BEHIND, 0);
        return;
      default:
        this.options.log.warn('connection.lost', { url, code, reason });
        this.scheduleRetry(url, 0, generation, CONNECTION_LOST);
    }
  }

  private signInRequired(url: string, text: string): void {
    this.generation++;
    this.stopRetrying();
    this.options.log.warn('signIn.required', { url, reason: text });
    this.setState({ kind: 'signInRequired', url, message: text });
  }

  private scheduleRetry(url: string, attempt: number, generation: number, error: string, delay?: number): void {
    const delayMs = delay ?? backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random);
    this.setState({ kind: 'reconnecting', url, attempt: attempt + 1, delayMs, error });
    this.options.log.info('reconnect.scheduled', { url, attempt: attempt + 1, delayMs });
    const tryNow = () => {
      this.stopRetrying();
      if (generation !== this.generation) return;
      this.open(url).then(
        ({ client, me }) => {
          if (generation !== this.generation) client.close();
          else this.attach(client, url, me, generation);
        },
        (failure: unknown) => {
          if (generation !== this.generation) return;
          this.options.log.warn('reconnect.failed', { url, attempt: attempt + 1, error: failure });
          const kind = failureKind(failure);
          if (kind === 'signIn') this.signInRequired(url, message(failure));
          else if (kind === 'refused') this.setState({ kind: 'disconnected', error: message(failure) });
          else this.scheduleRetry(url, attempt + 1, generation, message(failure));
        },
      );
    };
    this.attemptNow = tryNow;
    this.retryTimer = setTimeout(tryNow, delayMs);
    const probe = this.options.probe;
    // A port that answers again means the gateway is back: no reason to wait out the backoff.
    if (probe && delayMs > (this.options.probeIntervalMs ?? DEFAULT_PROBE_MS)) {
      let probing = false;
      this.probeTimer = setInterval(() => {
        if (probing) return;
        probing = true;
        void probe(url).then((up) => {
          probing = false;
          if (up && this.attemptNow === tryNow) {
            this.options.log.info('reconnect.gatewayBack', { url });
            tryNow();
          }
        });
      }, this.options.probeIntervalMs ?? DEFAULT_PROBE_MS);
    }
  }

  private setState(state: ConnectionState): void {
    this.currentState = state;
    this.stateEmitter.fire(state);
  }
}
