/**
 * The `ws` adapter: a Channel over a WebSocket from the `ws` package (server-side sockets and Node
 * clients alike). It honours backpressure: `send` waits for the socket to flush once more than
 * `highWaterBytes` are queued, and a peer that stops reading is cut off when its queue would pass
 * `maxQueuedBytes`, because `ws` itself would buffer without bound.
 */
import WebSocket from 'ws';
import { CloseCodes, type Channel } from './channel';

export interface WsChannelOptions {
  /** Queue size above which `send` waits for the socket to flush. */
  highWaterBytes?: number;
  /** Queue size at which the peer is judged not to be reading and the socket is terminated. */
  maxQueuedBytes?: number;
  /** Ping this often; a peer that has not answered the previous ping by then is cut off. */
  heartbeatMs?: number;
}

const DEFAULT_HIGH_WATER = 4 * 1024 * 1024;
const DEFAULT_MAX_QUEUED = 256 * 1024 * 1024;

export class ChannelClosedError extends Error {
  constructor(reason: string) {
    super(`connection closed: ${reason}`);
    this.name = 'ChannelClosedError';
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

export function wsChannel(socket: WebSocket, options: WsChannelOptions = {}): Channel {
  const highWater = options.highWaterBytes ?? DEFAULT_HIGH_WATER;
  const maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED;
  let closeReason = 'not open';
  // Senders waiting for the queue to drain; a closed socket must not leave them hanging.
  const waiting = new Set<(error: Error) => void>();
  // Messages handed to ws whose write has not completed, and who waits for that count to reach 0.
  let unwritten = 0;
  const flushWaiters: Array<() => void> = [];
  const written = () => {
    if (--unwritten > 0) return;
    for (const resolve of flushWaiters.splice(0)) resolve();
  };

  socket.on('close', (_code, reason) => {
    closeReason = reason.toString() || 'closed';
    for (const fail of waiting) fail(new ChannelClosedError(closeReason));
    waiting.clear();
    unwritten = 0;
    for (const resolve of flushWaiters.splice(0)) resolve();
  });

  if (options.heartbeatMs) {
    let answered = true;
    socket.on('pong', () => (answered = true));
    const timer = setInterval(() => {
      if (!answered) {
        closeReason = 'no answer to ping';
        socket.terminate();
        return;
      }
      answered = false;
      socket.ping();
    }, options.heartbeatMs);
    timer.unref();
    socket.on('close', () => clearInterval(timer));
  }

  return {
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    get isOpen() {
      return socket.readyState === WebSocket.OPEN;
    },
    send(data) {
      if (socket.readyState !== WebSocket.OPEN) return Promise.reject(new ChannelClosedError(closeReason));
      const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
      if (socket.bufferedAmount + size > maxQueued) {
        closeReason = `send queue passed ${maxQueued} bytes: the peer is not reading`;
        // A close frame would wait behind the queue the peer is not reading: cut the socket instead.
        socket.terminate();
        return Promise.reject(new ChannelClosedError(closeReason));
      }
      const mustWait = socket.bufferedAmount + size > highWater;
      unwritten++;
      if (!mustWait) {
        socket.send(data, { binary: typeof data !== 'string' }, written);
        return Promise.resolve();
      }
      // ws calls back once this message has been written to the OS socket; waiting on that only
      // when over the high-water mark keeps small messages cheap.
      return new Promise<void>((resolve, reject) => {
        const fail = (error: Error) => reject(error);
        waiting.add(fail);
        socket.send(data, { binary: typeof data !== 'string' }, (error) => {
          written();
          waiting.delete(fail);
          if (error) reject(new ChannelClosedError(error.message));
          else resolve();
        });
      });
    },
    flushed() {
      if (unwritten === 0 || socket.readyState !== WebSocket.OPEN) return Promise.resolve();
      return new Promise<void>((resolve) => flushWaiters.push(resolve));
    },
    onMessage(listener) {
      socket.on('message', (data, isBinary) => {
        const bytes = toBytes(data);
        listener(isBinary ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
      });
    },
    onClose(listener) {
      socket.on('close', (code, reason) => listener(code, reason.toString()));
    },
    pause() {
      socket.pause();
    },
    resume() {
      socket.resume();
    },
    close(code = CloseCodes.normal, reason = '') {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(code, reason);
    },
  };
}
