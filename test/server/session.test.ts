/**
 * A Session on its own, over an in-memory channel pair, with a real catalog and a real DuckDB
 * engine: dispatch, validation, the caller's principal loaded afresh for every request, and a bug
 * in a handler failing only its own request.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import pino from 'pino';
import { ResponseError } from 'vscode-jsonrpc';
import { ErrorCodes, Methods, type RequestType, type ParamsOf, type ResultOf } from '../../protocol';
import { channelPair } from '../../rpc/memory-channel';
import { RpcPeer } from '../../rpc/peer';
import { Catalog } from '../../server/catalog/catalog';
import { resolveConfig } from '../../server/config';
import type { Engine } from '../../server/engine/engine';
import { openEngine } from '../../server/engine/factory';
import { createImportPolicy } from '../../server/engine/import-policy';
import { DEFAULT_OUTBOX_LIMITS } from '../../server/events/outbox';
import { createMemoryBudget } from '../../server/memory/budget';
import { createServices } from '../../server/services';
import { Session } from '../../server/session';
import { tempDir } from './support';

interface Harness {
  call<T extends RequestType<unknown, unknown>>(type: T, params: ParamsOf<T>): Promise<ResultOf<T>>;
  raw(method: string, params: unknown): Promise<unknown>;
  catalog: Catalog;
  logs: Array<{ event?: string; method?: string }>;
  userId: number;
}

async function harness(t: TestContext, adapt: (engine: Engine) => Engine = (engine) => engine): Promise<Harness> {
  const dataDir = tempDir('framegate-session-');
  const config = resolveConfig({ dataDir, queryTimeoutMs: 10_000 });
  const catalog = Catalog.open(dataDir);
  const realEngine = await openEngine('duckdb', { dataDir, importPolicy: createImportPolicy([], dataDir), queryTimeoutMs: config.queryTimeoutMs });
  const engine = adapt(realEngine);
  const logs: Array<{ event?: string; method?: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line) as { event?: string }) });
  const user = catalog.identity.users.add('tester', { admin: false, teamWriter: false });
  const [serverEnd, clientEnd] = channelPair();
  const services = createServices(config, logger, catalog, engine, createMemoryBudget(2 ** 30), () => new Date());
  const { sessions } = services;
  const session = new Session(new RpcPeer(serverEnd), services, { id: sessions.nextId(), userId: user.id, name: user.name, tokenId: 'test', remoteAddress: '192.0.2.7' }, DEFAULT_OUTBOX_LIMITS);
  sessions.add(session);
  session.peer.listen();
  const client = new RpcPeer(clientEnd);
  client.listen();
  t.after(async () => {
    client.close();
    await session.close();
    await realEngine.close();
    catalog.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    call: (type, params) => client.connection.sendRequest(type.method, params),
    raw: (method, params) => client.connection.sendRequest(method, params),
    catalog,
    logs,
    userId: user.id,
  };
}

function rejectsWith(code: number) {
  return (error: unknown) => error instanceof ResponseError && error.code === code;
}

test('requests are validated: unknown methods, bad params and positional params get their JSON-RPC codes', async (t) => {
  const h = await harness(t);
  await assert.rejects(h.raw('frames/steal', {}), rejectsWith(ErrorCodes.MethodNotFound));
  await assert.rejects(h.raw('data/window', { source: { kind: 'frame', name: 'x' }, offset: -1, limit: 1 }), rejectsWith(ErrorCodes.InvalidParams));
  await assert.rejects(h.raw('frames/schema', ['x']), rejectsWith(ErrorCodes.InvalidParams));
  await assert.rejects(h.raw('frames/schema', { name: 'a.b.c' }), rejectsWith(ErrorCodes.InvalidParams));
  assert.deepEqual(await h.raw('frames/list', {}), { frames: [] }, 'and the session goes on');
});

test('the principal is loaded for every request: a new admin flag counts at once, a removed user is refused at once', async (t) => {
  const h = await harness(t);
  await assert.rejects(h.call(Methods.addUser, { name: 'eve' }), rejectsWith(ErrorCodes.Forbidden));
  h.catalog.identity.users.update(h.userId, { admin: true });
  assert.equal((await h.call(Methods.addUser, { name: 'eve' })).user, 'eve');
  assert.equal((await h.call(Methods.whoami, {})).admin, true);
  h.catalog.identity.users.remove(h.userId);
  await assert.rejects(h.call(Methods.whoami, {}), rejectsWith(ErrorCodes.Unauthorized));
});

test('an unexpected engine exception becomes InternalError, its message only in the log, and the session goes on', async (t) => {
  // Fault injection on a real engine: the first SQL run fails the way a bug would (not a FramegateError).
  const h = await harness(t, (engine) => {
    let failNext = true;
    return Object.assign(Object.create(engine) as Engine, {
      openSession: (label: string) => {
        const session = engine.openSession(label);
        return Object.assign(Object.create(session) as typeof session, {
          runSql: (sql: string, resolve: Parameters<typeof session.runSql>[1]) => {
            if (!failNext) return session.runSql(sql, resolve);
            failNext = false;
            return Promise.reject(new TypeError('cannot read properties of undefined (injected)'));
          },
        });
      },
    });
  });
  await assert.rejects(
    h.call(Methods.sql, { sql: 'SELECT 1' }),
    (error: unknown) =>
      error instanceof ResponseError && error.code === ErrorCodes.InternalError && /query\/sql/.test(error.message) && !error.message.includes('injected'),
  );
  const logged = h.logs.find((l) => l.event === 'internal-error' && l.method === 'query/sql') as { err?: { message?: string } } | undefined;
  assert.match(logged?.err?.message ?? '', /cannot read properties of undefined \(injected\)/);
  assert.equal((await h.call(Methods.sql, { sql: 'SELECT 42 AS answer' })).rowCount, 1);
});
