/**
 * A Channel is one bidirectional, ordered message pipe: text messages carry JSON-RPC, binary
 * messages carry attachment frames. The RPC core speaks only to this interface, so it runs over a
 * WebSocket (ws-channel.ts) or an in-memory pair in tests alike.
 */
export interface Channel {
  /**
   * Queues a message. Resolves when the queue is back under the channel's high-water mark, so a
   * sender that awaits each send never outruns a slow reader. Rejects if the channel is closed.
   */
  send(data: string | Uint8Array): Promise<void>;
  onMessage(listener: (data: string | Uint8Array) => void): void;
  onClose(listener: (code: number, reason: string) => void): void;
  close(code?: number, reason?: string): void;
  /** Resolves once every message sent so far has been handed to the network, or the channel closed. */
  flushed(): Promise<void>;
  /** Stops / restarts delivering incoming messages (a reader writing a stream out cannot keep up); optional. */
  pause?(): void;
  resume?(): void;
  /** Bytes queued but not yet handed to the network. */
  readonly bufferedAmount: number;
  readonly isOpen: boolean;
}

/** Close codes Framegate uses beside the WebSocket standard ones. */
export const CloseCodes = {
  normal: 1000,
  goingAway: 1001,
  /** The peer sent something we cannot accept as a protocol message. */
  protocolError: 1002,
  /** A message, or an attachment assembled from several, exceeded the cap. */
  tooLarge: 1009,
  /** The token of this connection stopped working (rotated, revoked, user removed): sign in again. */
  unauthorized: 4001,
  /** An admin disconnected this session (`framegate admin kick`); the reason says who. */
  kicked: 4003,
  /** The peer stopped reading: its send queue, or its queue of events, reached the bound. */
  slowConsumer: 4008,
} as const;
