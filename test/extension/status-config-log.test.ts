import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FramegateError } from '../../protocol';
import { readSettings, validateGatewayUrl } from '../../extension/config';
import { describeError } from '../../extension/errors';
import { createLogger } from '../../extension/log';
import { statusSpec } from '../../extension/status';

test('settings default to the local gateway, the OS user and auto-connect', () => {
  assert.deepEqual(readSettings(() => undefined, () => 'carol'), { url: 'ws://127.0.0.1:7878', user: 'carol', autoConnect: true });
  const values: Record<string, unknown> = { url: ' ws://gw:9000 ', user: 'dave', autoConnect: false };
  assert.deepEqual(readSettings((key) => values[key], () => 'carol'), { url: 'ws://gw:9000', user: 'dave', autoConnect: false });
  assert.equal(readSettings((key) => (key === 'user' ? '  ' : undefined), () => 'carol').user, 'carol');
  assert.equal(validateGatewayUrl('ws://127.0.0.1:7878'), undefined);
  assert.match(validateGatewayUrl('http://x')!, /ws:\/\//);
  assert.match(validateGatewayUrl('not a url')!, /not a URL/);
});

test('the status bar shows the url when connected and offers the right action', () => {
  const connected = statusSpec({ kind: 'connected', url: 'ws://gw:1', user: 'u' });
  assert.match(connected.text, /ws:\/\/gw:1/);
  assert.equal(connected.command, 'framegate.disconnect');
  const down = statusSpec({ kind: 'disconnected' });
  assert.match(down.text, /disconnected/);
  assert.equal(down.command, 'framegate.connect');
  const retrying = statusSpec({ kind: 'reconnecting', url: 'ws://gw:1', attempt: 3, delayMs: 4000, error: 'ECONNREFUSED' });
  assert.match(retrying.text, /reconnecting/);
  assert.match(retrying.tooltip, /retry 3 in 4 s/);
  assert.equal(retrying.warning, true);
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
