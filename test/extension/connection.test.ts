/**
 * The connection manager against a real gateway process: connect with a token, notifications,
 * restart → reconnect, a refused token and a rotated one → sign in, no retries.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Methods, type GatewayEvent } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { CONNECTION_LOST, ConnectionManager, NotConnectedError, notConnectedMessage, tcpProbe, type ConnectionState } from '../../extension/connection';
import { createLogger, lineSink } from '../../extension/log';
import { startGatewayProcess, tempGatewayDirs, waitFor, type GatewayDirs, type GatewayProcess } from './support/gateway-process';

let dirs: GatewayDirs;
let gateway: GatewayProcess;
let erinToken: string;

before(async () => {
  dirs = tempGatewayDirs();
  gateway = await startGatewayProcess(dirs);
  erinToken = await gateway.addUser('erin');
});

after(async () => {
  await gateway?.stop();
  dirs?.remove();
});

function manager(logLines: string[] = [], token = () => erinToken) {
  const states: ConnectionState[] = [];
  let attempts = 0;
  const connection = new ConnectionManager({
    connect: (url) => {
      attempts++;
      return GatewayClient.connect(url, { token: token(), connectTimeoutMs: 2000 });
    },
    log: createLogger(lineSink((line) => logLines.push(line))),
    backoff: { initialMs: 50, factor: 2, maxMs: 400, jitter: 0 },
  });
  connection.onDidChangeState((s) => states.push(s));
  return { connection, states, attempts: () => attempts };
}

test('connects, receives live events, and disconnects for good', async () => {
  const { connection, states } = manager();
  let connects = 0;
  connection.onDidConnect(() => connects++);
  const events: GatewayEvent[] = [];
  connection.onEvent((e) => events.push(e));
  await connection.connect(gateway.url);
  assert.equal(connection.state.kind, 'connected');
  assert.equal(connection.me?.user, 'erin');
  assert.equal(connection.me?.namespace, 'erin');
  assert.equal(connects, 1);

  const saved = await connection.requireClient().request(Methods.save, { name: 'conn_probe', from: { sql: 'SELECT 42 AS answer' } });
  assert.equal(saved.owner, 'erin');
  assert.equal(saved.name, 'erin.conn_probe');
  await waitFor(() => events.some((e) => e.type === 'object.created' && e.object.name === 'erin.conn_probe' && e.by === 'erin'), 'events/event');

  connection.disconnect();
  assert.equal(connection.state.kind, 'disconnected');
  assert.throws(() => connection.requireClient(), NotConnectedError);
  assert.deepEqual(states.map((s) => s.kind), ['connecting', 'connected', 'disconnected']);
  connection.dispose();
});

test('a failed manual connect is thrown and leaves the state disconnected with the error', async () => {
  const { connection } = manager();
  await assert.rejects(connection.connect('ws://127.0.0.1:1'), /cannot connect/);
  assert.equal(connection.state.kind, 'disconnected');
  assert.match((connection.state as { error?: string }).error ?? '', /cannot connect/);
  connection.dispose();
});

test('when the gateway restarts, it reconnects with backoff and fires onDidConnect again', async () => {
  const lines: string[] = [];
  const { connection, states } = manager(lines);
  let connects = 0;
  connection.onDidConnect(() => connects++);
  await connection.connect(gateway.url);
  const port = gateway.port;

  await gateway.stop();
  await waitFor(() => states.some((s) => s.kind === 'reconnecting'), 'reconnecting state');
  assert.deepEqual(states.find((s) => s.kind === 'reconnecting'), { kind: 'reconnecting', url: gateway.url, attempt: 1, delayMs: 50, error: CONNECTION_LOST });
  // Let a few retries fail against the dead port, so the backoff grows.
  await waitFor(() => states.filter((s) => s.kind === 'reconnecting').length >= 3, 'three retries');
  const delays = states.flatMap((s) => (s.kind === 'reconnecting' ? [s.delayMs] : []));
  assert.deepEqual(delays.slice(0, 3), [50, 100, 200]);

  gateway = await startGatewayProcess(dirs, { port });
  await waitFor(() => connection.state.kind === 'connected', 'reconnected', 30_000);
  assert.equal(connects, 2);
  // The new connection works: the frame saved before the restart is still there.
  const { frames } = await connection.requireClient().request(Methods.listFrames, {});
  assert.ok(frames.some((f) => f.name === 'erin.conn_probe'));
  assert.ok(lines.some((l) => l.startsWith('warn connection.lost ')));
  assert.ok(lines.some((l) => l.startsWith('info reconnect.scheduled ')));
  connection.dispose();
});

/** A port nothing listens on (bound once, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

test('auto-connect retries until the gateway comes up; disconnect stops the retries', async () => {
  // A gateway that ran before on these dirs and this port: its admin's token is known before it is up again.
  const port = await freePort();
  const lateDirs = tempGatewayDirs();
  const first = await startGatewayProcess(lateDirs, { port });
  const token = first.adminToken;
  await first.stop();
  let attempts = 0;
  const states: ConnectionState[] = [];
  const connection = new ConnectionManager({
    connect: (url) => {
      attempts++;
      return GatewayClient.connect(url, { token, connectTimeoutMs: 2000 });
    },
    log: createLogger(lineSink(() => undefined)),
    backoff: { initialMs: 20, factor: 2, maxMs: 40, jitter: 0 },
  });
  connection.onDidChangeState((state) => states.push(state));
  let late: GatewayProcess | undefined;
  try {
    await connection.connect(`ws://127.0.0.1:${port}`, { retry: true });
    assert.equal(connection.state.kind, 'reconnecting');
    await waitFor(() => attempts >= 3, 'retries against a closed port');

    late = await startGatewayProcess(lateDirs, { port });
    await waitFor(() => connection.state.kind === 'connected', 'connected once the gateway is up');
    assert.equal(connection.me?.user, first.adminUser);
    // Drop it again, then give up.
    await late.stop();
    await waitFor(() => attempts >= 6, 'retries after the drop');
    connection.disconnect();
    // (That no attempt follows a disconnect is shown with mock timers in connection-auth.test.ts.)
    assert.equal(connection.state.kind, 'disconnected');
    assert.equal(states.at(-1)?.kind, 'disconnected');
  } finally {
    connection.dispose();
    await late?.stop();
    lateDirs.remove();
  }
});

test('a refused token asks for a sign-in at once and is not retried', async () => {
  const { connection, states, attempts } = manager([], () => 'not-a-token');
  await connection.connect(gateway.url, { retry: true });
  assert.equal(connection.state.kind, 'signInRequired');
  assert.match((connection.state as { message: string }).message, /did not accept your token/);
  assert.equal(attempts(), 1);
  assert.deepEqual(states.map((s) => s.kind), ['connecting', 'signInRequired']);
  connection.dispose();
});

test('rotating the token of a connected user closes the session with 4001: sign in, no reconnecting', async () => {
  const token = await gateway.addUser('rita');
  const lines: string[] = [];
  const { connection, states, attempts } = manager(lines, () => token);
  await connection.connect(gateway.url, { retry: true });
  assert.equal(connection.me?.user, 'rita');

  const admin = await gateway.connect();
  try {
    await admin.request(Methods.rotateToken, { user: 'rita' });
  } finally {
    admin.close();
  }
  await waitFor(() => connection.state.kind === 'signInRequired', 'sign-in state after the rotation');
  assert.match((connection.state as { message: string }).message, /rotated or revoked/);
  assert.ok(!states.some((s) => s.kind === 'reconnecting'), 'never reconnecting');
  assert.equal(attempts(), 1);
  assert.ok(lines.some((l) => l.startsWith('warn connection.unauthorized ') && l.includes(' code=4001')));
  connection.dispose();
});

test('once the restarted gateway answers, the reconnect happens at once, not at the end of a long backoff', async () => {
  const port = await freePort();
  const dirs = tempGatewayDirs();
  let running: GatewayProcess | undefined = await startGatewayProcess(dirs, { port });
  const token = running.adminToken;
  const connection = new ConnectionManager({
    connect: (url) => GatewayClient.connect(url, { token, connectTimeoutMs: 2000 }),
    log: createLogger(lineSink(() => undefined)),
    // Every retry waits a minute: only the probe can bring it back within the test.
    backoff: { initialMs: 60_000, factor: 1, maxMs: 60_000, jitter: 0 },
    probe: tcpProbe,
    probeIntervalMs: 100,
  });
  try {
    await connection.connect(`ws://127.0.0.1:${port}`);
    await running.stop();
    running = undefined;
    await waitFor(() => connection.state.kind === 'reconnecting', 'reconnecting after the stop');
    assert.match(notConnectedMessage(connection.state), /being re-established; try again in a moment/);
    assert.throws(() => connection.requireClient(), /being re-established/);
    running = await startGatewayProcess(dirs, { port });
    const back = Date.now();
    await waitFor(() => connection.state.kind === 'connected', 'connected soon after the gateway is back', 15_000);
    assert.ok(Date.now() - back < 15_000);
  } finally {
    connection.dispose();
    await running?.stop();
    dirs.remove();
  }
});

test('Retry Now starts the scheduled attempt at once', async () => {
  let attempts = 0;
  const connection = new ConnectionManager({
    connect: () => {
      attempts++;
      return Promise.reject(new Error('connect ECONNREFUSED'));
    },
    log: createLogger(lineSink(() => undefined)),
    backoff: { initialMs: 60_000, factor: 1, maxMs: 60_000, jitter: 0 },
  });
  try {
    await connection.connect('ws://127.0.0.1:1', { retry: true });
    assert.equal(attempts, 1);
    assert.equal(connection.state.kind, 'reconnecting');
    connection.retryNow();
    await waitFor(() => attempts === 2, 'the retry');
    await waitFor(() => connection.state.kind === 'reconnecting' && connection.state.attempt === 2, 'the next attempt scheduled');
    connection.disconnect();
    connection.retryNow();
    assert.equal(attempts, 2, 'nothing to retry once disconnected');
  } finally {
    connection.dispose();
  }
});
