/**
 * Administration through a real gateway: who is connected and what runs, kicking a session,
 * cancelling a request, the audit log of reads, writes, shares and refusals (also at the door),
 * all admin-only; and a graceful shutdown with work running that loses no acknowledged save.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ErrorCodes, FramegateError, Methods, Notifications, type GatewayEvent } from '../../protocol';
import { AuthError, GatewayClient } from '../../rpc/client';
import { CATALOG_FILE } from '../../server/catalog/catalog';
import { removeDir, startGatewayProcess } from '../support/gateway-process';
import { failure, sampleIpc, startTestGateway, waitFor, type TestGateway } from './support';


/** A query that runs until it is interrupted. */
const ENDLESS_SQL = 'SELECT count(*) AS n FROM range(1000000000000)';

describe('administration', () => {
  let gw: TestGateway;
  let admin: GatewayClient;
  let alice: GatewayClient;
  let bob: GatewayClient;

  before(async () => {
    gw = await startTestGateway();
    admin = await gw.connect();
    alice = await gw.connect(await gw.addUser('alice'));
    bob = await gw.connect(await gw.addUser('bob'));
  });
  after(async () => {
    for (const c of [admin, alice, bob]) c?.close();
    await gw?.dispose();
  });

  test('sessions: who is connected, from where, since when, running what; admins only', async () => {
    const running = alice.request(Methods.sql, { sql: ENDLESS_SQL });
    const seen = await waitFor(async () => {
      const { sessions } = await admin.request(Methods.sessions, {});
      const mine = sessions.find((s) => s.user === 'alice');
      return mine?.running.some((r) => r.method === 'query/sql') ? { sessions, mine } : undefined;
    }, "alice's query in the list");
    assert.deepEqual(seen.sessions.map((s) => s.user).sort(), ['alice', 'bob', 'root']);
    assert.equal(seen.mine.remoteAddress, '127.0.0.1');
    assert.ok(Date.parse(seen.mine.connectedAt) <= Date.now());
    const request = seen.mine.running.find((r) => r.method === 'query/sql')!;
    assert.equal(request.what, ENDLESS_SQL);
    assert.match(request.id, /^q\d+$/);
    assert.equal((await failure(() => bob.request(Methods.sessions, {}))).code, ErrorCodes.Forbidden);

    // cancel: the query fails with who cancelled it; alice's session goes on.
    assert.equal((await failure(() => bob.request(Methods.cancel, { query: request.id }))).code, ErrorCodes.Forbidden);
    assert.deepEqual(await admin.request(Methods.cancel, { query: request.id }), { cancelled: request.id, session: seen.mine.id, user: 'alice' });
    const cancelled = await failure(() => running);
    assert.deepEqual([cancelled.code, cancelled.message], [ErrorCodes.Cancelled, 'cancelled by admin root']);
    assert.equal((await alice.request(Methods.sql, { sql: 'SELECT 1 AS one' })).rowCount, 1);
    assert.equal((await failure(() => admin.request(Methods.cancel, { query: request.id }))).code, ErrorCodes.InvalidParams, 'it no longer runs');
  });

  test('kick: the session is closed with 4003 and who did it; others go on', async () => {
    const victim = await gw.connect(await gw.addUser('victim'));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => victim.onClose((code, reason) => resolve({ code, reason })));
    const { sessions } = await admin.request(Methods.sessions, {});
    const id = sessions.find((s) => s.user === 'victim')!.id;
    assert.equal((await failure(() => bob.request(Methods.kick, { session: id }))).code, ErrorCodes.Forbidden);
    assert.deepEqual(await admin.request(Methods.kick, { session: id }), { kicked: id, user: 'victim' });
    assert.deepEqual(await closed, { code: 4003, reason: 'disconnected by admin root' });
    assert.equal((await failure(() => admin.request(Methods.kick, { session: id }))).code, ErrorCodes.InvalidParams);
    assert.equal((await bob.request(Methods.whoami, {})).user, 'bob');
  });

  test('the audit log: reads, saves, shares, unshares, deletes and refusals, by whom and from where; admins only', async () => {
    // A time after every earlier line: the clock has moved on by a millisecond at least.
    const earlier = new Date().toISOString();
    let since = earlier;
    while (since <= earlier) since = new Date().toISOString();
    await alice.upload({ name: 'secret' }, sampleIpc(10));
    await alice.request(Methods.share, { name: 'secret', with: { kind: 'user', name: 'bob' } });
    await bob.window({ source: { kind: 'frame', name: 'alice.secret' }, offset: 0, limit: 2 });
    await bob.window({ source: { kind: 'frame', name: 'alice.secret' }, offset: 2, limit: 2 });
    await bob.request(Methods.sql, { sql: 'SELECT count(*) FROM alice.secret' });
    await bob.export({ source: { kind: 'frame', name: 'alice.secret' } });
    await alice.request(Methods.unshare, { name: 'secret', with: { kind: 'user', name: 'bob' } });
    await failure(() => bob.request(Methods.schema, { name: 'alice.secret' }));
    await failure(() => bob.request(Methods.sql, { sql: 'SELECT * FROM alice.secret' }));
    await failure(() => bob.request(Methods.delete, { name: 'main.nothing_here' }));
    await failure(() => bob.request(Methods.audit, {}));
    await assert.rejects(GatewayClient.connect(gw.url, { token: 'fgt_0000000000000000_wrongwrongwrongwrongwrongwrongwrongwrongwro' }), AuthError);
    await alice.request(Methods.delete, { name: 'secret' });

    const { entries } = await admin.request(Methods.audit, { since });
    const mine = entries.filter((e) => e.object === 'alice.secret' || e.user === null || (e.user === 'bob' && e.action === 'refused'));
    assert.deepEqual(
      mine.map((e) => [e.user, e.action, e.object ?? null, e.version ?? null, (e.detail?.how ?? e.detail?.method ?? e.detail?.reason ?? null) as string | null]),
      [
        ['alice', 'save', 'alice.secret', 1, null],
        ['alice', 'share', 'alice.secret', null, null],
        ['bob', 'read', 'alice.secret', 1, 'window'],
        ['bob', 'read', 'alice.secret', 1, 'sql'],
        ['bob', 'read', 'alice.secret', 1, 'export'],
        ['alice', 'unshare', 'alice.secret', null, null],
        ['bob', 'refused', 'alice.secret', null, 'frames/schema'],
        ['bob', 'refused', 'alice.secret', null, 'query/sql'],
        ['bob', 'refused', null, null, 'admin/audit'],
        [null, 'refused', null, null, 'token not accepted'],
        ['alice', 'delete', 'alice.secret', null, null],
      ],
      'one read line per session for its windows; a missing frame is no refusal; the refused read names what was hidden, for admins only',
    );
    assert.ok(mine.every((e) => e.remoteAddress === '127.0.0.1'));
    assert.deepEqual(
      (await admin.request(Methods.audit, { user: 'bob', action: 'read', since })).entries.map((e) => e.detail?.how),
      ['window', 'sql', 'export'],
    );
  });
});

