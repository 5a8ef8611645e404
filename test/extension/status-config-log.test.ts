import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FramegateError } from '../../protocol';
import { gatewayLabel, readSettings, validateGatewayUrl } from '../../extension/config';
import { describeError } from '../../extension/errors';
import { createLogger, lineSink } from '../../extension/log';
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
  assert.deepEqual(actions({ kind: 'reconnecting', url: 'ws://gw:1', attempt: 1, delayMs: 1 }), ['retryNow', 'disconnect', 'signIn', 'showLog']);
  assert.equal(statusMenuItems({ kind: 'reconnecting', url: 'ws://gw:1', attempt: 4, delayMs: 24_000 })[0]!.description, 'instead of in 24 s');
  assert.deepEqual(actions({ kind: 'disconnected' }), ['connect', 'signIn', 'signOut', 'showLog']);
  assert.deepEqual(statusMenuItems({ kind: 'connected', url: 'ws://gw:1', me: whoami('alice') }).map((i) => i.label), [
    'Reconnect',
    'Disconnect',
    'Sign In as Someone Else…',
    'Sign Out',
    'Show Log',
  ]);
});

test('logs go to their level as the event and key=value fields; errors keep their code and detail there', () => {
  const lines: string[] = [];
  const log = createLogger(lineSink((l) => lines.push(l)));
  log.info('connected', { url: 'ws://x', n: 2n, user: 'alice smith' });
  log.error('failed', { error: new FramegateError(ErrorCodes.FrameNotFound, 'no frame x', { name: 'x' }) });
  log.debug('grid.window', { rows: 10 });
  log.warn('lost', {});
  assert.deepEqual(lines, [
    'info connected url=ws://x n=2 user="alice smith"',
    'error failed error=[FrameNotFound(1001): no frame x detail={"name":"x"}]',
    'debug grid.window rows=10',
    'warn lost',
  ]);
});

test('errors read in the user\'s terms: no codes, no engine class prefixes, what to do', () => {
  assert.equal(describeError(new FramegateError(ErrorCodes.SqlRefused, 'only SELECT')), 'Framegate: Framegate does not run this SQL: only SELECT.');
  assert.equal(
    describeError(new FramegateError(ErrorCodes.InvalidSql, 'Binder Error: Referenced column "nope" not found in FROM clause!\nCandidate bindings: "region"')),
    'Framegate: The SQL is not valid: there is no column "nope" (did you mean "region"?)',
  );
  assert.equal(describeError(new FramegateError(ErrorCodes.FrameNotFound, 'no frame named x')), 'Framegate: No frame named x. It may have been deleted, or you may not read it.');
  assert.match(describeError(new FramegateError(ErrorCodes.ResultNotFound, 'no result r6_2')), /no longer on the gateway .* Run the query again\.$/);
  assert.doesNotMatch(describeError(new FramegateError(ErrorCodes.ResultNotFound, 'no result r6_2')), /r6_2|ResultNotFound/);
  assert.equal(describeError(new FramegateError(ErrorCodes.InvalidParams, 'invalid params for frames/save: name: bad')), 'Framegate: The gateway did not accept the request: name: bad.');
  assert.equal(describeError(new Error('boom')), 'Framegate: Boom.');
  for (const code of Object.values(ErrorCodes)) assert.doesNotMatch(describeError(new FramegateError(code, 'x')), /\d{4}|[A-Z][a-z]+[A-Z][a-z]+:/);
});
