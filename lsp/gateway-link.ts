/**
 * The language server's connection to the gateway, as the extension hands it over (URL and token,
 * again whenever the extension connects, signs in or disconnects). Connects on first use; after a
 * failure it waits before trying again, so an editor typing against a gateway that is down does
 * not open a connection per keystroke.
 */
import { Notifications } from '../protocol';
import { GatewayClient } from '../rpc/client';

export interface GatewayTarget {
  url: string;
  token?: string;
}

const RETRY_AFTER_MS = 3_000;
const CONNECT_TIMEOUT_MS = 5_000;

export class GatewayLink {
  private target: GatewayTarget | undefined;
  private client: Promise<GatewayClient> | undefined;
  private generation = 0;
  private failedAt = 0;

  constructor(
    private readonly log: (message: string) => void,
    /** A frame the caller can see changed: cached checks may be wrong now. */
    private readonly onFramesChanged: () => void,
  ) {}

  /** Where to connect from now on (undefined: nowhere); the current connection is closed. */
  setTarget(target: GatewayTarget | undefined): void {
    this.generation++;
    void this.client?.then((c) => c.close(), () => undefined);
    this.client = undefined;
    this.failedAt = 0;
    this.target = target;
  }

  get connected(): boolean {
    return this.target !== undefined;
  }

  /** The live connection, connecting if need be; undefined when there is none to be had now. */
  async get(): Promise<GatewayClient | undefined> {
    const target = this.target;
    if (!target) return undefined;
    if (this.client) {
      const current = await this.client.catch(() => undefined);
      if (current && !current.closed) return current;
      this.client = undefined;
    }
    if (Date.now() - this.failedAt < RETRY_AFTER_MS) return undefined;
    const generation = this.generation;
    const attempt = GatewayClient.connect(target.url, { connectTimeoutMs: CONNECT_TIMEOUT_MS, ...(target.token ? { token: target.token } : {}) });
    this.client = attempt;
    try {
      const client = await attempt;
      if (generation !== this.generation) {
        client.close();
        return undefined;
      }
      client.onNotification(Notifications.framesChanged, () => this.onFramesChanged());
      this.log(`connected to ${target.url}`);
      return client;
    } catch (error) {
      if (generation === this.generation) {
        this.client = undefined;
        this.failedAt = Date.now();
      }
      this.log(`cannot reach ${target.url}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  dispose(): void {
    this.setTarget(undefined);
  }
}
