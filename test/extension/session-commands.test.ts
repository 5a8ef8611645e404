/**
 * Sign In, Sign Out, Connect and the sign-in offer, over a scripted UI, in-memory SecretStorage
 * and globalState, a real credentials file in a temp dir, and fake gateway connections.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WhoAmIResult } from '../../protocol';
import { AuthError, ConnectError } from '../../rpc/client';
import { readCredential, saveCredential } from '../../rpc/credentials';
import { connectWithCredentials, Credentials, secretKey, type SecretStore, type StateStore } from '../../extension/auth';
import { ConnectionManager, type ConnectionState } from '../../extension/connection';
import { silentLogger } from '../../extension/log';
import * as session from '../../extension/session-commands';
import { whoami } from './fixtures';
import { FakeGateway } from './support/fake-gateway';
import { ScriptedUi } from './support/scripted-ui';

const URL = 'ws://127.0.0.1:7878';
const configDirs: string[] = [];
after(() => configDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  get(key: string) {
    return Promise.resolve(this.values.get(key));
  }
  store(key: string, value: string) {
    this.values.set(key, value);
    return Promise.resolve();
  }
  delete(key: string) {
    this.values.delete(key);
    return Promise.resolve();
  }
}

class MemoryState implements StateStore {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown) {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    return Promise.resolve();
  }
}

/** The users a fake gateway knows, by token. */
const users: Record<string, WhoAmIResult> = {
  'tok-alice': whoami('alice'),
  'tok-bob': whoami('bob'),
  'tok-admin': whoami('admin', { admin: true }),
};

function setup({ fileUser }: { fileUser?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'framegate-ext-credentials-'));
  configDirs.push(dir);
  const env = { FRAMEGATE_CONFIG_DIR: dir };
  if (fileUser) saveCredential(URL, { user: fileUser, token: `tok-${fileUser}` }, env);
  const secrets = new MemorySecrets();
  const state = new MemoryState();
  const credentials = new Credentials({ secrets, state, readFile: (url) => readCredential(url, env) });
  const tokensUsed: string[] = [];
  // What main.ts wires, over a fake gateway that answers 401 like the real one.
  const connection = new ConnectionManager({
    connect: connectWithCredentials(
      credentials,
      (url, token) => {
        tokensUsed.push(token ?? '(none)');
        if (token === undefined) return Promise.reject(new AuthError(url, 401, 'this gateway needs a token'));
        const me = users[token];
        return me ? Promise.resolve(new FakeGateway(me).asGateway()) : Promise.reject(new AuthError(url, 401, 'the gateway did not accept your token'));
      },
      silentLogger,
    ),
    log: silentLogger,
  });
  let settingUrl = URL;
  const verified: string[] = [];
  const ctx = (ui: ScriptedUi): session.SessionContext => ({
    ui,
    log: silentLogger,
    connection,
    credentials,
    settings: {
      url: () => settingUrl,
      setUrl: (url) => {
        settingUrl = url;
        return Promise.resolve();
      },
    },
    verify: (url, token) => {
      verified.push(`${url} ${token}`);
      if (url.includes(':1/') || url.endsWith(':1')) return Promise.reject(new ConnectError(url, 'ECONNREFUSED'));
      const me = users[token];
      return me ? Promise.resolve(me) : Promise.reject(new AuthError(url, 401, 'the gateway did not accept your token'));
    },
  });
  return { ctx, connection, secrets, state, credentials, tokensUsed, verified, settingUrl: () => settingUrl, env };
}

test('with no stored token a gateway on this machine works through its credentials file', async () => {
  const { ctx, connection, tokensUsed } = setup({ fileUser: 'admin' });
  await session.connect(ctx(new ScriptedUi()), { retry: true, explicit: false });
  assert.deepEqual(connection.state, { kind: 'connected', url: URL, me: users['tok-admin'] });
  assert.deepEqual(tokensUsed, ['tok-admin']);
  connection.dispose();
});

test('without any token it connects without one, and the gateway\'s 401 asks for a sign-in (no retries)', async () => {
  const { ctx, connection, tokensUsed } = setup();
  await session.connect(ctx(new ScriptedUi()), { retry: true, explicit: false });
  assert.deepEqual(connection.state, { kind: 'signInRequired', url: URL, message: 'this gateway needs a token' });
  assert.deepEqual(tokensUsed, ['(none)']);
  connection.dispose();
});

test('Sign In asks the URL (prefilled) and the token (hidden), verifies it, stores it in SecretStorage, then connects with it', async () => {
  const { ctx, connection, secrets, tokensUsed, verified } = setup({ fileUser: 'admin' });
  const ui = new ScriptedUi([{ input: URL }, { input: ' tok-alice ' }]);
  const me = await session.signIn(ctx(ui));
  assert.deepEqual(me, users['tok-alice']);
  assert.equal(ui.inputs[0]!.value, URL);
  assert.equal(ui.inputs[0]!.password, undefined);
  assert.equal(ui.inputs[1]!.password, true);
  assert.deepEqual(verified, [`${URL} tok-alice`]);
  assert.equal(secrets.values.get(secretKey(URL)), 'tok-alice');
  // Keyed by the gateway, not the spelling of its URL.
  assert.equal(secretKey('ws://localhost:7878/'), secretKey(URL));
  // SecretStorage wins over the credentials file.
  assert.deepEqual(tokensUsed, ['tok-alice']);
  assert.deepEqual(connection.state, { kind: 'connected', url: URL, me: users['tok-alice'] });
  assert.deepEqual(ui.infos, ['Framegate: signed in to 127.0.0.1:7878 as alice.']);
  connection.dispose();
});

