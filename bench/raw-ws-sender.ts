/**
 * Baseline for the benchmark: a bare `ws` server in its own process that sends N bytes in 4 MiB
 * binary messages, respecting backpressure, to the first client. What the gateway's Arrow stream
 * is compared with: the same wire on the same machine, with no engine and no Arrow.
 */
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';

const totalBytes = Number(process.argv[2] ?? 256 * 1024 * 1024);
const partBytes = 4 * 1024 * 1024;
const part = new Uint8Array(partBytes).fill(7);

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.stdout.write(`${(wss.address() as AddressInfo).port}\n`));
wss.on('connection', (socket) => {
  let sent = 0;
  const pump = () => {
    while (sent < totalBytes) {
      const size = Math.min(partBytes, totalBytes - sent);
      sent += size;
      const last = sent >= totalBytes;
      const full = socket.bufferedAmount > 8 * partBytes;
      socket.send(size === partBytes ? part : part.subarray(0, size), { binary: true }, () => {
        if (last) socket.close();
        else if (full) pump();
      });
      if (full) return;
    }
  };
  pump();
});
wss.on('close', () => process.exit(0));
