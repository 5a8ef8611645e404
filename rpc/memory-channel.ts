/**
 * Two Channels joined in memory, for tests of the RPC core and of sessions without sockets (as
 * `ws`'s duplex pair). Messages are delivered asynchronously and in order, like a socket's; a
 * close on either end closes both with the same code and reason.
 */
import { CloseCodes, type Channel } from './channel';

class MemoryChannel implements Channel {
  peer!: MemoryChannel;
  private readonly messageListeners: ((data: string | Uint8Array) => void)[] = [];
  private readonly closeListeners: ((code: number, reason: string) => void)[] = [];
  private open = true;

  get bufferedAmount(): number {
    return 0;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Nothing waits in between: a message is on its way as soon as it is sent. */
  flushed(): Promise<void> {
    return Promise.resolve();
  }

  send(data: string | Uint8Array): Promise<void> {
    if (!this.open) return Promise.reject(new Error('connection closed'));
    // A copy, as a socket would hand over: the sender may reuse its buffer.
    const copy = typeof data === 'string' ? data : data.slice();
    setImmediate(() => this.peer.deliver(copy));
    return Promise.resolve();
  }

  onMessage(listener: (data: string | Uint8Array) => void): void {
    this.messageListeners.push(listener);
  }

  onClose(listener: (code: number, reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  close(code: number = CloseCodes.normal, reason = ''): void {
    if (!this.open) return;
    this.finish(code, reason);
    setImmediate(() => this.peer.finish(code, reason));
  }

  private deliver(data: string | Uint8Array): void {
    if (this.open) for (const listener of this.messageListeners) listener(data);
  }

  private finish(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    for (const listener of this.closeListeners) listener(code, reason);
  }
}

export function channelPair(): [Channel, Channel] {
  const a = new MemoryChannel();
  const b = new MemoryChannel();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
