import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configDir, credentialsPath, gatewayKey, readCredential, removeCredential, saveCredential } from '../../rpc/credentials';

test('the credentials file lives in the user’s config dir, overridable for tests and tools', () => {
  assert.equal(configDir({ FRAMEGATE_CONFIG_DIR: '/x' }, 'linux'), '/x');
  assert.equal(configDir({ XDG_CONFIG_HOME: '/home/a/.cfg' }, 'linux'), '/home/a/.cfg/framegate');
  assert.match(configDir({}, 'darwin'), /Library\/Application Support\/framegate$/);
  assert.equal(configDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32'), join('C:\\Users\\a\\AppData\\Roaming', 'framegate'));
});

test('gateway URLs are keyed by scheme, host and port; loopback names are one gateway', () => {
  assert.equal(gatewayKey('ws://localhost:7878/'), 'ws://127.0.0.1:7878');
  assert.equal(gatewayKey('ws://[::1]:7878'), 'ws://127.0.0.1:7878');
  assert.equal(gatewayKey('WSS://Gateway.Example.com/path'), 'wss://gateway.example.com:443');
  assert.notEqual(gatewayKey('ws://127.0.0.1:7878'), gatewayKey('ws://127.0.0.1:7879'));
});

test('save, read and remove a credential; the file is 0600 in a 0700 folder and holds only what was saved', () => {
  const dir = mkdtempSync(join(tmpdir(), 'framegate-cred-'));
  const env = { FRAMEGATE_CONFIG_DIR: join(dir, 'nested') };
  try {
    assert.equal(readCredential('ws://127.0.0.1:1', env), undefined);
    saveCredential('ws://127.0.0.1:1', { user: 'alice', token: 'fgt_a' }, env);
    saveCredential('ws://localhost:2', { user: 'bob', token: 'fgt_b' }, env);
    const path = credentialsPath(env);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'nested')).mode & 0o777, 0o700);
    assert.equal(readCredential('ws://localhost:1', env)?.token, 'fgt_a');
    assert.equal(readCredential('ws://127.0.0.1:2', env)?.user, 'bob');
    const file = JSON.parse(readFileSync(path, 'utf8')) as { version: number; gateways: Record<string, unknown> };
    assert.deepEqual(Object.keys(file.gateways).sort(), ['ws://127.0.0.1:1', 'ws://127.0.0.1:2']);
    assert.equal(removeCredential('ws://127.0.0.1:1', env), true);
    assert.equal(removeCredential('ws://127.0.0.1:1', env), false);
    assert.equal(removeCredential('ws://127.0.0.1:2', env), true);
    assert.equal(existsSync(path), false, 'the last one removes the file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