test('graceful shutdown: every client is told, new work is refused, running work finishes or is cancelled at the deadline, no acknowledged save is lost (needs npm run build)', async (t) => {
  const gateway = await startGatewayProcess();
  t.after(() => removeDir(gateway.dataDir));
  t.after(() => removeDir(gateway.configDir));
  t.after(() => gateway.kill());
  const token = await gateway.addUser('writer');
  const writers = await Promise.all([1, 2, 3].map(() => gateway.connect(token)));
  const watcher = await gateway.connect(token);
  const heard: GatewayEvent[] = [];
  watcher.onNotification(Notifications.event, (e) => heard.push(e));
  const endless = await gateway.connect(token);
  t.after(() => [...writers, watcher, endless].forEach((c) => c.close()));

  // Three writers save as fast as they can; each records what the gateway acknowledged.
  const acked: Array<{ name: string; version: number; rows: number }> = [];
  let stopping = false;
  const refusals: FramegateError[] = [];
  const loops = writers.map(async (client, w) => {
    for (let i = 0; !stopping; i++) {
      try {
        const saved = await client.request(Methods.save, { name: `w${w}`, from: { sql: `SELECT range AS i FROM range(${1000 + i})` }, replace: true });
        acked.push({ name: saved.name, version: saved.version, rows: saved.rowCount });
      } catch (error) {
        if (!(error instanceof FramegateError)) throw error;
        refusals.push(error);
        return;
      }
    }
  });
  const cancelled = failure(() => endless.request(Methods.sql, { sql: ENDLESS_SQL }));
  await waitFor(() => acked.length >= 6, 'a few saves');
  const admin = await gateway.connect();
  t.after(() => admin.close());
  const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)));
  const answer = await admin.request(Methods.shutdown, { graceSeconds: 2 });
  assert.equal(answer.graceSeconds, 2);
  const { sessions } = await admin.request(Methods.sessions, {});
  assert.ok(
    sessions.some((s) => s.running.some((r) => r.what === ENDLESS_SQL)),
    'admins still see what runs while it stops (and may cancel it)',
  );

  const told = await waitFor(() => heard.find((e) => e.type === 'gateway.shutdown'), 'the shutdown event');
  assert.ok(told.type === 'gateway.shutdown');
  assert.deepEqual([told.by, told.deadline], [gateway.adminUser, answer.deadline]);
  const late = await failure(() => watcher.request(Methods.listFrames, {}));
  assert.equal(late.code, ErrorCodes.ShuttingDown, 'no new work while stopping');
  const endlessError = await cancelled;
  assert.deepEqual([endlessError.code, endlessError.message], [ErrorCodes.Cancelled, 'cancelled: the gateway reached its shutdown deadline']);
  stopping = true;
  await Promise.all(loops);
  assert.ok(
    refusals.some((e) => e.code === ErrorCodes.ShuttingDown),
    `a writer was told the gateway is shutting down: ${refusals.map((e) => e.message).join('; ')}`,
  );
  assert.equal(await exited, 0, 'a clean exit');

  // Everything acknowledged is there, exactly as acknowledged; the catalog is whole.
  const db = new Database(join(gateway.dataDir, CATALOG_FILE), { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
  const again = await startGatewayProcess({ dataDir: gateway.dataDir, configDir: gateway.configDir, adminToken: gateway.adminToken });
  t.after(() => again.stop());
  const reader = await again.connect(token);
  t.after(() => reader.close());
  for (const save of acked) {
    const frame = await reader.request(Methods.schema, { name: `${save.name}@${save.version}` });
    assert.equal(frame.rowCount, save.rows, `${save.name}@${save.version}`);
  }
  assert.ok(!again.log.some((line) => line.includes('"storage-missing"')));
});
