import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ErrorCodes, FramegateError } from '../../protocol';
import { RpcPeer, type RpcPeerOptions } from '../../rpc/peer';
import { wsChannel, type WsChannelOptions } from '../../rpc/ws-channel';
import { MAX_PART_BYTES } from '../../rpc/attachments';

interface Harness {
  url: string;
  serverPeers: Promise<RpcPeer>;
  close(): Promise<void>;
}

/** A real ws server on a free loopback port; `setup` registers handlers on each server-side peer. */
async function startServer(setup: (peer: RpcPeer) => void, channelOptions: WsChannelOptions = {}, peerOptions: RpcPeerOptions = {}): Promise<Harness> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const serverPeers = new Promise<RpcPeer>((resolve) => {
    wss.on('connection', (socket) => {
      const peer = new RpcPeer(wsChannel(socket, channelOptions), peerOptions);
      setup(peer);
      peer.listen();
      resolve(peer);
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    serverPeers,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

async function connect(url: string): Promise<{ socket: WebSocket; peer: RpcPeer }> {
  const socket = new WebSocket(url);
  await once(socket, 'open');
  const peer = new RpcPeer(wsChannel(socket));
  peer.listen();
  return { socket, peer };
}

/** Sends raw text and resolves with the next text message the server answers. */
async function rawExchange(socket: WebSocket, text: string): Promise<Record<string, unknown>> {
  const reply = once(socket, 'message');
  socket.send(text);
  const [data] = (await reply) as [Buffer];
  return JSON.parse(data.toString()) as Record<string, unknown>;
}

test('a request gets its result over a real WebSocket', async (t) => {
  const server = await startServer((peer) => peer.connection.onRequest('math/add', (p: { a: number; b: number }) => p.a + p.b));
  t.after(() => server.close());
  const { peer } = await connect(server.url);
  t.after(() => peer.close());
  assert.equal(await peer.connection.sendRequest('math/add', { a: 2, b: 40 }), 42);
});

test('attachments larger than one part arrive whole, in both directions', async (t) => {
  const big = new Uint8Array(MAX_PART_BYTES * 2 + 12345).map((_, i) => (i * 7) % 251);
  let serverPeer: RpcPeer | undefined;
  const server = await startServer((peer) => {
    serverPeer = peer;
    peer.connection.onRequest('blob/get', async () => ({ attachment: await peer.sendAttachment(big) }));
    peer.connection.onRequest('blob/put', (p: { attachment: number }) => {
      const bytes = peer.takeAttachment(p.attachment);
      return { length: bytes.byteLength, sum: bytes.reduce((s, b) => s + b, 0) };
    });
  });
  t.after(() => server.close());
  const { peer } = await connect(server.url);
  t.after(() => peer.close());

  const got = await peer.connection.sendRequest<{ attachment: number }>('blob/get', {});
  assert.deepEqual(peer.takeAttachment(got.attachment), big);

  async function* streamed() {
    await Promise.resolve();
    yield big.subarray(0, 1000);
    yield big.subarray(1000);
  }
  const attachment = await peer.sendAttachment(streamed());
  const put = await peer.connection.sendRequest<{ length: number; sum: number }>('blob/put', { attachment });
  assert.equal(put.length, big.byteLength);
  assert.equal(put.sum, big.reduce((s, b) => s + b, 0));
  assert.ok(serverPeer);
  assert.throws(() => serverPeer!.takeAttachment(attachment), (e: unknown) => e instanceof FramegateError && e.code === ErrorCodes.BadAttachment);
});

test('malformed JSON and non-JSON-RPC messages get error replies and the connection keeps working', async (t) => {
  const server = await startServer((peer) => peer.connection.onRequest('ping', () => 'pong'));
  t.after(() => server.close());
  const socket = new WebSocket(server.url);
  await once(socket, 'open');
  t.after(() => socket.terminate());

  const parse = await rawExchange(socket, '{"jsonrpc": "2.0", "method": ');
  assert.equal(parse.id, null);
  assert.equal((parse.error as { code: number }).code, ErrorCodes.ParseError);

  const invalid = await rawExchange(socket, JSON.stringify({ id: 7, hello: 'world' }));
  assert.equal(invalid.id, 7);
  assert.equal((invalid.error as { code: number }).code, ErrorCodes.InvalidRequest);

  const unknown = await rawExchange(socket, JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'no/such' }));
  assert.equal((unknown.error as { code: number }).code, ErrorCodes.MethodNotFound);

  const ok = await rawExchange(socket, JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }));
  assert.equal(ok.result, 'pong');
});

test('closing a connection rejects its pending requests on both sides', async (t) => {
  let handlerStarted!: () => void;
  const started = new Promise<void>((resolve) => (handlerStarted = resolve));
  const server = await startServer((peer) =>
    peer.connection.onRequest('slow', () => {
      handlerStarted();
      return new Promise(() => undefined);
    }),
  );
  t.after(() => server.close());

  // The client closes: its own pending request is rejected at once.
  const first = await connect(server.url);
  const pending = first.peer.connection.sendRequest('slow', {});
  await started;
  first.peer.close();
  await assert.rejects(pending, /disposed/);

  // The server drops the connection: the client's pending request is rejected too.
  const second = await connect(server.url);
  const serverPeer = await server.serverPeers;
  const pending2 = second.peer.connection.sendRequest('slow', {});
  const closed = new Promise<void>((resolve) => second.peer.onClose(() => resolve()));
  serverPeer.close();
  for (const socket of [second.socket]) socket.terminate();
  await closed;
  await assert.rejects(pending2, /disposed/);
});

