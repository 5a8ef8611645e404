/**
 * Who you are, checked at the WebSocket upgrade of a real gateway: 401 for missing, wrong,
 * rotated and removed tokens (with messages people can act on), slower answers for an address that
 * keeps failing, connections of a revoked token closed at once, tokens never stored or logged in
 * plaintext, the first admin's credentials for the local user only, and TLS beyond loopback.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { ErrorCodes, FramegateError, Methods } from '../../protocol';
import { CloseCodes } from '../../rpc/channel';
import { AuthError, GatewayClient } from '../../rpc/client';
import { credentialsPath, readCredential } from '../../rpc/credentials';
import { startGateway } from '../../server/gateway';
import { startTestGateway, tempDir } from './support';

async function refusal(url: string, token: string | undefined, ca?: string): Promise<AuthError> {
  try {
    const client = await GatewayClient.connect(url, { ...(token ? { token } : {}), ...(ca ? { ca } : {}) });
    client.close();
  } catch (error) {
    assert.ok(error instanceof AuthError, `expected an AuthError, got ${String(error)}`);
    return error;
  }
  assert.fail('the gateway accepted the connection');
}

describe('authentication at the upgrade', () => {
  test('no token, a wrong one, a rotated one and a removed user’s are refused with 401 and a message to act on', async (t) => {
    const gw = await startTestGateway();
    t.after(() => gw.dispose());
    const missing = await refusal(gw.url, undefined);
    assert.equal(missing.status, 401);
    assert.match(missing.message, /framegate login/);
    const wrong = await refusal(gw.url, 'fgt_0123456789abcdef_' + 'A'.repeat(43));
    assert.equal(wrong.status, 401);
    assert.match(wrong.message, /did not accept your token/);
    assert.equal((await refusal(gw.url, 'garbage')).status, 401);

    const bobToken = await gw.addUser('bob');
    const bob = await gw.connect(bobToken);
    assert.equal((await bob.request(Methods.whoami, {})).user, 'bob');
    const closed = new Promise<{ code: number; reason: string }>((resolve) => bob.onClose((code, reason) => resolve({ code, reason })));
    const admin = await gw.connect();
    t.after(() => admin.close());
    const rotated = await admin.request(Methods.rotateToken, { user: 'bob' });
    const { code, reason } = await closed;
    assert.equal(code, CloseCodes.unauthorized, 'the connection of the old token is closed at once');
    assert.match(reason, /sign in again/);
    assert.equal((await refusal(gw.url, bobToken)).status, 401);
    const again = await gw.connect(rotated.token);
    const removedClosed = new Promise<number>((resolve) => again.onClose((c) => resolve(c)));
    await admin.request(Methods.removeUser, { name: 'bob' });
    assert.equal(await removedClosed, CloseCodes.unauthorized);
    assert.equal((await refusal(gw.url, rotated.token)).status, 401);
  });

  test('an address that keeps failing is answered more and more slowly; a valid token still gets in', async (t) => {
    const gw = await startTestGateway();
    t.after(() => gw.dispose());
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = performance.now();
      await refusal(gw.url, `fgt_${'f'.repeat(16)}_${String(i).repeat(43)}`);
      times.push(performance.now() - started);
    }
    // The first three are free; then 250 ms, 500 ms, 1 s of delay (lower bounds: a busy machine only adds).
    assert.ok(times[3]! >= 240 && times[4]! >= 490 && times[5]! >= 990, `answers took ${times.map((ms) => Math.round(ms)).join(', ')} ms`);
    const admin = await gw.connect();
    assert.equal((await admin.request(Methods.whoami, {})).user, 'root');
    admin.close();
    assert.ok(gw.logs.some((l) => l.event === 'auth-refused' && l.reason === 'token not accepted'));
  });

  test('tokens are stored only as slow salted hashes: no token is in the data dir or the logs', async (t) => {
    const gw = await startTestGateway();
    t.after(() => gw.dispose());
    const tokens = [gw.adminToken, await gw.addUser('carol'), await gw.addUser('dave')];
    const admin = await gw.connect();
    tokens.push((await admin.request(Methods.rotateToken, { user: 'dave' })).token);
    admin.close();
    for (const token of tokens.slice(1)) await refusal(gw.url, token.slice(0, -2) + 'zz');
    const carol = await gw.connect(tokens[1]);
    await carol.request(Methods.listFrames, {});
    carol.close();
    const db = new Database(join(gw.dataDir, 'catalog.sqlite'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const secrets = tokens.flatMap((token) => [token, token.slice(-43)]);
    for (const file of readdirSync(gw.dataDir, { recursive: true }) as string[]) {
      const path = join(gw.dataDir, file);
      if (!statSync(path).isFile()) continue;
      const bytes = readFileSync(path);
      for (const secret of secrets) assert.equal(bytes.includes(secret), false, `${file} holds a token`);
    }
    const logText = JSON.stringify(gw.logs);
    for (const secret of secrets) assert.equal(logText.includes(secret), false, 'a token was logged');
    assert.ok(gw.logs.length > 10, 'the logs were captured');
  });

  test('the first start makes an admin and saves their credentials for this OS user only (0600)', async (t) => {
    const gw = await startTestGateway();
    t.after(() => gw.dispose());
    const env = { FRAMEGATE_CONFIG_DIR: gw.configDir };
    const saved = readCredential(gw.url, env);
    assert.deepEqual([saved?.user, saved?.token], ['root', gw.adminToken]);
    assert.equal(statSync(credentialsPath(env)).mode & 0o777, 0o600);
    const admin = await gw.connect(saved?.token);
    const me = await admin.request(Methods.whoami, {});
    admin.close();
    assert.deepEqual([me.user, me.admin, me.namespace, me.teamNamespace], ['root', true, 'root', 'main']);
    assert.ok(gw.logs.some((l) => l.event === 'admin-created' && l.user === 'root'));
  });

  test('admins manage users and groups; others are refused', async (t) => {
    const gw = await startTestGateway();
    t.after(() => gw.dispose());
    const erin = await gw.connect(await gw.addUser('erin'));
    t.after(() => erin.close());
    for (const call of [
      () => erin.request(Methods.addUser, { name: 'mallory' }),
      () => erin.request(Methods.removeUser, { name: 'root' }),
      () => erin.request(Methods.updateUser, { name: 'erin', admin: true }),
      () => erin.request(Methods.rotateToken, { user: 'root' }),
      () => erin.request(Methods.addGroup, { name: 'g', members: [] }),
    ]) {
      await assert.rejects(call(), (error: unknown) => error instanceof FramegateError && error.code === ErrorCodes.Forbidden);
    }
    const { users } = await erin.request(Methods.listUsers, {});
    assert.deepEqual(
      users.map((u) => u.name),
      ['erin', 'root'],
    );
    // Anyone rotates their own token.
    const own = await erin.request(Methods.rotateToken, {});
    assert.equal(own.user, 'erin');
    const next = await gw.connect(own.token);
    assert.equal((await next.request(Methods.whoami, {})).user, 'erin');
    next.close();
  });
});

describe('transport security', () => {
  test('beyond loopback the gateway needs TLS (or --insecure); with a certificate it serves wss://', async (t) => {
    const dataDir = tempDir('framegate-tls-data-');
    const dir = tempDir('framegate-tls-');
    t.after(() => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    });
    await assert.rejects(startGateway({ host: '0.0.0.0', port: 0, dataDir, logLevel: 'silent' }), /without TLS/);

    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const gw = await startTestGateway({ tlsCert: cert, tlsKey: key });
    t.after(() => gw.dispose());
    assert.match(gw.url, /^wss:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(cert, 'utf8');
    const client = await GatewayClient.connect(gw.url, { token: gw.adminToken, ca });
    assert.equal((await client.request(Methods.whoami, {})).user, 'root');
    client.close();
    assert.equal((await refusal(gw.url, undefined, ca)).status, 401);
    await assert.rejects(GatewayClient.connect(gw.url, { token: gw.adminToken }), /self-signed|certificate/i, 'an unknown certificate is not trusted');
  });
});
