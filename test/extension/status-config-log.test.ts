import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FramegateError } from '../../protocol';
import { gatewayLabel, readSettings, validateGatewayUrl } from '../../extension/config';
import { describeError } from '../../extension/errors';
import { createLogger } from '../../extension/log';
import { STATUS_MENU_COMMAND, statusMenuItems, statusSpec } from '../../extension/status';
import { whoami } from './fixtures';

test('settings default to the local gateway and auto-connect; there is no user setting', () => {
  assert.deepEqual(readSettings(() => undefined), { url: 'ws://127.0.0.1:7878', autoConnect: true });
  const values: Record<string, unknown> = { url: ' ws://gw:9000 ', user: 'dave', autoConnect: false };
  assert.deepEqual(readSettings((key) => values[key]), { url: 'ws://gw:9000', autoConnect: false });
  assert.equal(validateGatewayUrl('ws://127.0.0.1:7878'), undefined);
  assert.match(validateGatewayUrl('http://x')!, /ws:\/\//);
  assert.match(validateGatewayUrl('not a url')!, /not a URL/);
  assert.equal(gatewayLabel('ws://127.0.0.1:7878'), '127.0.0.1:7878');
  assert.equal(gatewayLabel('wss://gw.example:443/'), 'wss://gw.example');
  assert.equal(gatewayLabel('nonsense'), 'nonsense');
});

test('the status bar says who you are and where, admins marked; every click opens the menu', () => {
  const alice = statusSpec({ kind: 'connected', url: 'ws://127.0.0.1:7878', me: whoami('alice', { groups: ['analysts'] }) });
  assert.equal(alice.text, '$(account) alice @ 127.0.0.1:7878');
  assert.match(alice.tooltip, /signed in to ws:\/\/127\.0\.0\.1:7878 as alice\./);
  assert.match(alice.tooltip, /Groups: analysts/);
  assert.equal(alice.warning, false);
  const admin = statusSpec({ kind: 'connected', url: 'ws://gw:1', me: whoami('root', { admin: true }) });
  assert.equal(admin.text, '$(account) root (admin) @ gw:1');

  const signIn = statusSpec({ kind: 'signInRequired', url: 'ws://gw:1', message: 'the gateway did not accept your token' });
  assert.equal(signIn.text, '$(account) Framegate: sign in to gw:1');
  assert.match(signIn.tooltip, /did not accept your token/);
  assert.equal(signIn.warning, true);
  const down = statusSpec({ kind: 'disconnected' });
  assert.match(down.text, /disconnected/);
  const retrying = statusSpec({ kind: 'reconnecting', url: 'ws://gw:1', attempt: 3, delayMs: 4000, error: 'ECONNREFUSED' });
  assert.match(retrying.text, /reconnecting to gw:1/);
  assert.match(retrying.tooltip, /retry 3 in 4 s/);
  assert.equal(retrying.warning, true);
  for (const spec of [alice, admin, signIn, down, retrying]) assert.equal(spec.command, STATUS_MENU_COMMAND);
});

test('the status menu offers what makes sense in each state', () => {
  const actions = (state: Parameters<typeof statusMenuItems>[0]) => statusMenuItems(state).map((i) => i.action);
  assert.deepEqual(actions({ kind: 'connected', url: 'ws://gw:1', me: whoami('alice') }), ['reconnect', 'disconnect', 'signIn', 'signOut', 'showLog']);
  assert.deepEqual(actions({ kind: 'signInRequired', url: 'ws://gw:1', message: 'x' }), ['signIn', 'reconnect', 'showLog']);
  assert.deepEqual(actions({ kind: 'reconnecting', url: 'ws://gw:1', attempt: 1, delayMs: 1 }), ['disconnect', 'signIn', 'showLog']);
  assert.deepEqual(actions({ kind: 'disconnected' }), ['connect', 'signIn', 'signOut', 'showLog']);
  assert.deepEqual(statusMenuItems({ kind: 'connected', url: 'ws://gw:1', me: whoami('alice') }).map((i) => i.label), [
    'Reconnect',
    'Disconnect',
    'Sign In as Someone Else…',
    'Sign Out',
    'Show Log',
  ]);
});

test('logs are one JSON object per line with time, level and event', () => {
  const lines: string[] = [];
  const log = createLogger({ appendLine: (l) => lines.push(l) }, () => new Date('2026-01-01T00:00:00Z'));
  log.info('connected', { url: 'ws://x', n: 2n });
  log.error('failed', { error: new FramegateError(ErrorCodes.FrameNotFound, 'no frame x') });
  assert.deepEqual(JSON.parse(lines[0]!), { time: '2026-01-01T00:00:00.000Z', level: 'info', event: 'connected', url: 'ws://x', n: '2' });
  assert.deepEqual((JSON.parse(lines[1]!) as { error: unknown }).error, { name: 'FramegateError', message: 'no frame x', code: ErrorCodes.FrameNotFound });
});

test('gateway errors read as kind and message', () => {
  assert.equal(describeError(new FramegateError(ErrorCodes.SqlRefused, 'only SELECT')), 'Framegate SqlRefused: only SELECT');
  assert.match(describeError(new FramegateError(ErrorCodes.InvalidParams, 'bad', [{ path: ['name'] }])), /InvalidParams: bad \(\[\{"path":\["name"\]\}\]\)/);
  assert.equal(describeError(new Error('boom')), 'Framegate: boom');
});
