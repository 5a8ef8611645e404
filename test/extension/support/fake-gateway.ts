/** A stand-in for a GatewayClient in tests that need no network. */
import type { WhoAmIResult } from '../../../protocol';
import type { Gateway } from '../../../extension/connection';

/** A gateway connection that answers `whoami` and can be closed by the "gateway" with a code. */
export class FakeGateway {
  closed = false;
  closedByUs = false;
  private readonly closeHandlers: ((code: number, reason: string) => void)[] = [];
  private readonly notificationHandlers = new Map<string, (params: unknown) => void>();

  /** Every request other than whoami, in order. */
  readonly requests: { method: string; params: unknown }[] = [];

  /** `answers` maps a method name to what it returns (or throws) for the given params. */
  constructor(
    private readonly me: WhoAmIResult | Error,
    private readonly answers: Record<string, (params: unknown) => unknown> = {},
  ) {}

  readonly request = ((type: { method: string }, params: unknown) => {
    if (type.method === 'auth/whoami') return this.me instanceof Error ? Promise.reject(this.me) : Promise.resolve(this.me);
    this.requests.push({ method: type.method, params });
    const answer = this.answers[type.method];
    if (!answer) return Promise.reject(new Error(`unexpected ${type.method}`));
    try {
      return Promise.resolve(answer(params));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }) as unknown as Gateway['request'];

  readonly window = (() => Promise.reject(new Error('unused'))) as unknown as Gateway['window'];
  readonly exportStream = (() => Promise.reject(new Error('unused'))) as unknown as Gateway['exportStream'];
  readonly upload = (() => Promise.reject(new Error('unused'))) as unknown as Gateway['upload'];

  readonly onNotification = ((type: { method: string }, handler: (params: unknown) => void) => {
    this.notificationHandlers.set(type.method, handler);
    return { dispose: () => this.notificationHandlers.delete(type.method) };
  }) as unknown as Gateway['onNotification'];

  readonly onClose = ((handler: (code: number, reason: string) => void) => {
    this.closeHandlers.push(handler);
    return { dispose: () => undefined };
  }) as Gateway['onClose'];

  close(): void {
    this.closedByUs = true;
    this.closed = true;
  }

  /** The gateway ends the session. */
  drop(code: number, reason = ''): void {
    this.closed = true;
    for (const handler of this.closeHandlers) handler(code, reason);
  }

  notify(method: string, params: unknown): void {
    this.notificationHandlers.get(method)?.(params);
  }

  asGateway(): Gateway {
    return this;
  }
}

