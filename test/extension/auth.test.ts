import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FramegateError } from '../../protocol';
import { AuthError, ConnectError } from '../../rpc/client';
import { credentialsPath, readCredential } from '../../rpc/credentials';
import { Credentials, failureKind, secretKey } from '../../extension/auth';

const noSecrets = { get: () => Promise.resolve(undefined), store: () => Promise.resolve(), delete: () => Promise.resolve() };
const noState = { get: () => undefined, update: () => Promise.resolve() };

test('failures are sorted into sign in, refused and network', () => {
  const url = 'ws://127.0.0.1:1';
  assert.equal(failureKind(new AuthError(url, 401, 'x')), 'signIn');
  assert.equal(failureKind(new FramegateError(ErrorCodes.Unauthorized, 'x')), 'signIn');
  assert.equal(failureKind(new AuthError(url, 403, 'origin')), 'refused');
  for (const status of [429, 500, 503]) assert.equal(failureKind(new AuthError(url, status, 'x')), 'network', String(status));
  assert.equal(failureKind(new ConnectError(url, 'ECONNREFUSED')), 'network');
  assert.equal(failureKind(new FramegateError(ErrorCodes.Forbidden, 'x')), 'network');
});

test('a credentials file that cannot be read means no token, not a failure', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'framegate-ext-badcred-'));
  try {
    const env = { FRAMEGATE_CONFIG_DIR: dir };
    writeFileSync(credentialsPath(env), '{ not json');
    const credentials = new Credentials({ secrets: noSecrets, state: noState, readFile: (url) => readCredential(url, env) });
    assert.equal(await credentials.tokenFor('ws://127.0.0.1:7878'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('secret keys name the gateway: loopback spellings and default ports fold together, others differ', () => {
  assert.equal(secretKey('ws://localhost:7878'), secretKey('ws://127.0.0.1:7878/'));
  assert.notEqual(secretKey('ws://127.0.0.1:7878'), secretKey('ws://127.0.0.1:7879'));
  assert.notEqual(secretKey('ws://gw:443'), secretKey('wss://gw'));
  assert.throws(() => secretKey('not a url'));
});
