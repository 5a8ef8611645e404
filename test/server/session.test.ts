/**
 * A Session on its own, over a real WebSocket and a real DuckDB engine, with the connection
 * facts (remote address) under the test's control: what the gateway cannot fake on loopback.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { WebSocketServer } from 'ws';
import { ErrorCodes, FramegateError, Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { RpcPeer } from '../../rpc/peer';
import { wsChannel } from '../../rpc/ws-channel';
import { resolveConfig } from '../../server/config';
import { openDuckDBEngine } from '../../server/engine';
import { Session } from '../../server/session';
import { tempDir } from './support';

async function sessionServer(remoteAddress: string, adminToken?: string) {
  const dataDir = tempDir('framegate-session-');
  const config = resolveConfig({ dataDir, adminToken, queryTimeoutMs: 10_000 });
  const engine = await openDuckDBEngine({ dataDir, importDirs: [], queryTimeoutMs: config.queryTimeoutMs });
  const shutdowns: string[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  wss.on('connection', (socket) => {
    const peer = new RpcPeer(wsChannel(socket));
    new Session(peer, {
      engine,
      config,
      logger: pino({ level: 'silent' }),
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
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await engine.close();
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
