/**
 * The connection manager's state transitions with fake connect functions (no network): auth
 * failures stop the retry loop and ask for a sign-in, network failures keep the capped backoff.
 * Timers are node:test's mock timers, so "no retry happens" is checked by moving time, not by waiting.
 */
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FramegateError, Notifications, type GatewayEvent } from '../../protocol';
import { CloseCodes } from '../../rpc/channel';
import { AuthError, ConnectError } from '../../rpc/client';
import { CONNECTION_LOST, ConnectionManager, NotConnectedError, SESSION_REVOKED, type ConnectionState, type Gateway } from '../../extension/connection';
import { silentLogger } from '../../extension/log';
import { whoami } from './fixtures';
import { FakeGateway } from './support/fake-gateway';

type Outcome = FakeGateway | Error;

/** A connect function that plays `outcomes` in order (the last one repeats) and counts calls. */
function scripted(outcomes: Outcome[]) {
  const calls: string[] = [];
  const connect = (url: string): Promise<Gateway> => {
    calls.push(url);
    const outcome = outcomes.length > 1 ? outcomes.shift()! : outcomes[0]!;
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome.asGateway());
  };
  return { connect, calls };
}

const URL = 'ws://127.0.0.1:7878';
const alice = whoami('alice');
const refused = () => new AuthError(URL, 401, 'the gateway did not accept your token');
const unreachable = () => new ConnectError(URL, 'ECONNREFUSED');

function manager(outcomes: Outcome[]) {
  const { connect, calls } = scripted(outcomes);
  const connection = new ConnectionManager({ connect, log: silentLogger, backoff: { initialMs: 100, factor: 2, maxMs: 400, jitter: 0 } });
  const states: ConnectionState[] = [];
  connection.onDidChangeState((s) => states.push(s));
  return { connection, calls, states };
}

/** Lets promise callbacks run (mock timers do not touch setImmediate). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Moves mock time forward step by step, letting each retry's promises settle. */
async function advance(ms: number, step = 50): Promise<void> {
  for (let passed = 0; passed < ms; passed += step) {
    mock.timers.tick(step);
    await settle();
  }
}

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('connecting asks who we are: the connected state carries the identity', async () => {
  const gateway = new FakeGateway(alice);
  const { connection, states } = manager([gateway]);
  await connection.connect(URL);
  assert.deepEqual(connection.state, { kind: 'connected', url: URL, me: alice });
  assert.equal(connection.me, alice);
  assert.equal(connection.url, URL);
  assert.deepEqual(states.map((s) => s.kind), ['connecting', 'connected']);
  const events: GatewayEvent[] = [];
  connection.onEvent((e) => events.push(e));
  const shared: GatewayEvent = { seq: 1, at: '2026-01-01T00:00:00Z', by: 'bob', type: 'object.shared', object: { kind: 'frame', name: 'bob.t' }, to: { kind: 'user', name: 'alice' }, write: false };
  gateway.notify(Notifications.event.method, shared);
  assert.deepEqual(events, [shared]);
  connection.dispose();
});

test('a refused token at auto-connect asks for a sign-in and never retries', async () => {
  const { connection, calls, states } = manager([refused()]);
  await connection.connect(URL, { retry: true });
  assert.deepEqual(connection.state, { kind: 'signInRequired', url: URL, message: 'the gateway did not accept your token' });
  await advance(5_000);
  assert.equal(calls.length, 1, 'no retry after a 401');
  assert.deepEqual(states.map((s) => s.kind), ['connecting', 'signInRequired']);
  assert.throws(() => connection.requireClient(), (error: unknown) => error instanceof NotConnectedError && /Sign In/.test(error.message));
  connection.dispose();
});

test('a refused token at a manual connect is not thrown: the state says sign in', async () => {
  const { connection } = manager([refused()]);
  await connection.connect(URL);
  assert.equal(connection.state.kind, 'signInRequired');
  connection.dispose();
});

test('whoami answering Unauthorized asks for a sign-in and closes that client', async () => {
  const gateway = new FakeGateway(new FramegateError(ErrorCodes.Unauthorized, 'token revoked'));
  const { connection } = manager([gateway]);
  await connection.connect(URL, { retry: true });
  assert.deepEqual(connection.state, { kind: 'signInRequired', url: URL, message: 'token revoked' });
  assert.equal(gateway.closedByUs, true);
  connection.dispose();
});

