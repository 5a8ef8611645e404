/**
 * The benchmark's wire baseline: a bare `ws` server in a process of its own that sends ready-made
 * Arrow bytes framed exactly as the gateway frames attachments (protocol/attachments: 8-byte
 * header, parts of at most 4 MiB, an empty final part for a stream), followed by a small JSON
 * reply, so the client does what the real client does with them: copy each payload, join the
 * parts, parse the reply. No engine, no catalog, no JSON-RPC library: what is left is the wire.
 *
 * `raw-ws-sender.ts <file>`: prints its port, then
 * - on `{"id":n,"window":true}` sends <file> as one attachment, then `{"id":n}`;
 * - on `{"id":n,"stream":bytes}` sends `bytes` bytes (<file> repeated) in 4 MiB parts with
 *   backpressure respected, then an empty final part, then `{"id":n}`.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeAttachmentFrame } from '../protocol';

const PART_BYTES = 4 * 1024 * 1024;
const HIGH_WATER = 4 * 1024 * 1024;
const payload = new Uint8Array(readFileSync(process.argv[2]!));
const windowFrame = encodeAttachmentFrame(1, payload, true);
/** A full part's worth of the file, repeated (streams are opaque bytes to the wire). */
const streamPart = new Uint8Array(PART_BYTES);
for (let at = 0; at < PART_BYTES; at += payload.byteLength) streamPart.set(payload.subarray(0, Math.min(payload.byteLength, PART_BYTES - at)), at);

/** Sends `frame`, waiting for the socket to drain when its queue is past the high-water mark (as rpc/ws-channel does). */
function send(socket: WebSocket, frame: Uint8Array | string): Promise<void> {
  if (socket.bufferedAmount <= HIGH_WATER) {
    socket.send(frame, { binary: typeof frame !== 'string' });
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => socket.send(frame, { binary: typeof frame !== 'string' }, (error) => (error ? reject(error) : resolve())));
}

async function stream(socket: WebSocket, id: number, bytes: number): Promise<void> {
  for (let sent = 0; sent < bytes; ) {
    const size = Math.min(PART_BYTES, bytes - sent);
    await send(socket, encodeAttachmentFrame(2, streamPart.subarray(0, size), false));
    sent += size;
  }
  await send(socket, encodeAttachmentFrame(2, new Uint8Array(0), true));
  await send(socket, JSON.stringify({ id }));
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.stdout.write(`${(wss.address() as AddressInfo).port}\n`));
wss.on('connection', (socket) => {
  socket.on('message', (data: Buffer) => {
    const request = JSON.parse(data.toString('utf8')) as { id: number; window?: boolean; stream?: number };
    if (request.window) {
      socket.send(windowFrame, { binary: true });
      socket.send(JSON.stringify({ id: request.id, rows: 1000 }));
    } else if (request.stream) {
      void stream(socket, request.id, request.stream);
    }
  });
});