test('a refused token is said plainly and nothing is stored; an unreachable gateway too', async () => {
  const { ctx, connection, secrets } = setup();
  const ui = new ScriptedUi([{ input: URL }, { input: 'wrong' }]);
  assert.equal(await session.signIn(ctx(ui)), undefined);
  assert.deepEqual(ui.errors, ['Framegate: 127.0.0.1:7878 did not accept this token: the gateway did not accept your token']);
  assert.equal(secrets.values.size, 0);
  assert.equal(connection.state.kind, 'disconnected');

  const down = new ScriptedUi([{ input: 'ws://127.0.0.1:1' }, { input: 'tok-alice' }]);
  assert.equal(await session.signIn(ctx(down)), undefined);
  assert.match(down.errors[0]!, /^Framegate: cannot reach the gateway at ws:\/\/127\.0\.0\.1:1\. Is it running\?/);
  assert.equal(secrets.values.size, 0);
  connection.dispose();
});

test('the Sign In inputs validate the URL and refuse an empty token; cancelling stops quietly', async () => {
  const { ctx, connection } = setup();
  const badUrl = new ScriptedUi([{ input: 'http://gw:1' }]);
  await assert.rejects(session.signIn(ctx(badUrl)), /ws:\/\//);
  const emptyToken = new ScriptedUi([{ input: URL }, { input: '   ' }]);
  await assert.rejects(session.signIn(ctx(emptyToken)), /Paste the token/);
  const cancelled = new ScriptedUi([{ input: URL }, { input: undefined }]);
  assert.equal(await session.signIn(ctx(cancelled)), undefined);
  assert.deepEqual(cancelled.errors, []);
  connection.dispose();
});

test('signing in to another gateway points framegate.url at it after connecting', async () => {
  const { ctx, connection, settingUrl } = setup();
  const other = 'ws://127.0.0.1:9999';
  const states: ConnectionState[] = [];
  connection.onDidChangeState((s) => states.push(s));
  await session.signIn(ctx(new ScriptedUi()), { url: other, token: 'tok-bob' });
  assert.equal(settingUrl(), other);
  assert.deepEqual(connection.state, { kind: 'connected', url: other, me: users['tok-bob'] });
  assert.deepEqual(states.map((s) => s.kind), ['connecting', 'connected']);
  connection.dispose();
});

test('Sign Out forgets the token and disconnects; auto-connect then leaves the credentials file alone until Connect', async () => {
  const { ctx, connection, secrets, credentials, tokensUsed } = setup({ fileUser: 'admin' });
  await session.signIn(ctx(new ScriptedUi()), { url: URL, token: 'tok-alice' });
  const ui = new ScriptedUi();
  await session.signOut(ctx(ui));
  assert.equal(secrets.values.size, 0);
  assert.deepEqual(connection.state, { kind: 'disconnected' });
  assert.match(ui.infos[0]!, /^Framegate: signed out of 127\.0\.0\.1:7878\. This machine's Framegate credentials file also has a token/);
  assert.equal(credentials.isSignedOut(URL), true);
  assert.equal(await credentials.tokenFor(URL), undefined);

  // Automatic connects do not use the file after a sign-out...
  await session.connect(ctx(new ScriptedUi()), { retry: true, explicit: false });
  assert.equal(connection.state.kind, 'signInRequired');
  // ...an explicit Connect does.
  await session.connect(ctx(new ScriptedUi()));
  assert.deepEqual(connection.state, { kind: 'connected', url: URL, me: users['tok-admin'] });
  assert.deepEqual(tokensUsed, ['tok-alice', '(none)', 'tok-admin']);
  assert.equal(credentials.isSignedOut(URL), false);
  connection.dispose();
});

test('a refusal offers Sign In once per refusal, and the button starts it', async () => {
  const { ctx, connection, state } = setup();
  const ui = new ScriptedUi([{ warn: 'Sign In' }, { warn: undefined }]);
  let started = 0;
  const offer = session.offerSignIn(connection, ui, () => started++);
  await session.connect(ctx(ui), { retry: true, explicit: false });
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(ui.warnings, ['Framegate: 127.0.0.1:7878 needs you to sign in: this gateway needs a token']);
  assert.equal(started, 1);
  // Connecting again and being refused again is a new refusal: offered again, dismissed.
  await session.connect(ctx(ui), { retry: true, explicit: false });
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(ui.warnings.length, 2);
  assert.equal(started, 1);
  assert.equal(state.values.size, 0);
  offer.dispose();
  connection.dispose();
});

test('the status menu resolves to the chosen action', async () => {
  const ui = new ScriptedUi([{ pick: 'Sign Out' }, { pick: undefined }]);
  assert.equal(await session.statusMenu(ui, { kind: 'connected', url: URL, me: whoami('alice') }), 'signOut');
  assert.equal(await session.statusMenu(ui, { kind: 'disconnected' }), undefined);
});
