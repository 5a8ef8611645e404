/**
 * A Session on its own, over a real WebSocket and a real DuckDB engine, with the connection
 * facts (remote address) under the test's control: what the gateway cannot fake on loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { WebSocketServer } from 'ws';
import { ErrorCodes, FramegateError, Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { RpcPeer } from '../../rpc/peer';
import { wsChannel } from '../../rpc/ws-channel';
import { resolveConfig } from '../../server/config';
import { openDuckDBEngine, type Engine } from '../../server/engine';
import { Session } from '../../server/session';
import { tempDir } from './support';

async function sessionServer(remoteAddress: string, adminToken?: string, adapt: (engine: Engine) => Engine = (engine) => engine) {
  const dataDir = tempDir('framegate-session-');
  const config = resolveConfig({ dataDir, adminToken, queryTimeoutMs: 10_000 });
  const realEngine = await openDuckDBEngine({ dataDir, importDirs: [], queryTimeoutMs: config.queryTimeoutMs });
  const engine = adapt(realEngine);
  const logs: Array<{ event?: string; method?: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as { event?: string });
      done();
    },
  });
  const shutdowns: string[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  wss.on('connection', (socket) => {
    const peer = new RpcPeer(wsChannel(socket));
    new Session(peer, {
      engine,
      config,
      logger: pino({ level: 'info' }, sink),
      user: 'tester',
      remoteAddress,
      broadcast: () => undefined,
      requestShutdown: () => shutdowns.push(remoteAddress),
    });
    peer.listen();
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    shutdowns,
    logs,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await realEngine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

test('without an admin token, shutdown from a non-loopback address is Forbidden', async (t) => {
  const server = await sessionServer('192.0.2.50');
  t.after(() => server.close());
  const client = await GatewayClient.connect(server.url);
  t.after(() => client.close());
  await assert.rejects(client.request(Methods.shutdown, {}), (error: unknown) => error instanceof FramegateError && error.code === ErrorCodes.Forbidden);
  assert.deepEqual(server.shutdowns, []);
  // The session is still usable after the refusal.
  assert.deepEqual(await client.request(Methods.listFrames, {}), { frames: [] });
});

test('with an admin token, the right token works from any address', async (t) => {
  const server = await sessionServer('192.0.2.51', 'letmein');
  t.after(() => server.close());
  const client = await GatewayClient.connect(server.url);
  t.after(() => client.close());
  assert.deepEqual(await client.request(Methods.shutdown, { token: 'letmein' }), { stopping: true });
  assert.deepEqual(server.shutdowns, ['192.0.2.51']);
});

test('an unexpected engine exception becomes InternalError with its message, is logged, and the session goes on', async (t) => {
  // Fault injection on a real engine: listFrames fails the way a bug would (not a FramegateError).
  const server = await sessionServer('127.0.0.1', undefined, (engine) => {
    let failNext = true;
    return Object.assign(Object.create(engine) as Engine, {
      listFrames: () => {
        if (!failNext) return engine.listFrames();
        failNext = false;
        return Promise.reject(new TypeError('cannot read properties of undefined (injected)'));
      },
    });
  });
  t.after(() => server.close());
  const client = await GatewayClient.connect(server.url);
  t.after(() => client.close());
  await assert.rejects(
    client.request(Methods.listFrames, {}),
    (error: unknown) => error instanceof FramegateError && error.code === ErrorCodes.InternalError && /frames\/list: cannot read properties of undefined \(injected\)/.test(error.message),
  );
  assert.ok(server.logs.some((l) => l.event === 'internal-error' && l.method === 'frames/list'));
  assert.deepEqual(await client.request(Methods.listFrames, {}), { frames: [] });
});