/** A server whose `flood` request sends `count` parts of 512 KiB, awaiting each send. */
async function floodServer(count: number, channelOptions: WsChannelOptions) {
  const outcome = { sent: 0, error: undefined as Error | undefined };
  const server = await startServer(
    (peer) =>
      peer.connection.onRequest('flood', async () => {
        const chunk = new Uint8Array(512 * 1024);
        try {
          for (let i = 0; i < count; i++) {
            await peer.sendAttachment(chunk);
            outcome.sent += chunk.byteLength;
          }
        } catch (error) {
          outcome.error ??= error as Error;
        }
        return 'done';
      }),
    channelOptions,
  );
  return { server, outcome };
}

/** Connects a raw client that sends `requests` flood requests and then stops reading its socket. */
async function stalledClient(url: string, requests: number): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await once(socket, 'open');
  for (let id = 1; id <= requests; id++) socket.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'flood' }));
  (socket as unknown as { _socket: { pause(): void } })._socket.pause();
  return socket;
}

test('a reading peer gets a flood whole while the sender waits on the queue', async (t) => {
  const { server, outcome } = await floodServer(128, { highWaterBytes: 1024 * 1024, maxQueuedBytes: 8 * 1024 * 1024 });
  t.after(() => server.close());
  const { peer } = await connect(server.url);
  t.after(() => peer.close());
  assert.equal(await peer.connection.sendRequest('flood', {}), 'done');
  assert.equal(outcome.error, undefined);
  assert.equal(outcome.sent, 128 * 512 * 1024);
});

test('a peer that stops reading is cut off once its queue reaches the bound', async (t) => {
  const maxQueuedBytes = 8 * 1024 * 1024;
  const { server, outcome } = await floodServer(128, { highWaterBytes: 1024 * 1024, maxQueuedBytes });
  t.after(() => server.close());
  const serverClosed = server.serverPeers.then((peer) => new Promise<void>((resolve) => peer.onClose(() => resolve())));
  // Many requests at once: each handler queues a part before waiting, until the bound trips.
  const socket = await stalledClient(server.url, 40);
  t.after(() => socket.terminate());
  await serverClosed;
  assert.ok(outcome.error, 'a send failed instead of queueing without bound');
  assert.match(outcome.error.message, /not reading/);
  assert.ok(outcome.sent < 40 * 128 * 512 * 1024);
});

test('a stalled peer that stops answering pings is cut off and its waiting sends fail', async (t) => {
  const { server, outcome } = await floodServer(128, { highWaterBytes: 1024 * 1024, maxQueuedBytes: 64 * 1024 * 1024, heartbeatMs: 100 });
  t.after(() => server.close());
  const serverClosed = server.serverPeers.then((peer) => new Promise<void>((resolve) => peer.onClose(() => resolve())));
  const socket = await stalledClient(server.url, 1);
  t.after(() => socket.terminate());
  await serverClosed;
  assert.ok(outcome.error, 'the waiting send was released with an error');
  assert.match(outcome.error.message, /closed/);
});

test('an attachment over the cap is refused, not held: taking it fails with TooLarge and the connection stays up', async (t) => {
  const server = await startServer(
    (peer) =>
      peer.connection.onRequest('blob/put', (params: { attachment: number }): string => {
        try {
          return String(peer.takeAttachment(params.attachment).byteLength);
        } catch (error) {
          return (error as FramegateError).kind;
        }
      }),
    {},
    { maxAttachmentBytes: 1024 * 1024 },
  );
  t.after(() => server.close());
  const { socket, peer } = await connect(server.url);
  t.after(() => socket.terminate());
  const attachment = await peer.sendAttachment(new Uint8Array(2 * 1024 * 1024));
  assert.equal(await peer.connection.sendRequest('blob/put', { attachment }), 'TooLarge');
  const serverPeer = await server.serverPeers;
  assert.equal((serverPeer as unknown as { inbox: { held: number } }).inbox.held, 0, 'nothing of it is held');
  const small = await peer.sendAttachment(new Uint8Array(1000));
  assert.equal(await peer.connection.sendRequest('blob/put', { attachment: small }), '1000');
});

test('an attachment that is never taken is dropped after the idle time, and its bytes are released', async (t) => {
  let reserved = 0;
  const reserve = (bytes: number) => {
    reserved += bytes;
    let held = bytes;
    return {
      resize: (next: number) => {
        reserved += next - held;
        held = next;
      },
      release: () => {
        reserved -= held;
        held = 0;
      },
    };
  };
  const server = await startServer((peer) => peer.connection.onRequest('ping', () => 'pong'), {}, { attachmentIdleMs: 200, reserve });
  t.after(() => server.close());
  const { socket, peer } = await connect(server.url);
  t.after(() => socket.terminate());
  await peer.sendAttachment(new Uint8Array(300_000));
  assert.equal(await peer.connection.sendRequest('ping', {}), 'pong');
  assert.equal(reserved, 300_000, 'held and charged while it may still be taken');
  const started = Date.now();
  while (reserved > 0 && Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(reserved, 0);
});