test('network failures keep the capped backoff; a refusal during the retries stops them', async () => {
  const { connection, calls, states } = manager([unreachable(), unreachable(), unreachable(), unreachable(), refused()]);
  await connection.connect(URL, { retry: true });
  assert.equal(connection.state.kind, 'reconnecting');
  await advance(100 + 200 + 400 + 400);
  const delays = states.flatMap((s) => (s.kind === 'reconnecting' ? [s.delayMs] : []));
  assert.deepEqual(delays, [100, 200, 400, 400]);
  assert.equal(calls.length, 5);
  assert.equal(connection.state.kind, 'signInRequired');
  await advance(2_000);
  assert.equal(calls.length, 5, 'no retry after the refusal');
  connection.dispose();
});

test('a 4001 close (token rotated or revoked) asks for a sign-in with the gateway\'s reason, without reconnecting', async () => {
  const gateway = new FakeGateway(alice);
  const { connection, calls } = manager([gateway]);
  await connection.connect(URL, { retry: true });
  gateway.drop(CloseCodes.unauthorized, 'your token was rotated or revoked: sign in again');
  assert.deepEqual(connection.state, { kind: 'signInRequired', url: URL, message: 'your token was rotated or revoked: sign in again' });
  assert.equal(connection.client, undefined);
  await advance(2_000);
  assert.equal(calls.length, 1);
  connection.dispose();
});

test('a 4001 close without a reason still says what happened', async () => {
  const gateway = new FakeGateway(alice);
  const { connection } = manager([gateway]);
  await connection.connect(URL);
  gateway.drop(CloseCodes.unauthorized);
  assert.deepEqual(connection.state, { kind: 'signInRequired', url: URL, message: SESSION_REVOKED });
  connection.dispose();
});

test('any other close reconnects with backoff, and a working token connects again', async () => {
  const first = new FakeGateway(alice);
  const second = new FakeGateway(alice);
  const { connection, calls } = manager([first, unreachable(), second]);
  let connects = 0;
  connection.onDidConnect(() => connects++);
  await connection.connect(URL);
  first.drop(1006);
  assert.deepEqual(connection.state, { kind: 'reconnecting', url: URL, attempt: 1, delayMs: 100, error: CONNECTION_LOST });
  await advance(100 + 200);
  assert.equal(calls.length, 3);
  assert.equal(connection.state.kind, 'connected');
  assert.equal(connection.client, second.asGateway());
  assert.equal(connects, 2);
  connection.dispose();
});

test('a gateway that is restarting (503) or slowing sign-ins down (429) is retried', async () => {
  const gateway = new FakeGateway(alice);
  const { connection, calls } = manager([new AuthError(URL, 503, 'the gateway is shutting down'), new AuthError(URL, 429, 'too many attempts'), gateway]);
  await connection.connect(URL, { retry: true });
  assert.equal(connection.state.kind, 'reconnecting');
  await advance(100 + 200);
  assert.equal(calls.length, 3);
  assert.equal(connection.state.kind, 'connected');
  connection.dispose();
});

test('a refusal retrying cannot fix (403) ends in disconnected with the message, and a manual connect throws it', async () => {
  const forbidden = () => new AuthError(URL, 403, 'origin http://x is not allowed (see --allow-origin)');
  const retried = manager([forbidden()]);
  await assert.rejects(retried.connection.connect(URL, { retry: true }), /origin/);
  assert.deepEqual(retried.connection.state, { kind: 'disconnected', error: 'origin http://x is not allowed (see --allow-origin)' });
  await advance(1_000);
  assert.equal(retried.calls.length, 1);
  retried.connection.dispose();
});

test('signing in again after a refusal connects; disconnect stops everything', async () => {
  const gateway = new FakeGateway(whoami('bob'));
  const { connection, calls } = manager([refused(), gateway]);
  await connection.connect(URL, { retry: true });
  assert.equal(connection.state.kind, 'signInRequired');
  await connection.connect(URL);
  assert.deepEqual(connection.state, { kind: 'connected', url: URL, me: whoami('bob') });
  connection.disconnect();
  assert.equal(gateway.closedByUs, true);
  assert.deepEqual(connection.state, { kind: 'disconnected' });
  await advance(1_000);
  assert.equal(calls.length, 2);
  connection.dispose();
});

test('disconnecting while reconnecting stops the retries for good', async () => {
  const { connection, calls } = manager([unreachable()]);
  await connection.connect(URL, { retry: true });
  await advance(100 + 200);
  assert.equal(calls.length, 3);
  connection.disconnect();
  await advance(5_000);
  assert.equal(calls.length, 3, 'no attempt after disconnect');
  assert.deepEqual(connection.state, { kind: 'disconnected' });
  connection.dispose();
});
