/**
 * The gateway end to end: real gateway on a free port, real DuckDB in a temp data dir, real
 * WebSocket clients, Arrow decoded and checked. Bad inputs are each followed by proof that the
 * gateway still serves others.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeAttachmentFrame, ErrorCodes, FramegateError, Methods, Notifications, type FramesChangedNotification } from '../../protocol';
import { tableFromIPC } from 'apache-arrow';
import WebSocket from 'ws';
import { GatewayClient } from '../../rpc/client';
import { removeDir, startGatewayProcess } from '../support/gateway-process';
import { closeOf, decodeRows, failure, rawExchange, rawSocket, sampleIpc, startTestGateway, type TestGateway, waitFor } from './support';


/** A query that runs for minutes unless interrupted (range is allowed; the filter defeats shortcuts). */
const SLOW_SQL = 'SELECT count(*) AS n FROM range(1000000000000) t(i) WHERE (i * 7) % 13 = 5';

describe('gateway with one shared instance', () => {
  let gw: TestGateway;
  let alice: GatewayClient;
  let bob: GatewayClient;
  /** A user whose raw sockets the log lines can be told apart by. */
  let rawToken: string;

  before(async () => {
    gw = await startTestGateway();
    // Team writers both: what they save in the team namespace `main` the other can read.
    alice = await gw.connect(await gw.addUser('alice', { teamWriter: true }));
    bob = await gw.connect(await gw.addUser('bob', { teamWriter: true }));
    rawToken = await gw.addUser('raw');
    await alice.upload({ name: 'main.numbers' }, sampleIpc(1000));
  });
  after(async () => {
    alice.close();
    bob.close();
    await gw.dispose();
  });

  /** Proof the gateway still answers: bob lists frames and reads a window. */
  async function stillServes(): Promise<void> {
    const { frames } = await bob.request(Methods.listFrames, {});
    assert.ok(frames.some((f) => f.name === 'main.numbers'));
    const { ipc } = await bob.window({ source: { kind: 'frame', name: 'numbers' }, offset: 500, limit: 1 });
    assert.deepEqual(decodeRows(ipc), [{ id: 500, label: 'row-500', value: 750 }]);
  }

  test('info reports the engine and the limits', async () => {
    const info = await alice.request(Methods.info, {});
    assert.equal(info.name, 'framegate');
    assert.match(info.engine, /duckdb/i);
    assert.equal(info.maxMessageBytes, gw.gateway.config.maxMessageBytes);
    assert.equal(info.maxUploadBytes, gw.gateway.config.maxUploadBytes);
    assert.deepEqual(info.importDirs, [gw.importDir]);
  });

  test('catalog: list and schema describe an uploaded frame, owned by its uploader', async () => {
    const { frames } = await bob.request(Methods.listFrames, {});
    const numbers = frames.find((f) => f.name === 'main.numbers');
    assert.ok(numbers);
    assert.equal(numbers.rowCount, 1000);
    assert.equal(numbers.owner, 'alice');
    const schema = await bob.request(Methods.schema, { name: 'numbers' });
    assert.deepEqual(
      schema.columns.map((c) => c.name),
      ['id', 'label', 'value'],
    );
    assert.equal(schema.columns[0]?.type, 'INTEGER');
    assert.equal(schema.columns[2]?.type, 'DOUBLE');
  });

  test('windows: offset, limit, column subset and sort', async () => {
    const plain = await bob.window({ source: { kind: 'frame', name: 'numbers' }, offset: 990, limit: 20 });
    assert.equal(plain.result.rowCount, 1000);
    assert.equal(plain.result.rows, 10);
    assert.deepEqual(
      decodeRows(plain.ipc).map((r) => r.id),
      [990, 991, 992, 993, 994, 995, 996, 997, 998, 999],
    );

    const sorted = await bob.window({
      source: { kind: 'frame', name: 'numbers' },
      offset: 1,
      limit: 3,
      columns: ['value', 'id'],
      sort: [{ column: 'id', descending: true }],
    });
    assert.deepEqual(
      sorted.result.columns.map((c) => c.name),
      ['value', 'id'],
    );
    assert.deepEqual(decodeRows(sorted.ipc), [
      { value: 998 * 1.5, id: 998 },
      { value: 997 * 1.5, id: 997 },
      { value: 996 * 1.5, id: 996 },
    ]);
  });

  test('select and SQL give result handles that can be windowed, saved and closed', async () => {
    const selected = await alice.request(Methods.select, {
      from: 'numbers',
      columns: ['id', 'value'],
      filter: 'id % 100 = 0',
      sort: [{ column: 'id', descending: true }],
      limit: 4,
    });
    assert.equal(selected.rowCount, 4);
    const win = await alice.window({ source: { kind: 'result', id: selected.id }, offset: 0, limit: 10 });
    assert.deepEqual(
      decodeRows(win.ipc).map((r) => r.id),
      [900, 800, 700, 600],
    );

    const sql = await alice.request(Methods.sql, { sql: 'SELECT id % 3 AS bucket, count(*) AS n FROM numbers GROUP BY 1 ORDER BY 1' });
    assert.equal(sql.rowCount, 3);
    const saved = await alice.request(Methods.save, { name: 'buckets', from: { result: sql.id } });
    assert.equal(saved.name, 'alice.buckets', 'a bare name saves into your own namespace');
    assert.equal(saved.owner, 'alice');
    assert.equal(saved.rowCount, 3);
    await alice.request(Methods.share, { name: 'buckets', with: { kind: 'user', name: 'bob' } });
    const buckets = await bob.window({ source: { kind: 'frame', name: 'alice.buckets' }, offset: 0, limit: 10 });
    assert.deepEqual(decodeRows(buckets.ipc), [
      { bucket: 0, n: 334 },
      { bucket: 1, n: 333 },
      { bucket: 2, n: 333 },
    ]);

    // A result belongs to its session: bob cannot read alice's.
    const notHis = await failure(() => bob.window({ source: { kind: 'result', id: sql.id }, offset: 0, limit: 1 }));
    assert.equal(notHis.code, ErrorCodes.ResultNotFound);

    const { frames: inAlice } = await bob.request(Methods.listFrames, { namespace: 'alice' });
    assert.deepEqual(
      inAlice.map((f) => f.name),
      ['alice.buckets'],
    );

    assert.deepEqual(await alice.request(Methods.closeResult, { id: sql.id }), { closed: true });
    assert.deepEqual(await alice.request(Methods.closeResult, { id: sql.id }), { closed: false });
  });

  test('save from SQL: refuses to overwrite unless replace, and bumps the version', async () => {
    const first = await bob.request(Methods.save, { name: 'main.evens', from: { sql: 'SELECT * FROM numbers WHERE id % 2 = 0' } });
    assert.equal(first.rowCount, 500);
    assert.equal(first.version, 1);
    assert.equal(first.owner, 'bob');
    const exists = await failure(() => alice.request(Methods.save, { name: 'main.evens', from: { sql: 'SELECT 1 AS x' } }));
    assert.equal(exists.code, ErrorCodes.FrameExists);
    const second = await alice.request(Methods.save, { name: 'main.evens', from: { sql: 'SELECT * FROM numbers WHERE id % 4 = 0' }, replace: true });
    assert.equal(second.rowCount, 250);
    assert.equal(second.version, 2);
    assert.deepEqual([second.owner, second.author], ['bob', 'alice']);
  });

  test('load a CSV file from the import dir; paths outside it are refused', async () => {
    writeFileSync(join(gw.importDir, 'cities.csv'), 'city,population\nOslo,709000\nLima,10004000\nPerth,2192000\n');
    const frame = await alice.request(Methods.load, { path: 'cities.csv', name: 'main.cities' });
    assert.equal(frame.rowCount, 3);
    const { ipc } = await bob.window({ source: { kind: 'frame', name: 'cities' }, offset: 0, limit: 10, sort: [{ column: 'population', descending: true }] });
    assert.deepEqual(
      decodeRows(ipc).map((r) => r.city),
      ['Lima', 'Perth', 'Oslo'],
    );

    const outside = await failure(() => alice.request(Methods.load, { path: '/etc/passwd', name: 'secrets', format: 'csv' }));
    assert.equal(outside.code, ErrorCodes.FileRefused);
    const missing = await failure(() => alice.request(Methods.load, { path: 'nope.csv', name: 'nope' }));
    assert.equal(missing.code, ErrorCodes.FileNotFound);
    await stillServes();
  });

  test('upload then export round-trips the Arrow data', async () => {
    await bob.upload({ name: 'bob.copy' }, sampleIpc(2500, 'copy-'));
    await bob.request(Methods.share, { name: 'copy', with: { kind: 'user', name: 'alice' } });
    const { result, ipc } = await alice.export({ source: { kind: 'frame', name: 'bob.copy' } });
    assert.equal(result.rows, 2500);
    assert.equal(result.bytes, ipc.byteLength);
    const rows = decodeRows(ipc);
    assert.equal(rows.length, 2500);
    assert.deepEqual(rows[2499], { id: 2499, label: 'copy-2499', value: 2499 * 1.5 });
    const badAttachment = await failure(() => bob.request(Methods.upload, { name: 'ghost', attachment: 999 }));
    assert.equal(badAttachment.code, ErrorCodes.BadAttachment);
    await stillServes();
  });

  test('delete removes a frame; reading it afterwards is FrameNotFound', async () => {
    await alice.upload({ name: 'main.doomed' }, sampleIpc(3));
    assert.equal((await failure(() => bob.request(Methods.delete, { name: 'main.doomed' }))).code, ErrorCodes.Forbidden, 'only its owner (or an admin) deletes it');
    assert.deepEqual(await alice.request(Methods.delete, { name: 'main.doomed' }), { deleted: 'main.doomed' });
    const gone = await failure(() => bob.request(Methods.schema, { name: 'doomed' }));
    assert.equal(gone.code, ErrorCodes.FrameNotFound);
    assert.equal(gone.kind, 'FrameNotFound');
  });

  test('frames/changed reaches the other clients', async () => {
    const seen: FramesChangedNotification[] = [];
    const subscription = bob.onNotification<FramesChangedNotification>(Notifications.framesChanged, (n) => seen.push(n));
    try {
      writeFileSync(join(gw.importDir, 'tiny.csv'), 'a\n1\n');
      await alice.upload({ name: 'main.announced' }, sampleIpc(2));
      await alice.request(Methods.save, { name: 'main.announced', from: { sql: 'SELECT 1 AS one' }, replace: true });
      await alice.request(Methods.load, { path: 'tiny.csv', name: 'main.announced', replace: true });
      await alice.request(Methods.delete, { name: 'main.announced' });
      await failure(() => alice.request(Methods.delete, { name: 'main.announced' }));
      // Notifications keep order: once the sentinel's arrives, any for the failed delete would have too.
      await alice.upload({ name: 'main.sentinel' }, sampleIpc(1));
      await waitFor(() => seen.some((n) => n.name === 'main.sentinel'), 'the sentinel notification');
      assert.deepEqual(
        seen.filter((n) => n.name === 'main.announced'),
        [
          { action: 'uploaded', name: 'main.announced', by: 'alice' },
          { action: 'saved', name: 'main.announced', by: 'alice' },
          { action: 'loaded', name: 'main.announced', by: 'alice' },
          { action: 'deleted', name: 'main.announced', by: 'alice' },
        ],
      );
    } finally {
      subscription.dispose();
    }
  });

  test('concurrent saves of one name: exactly one wins, the other is told why', async () => {
    const results = await Promise.allSettled([
      alice.request(Methods.save, { name: 'main.race', from: { sql: 'SELECT 1 AS who' } }),
      bob.request(Methods.save, { name: 'main.race', from: { sql: 'SELECT 2 AS who' } }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    const reason: unknown = lost[0]?.reason;
    assert.ok(reason instanceof FramegateError);
    assert.ok(([ErrorCodes.FrameExists, ErrorCodes.Conflict] as number[]).includes(reason.code), reason.message);
    const { ipc } = await alice.window({ source: { kind: 'frame', name: 'race' }, offset: 0, limit: 10 });
    const winner = (won[0] as PromiseFulfilledResult<{ author: string }>).value.author;
    assert.deepEqual(decodeRows(ipc), [{ who: winner === 'alice' ? 1 : 2 }]);

    // With replace, both succeed one after the other and the versions say so.
    const replaced = await Promise.all([
      alice.request(Methods.save, { name: 'main.race', from: { sql: 'SELECT 3 AS who' }, replace: true }),
      bob.request(Methods.save, { name: 'main.race', from: { sql: 'SELECT 4 AS who' }, replace: true }),
    ]);
    assert.deepEqual(replaced.map((f) => f.version).sort(), [2, 3]);
    const last = replaced.find((f) => f.version === 3);
    const final = decodeRows((await alice.window({ source: { kind: 'frame', name: 'race' }, offset: 0, limit: 10 })).ipc);
    assert.deepEqual(final, [{ who: last?.author === 'alice' ? 3 : 4 }]);
  });

  test('malformed JSON gets a parse error; the same socket and other clients keep working', async () => {
    const socket = await rawSocket(gw.url, rawToken);
    try {
      const reply = await rawExchange(socket, '{"jsonrpc": "2.0", "method": "frames/list", ');
      assert.equal(reply.error?.code, ErrorCodes.ParseError);
      assert.equal(reply.id, null);
      const notRpc = await rawExchange(socket, '[1, 2, 3]');
      assert.equal(notRpc.error?.code, ErrorCodes.InvalidRequest);
      const ok = await rawExchange(socket, JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'frames/list', params: {} }));
      assert.equal(ok.id, 7);
      assert.ok(Array.isArray((ok.result as { frames: unknown[] }).frames));
    } finally {
      socket.close();
    }
    await stillServes();
  });

  test('a browser page (Origin header) is refused with 403; Node clients and allowed origins are not', async () => {
    const refused = new WebSocket(gw.url, { origin: 'https://evil.example' });
    const [, response] = (await once(refused, 'unexpected-response')) as [unknown, { statusCode: number }];
    assert.equal(response.statusCode, 403);
    // Aborting a socket that never opened reports an error; that is expected here.
    refused.on('error', () => undefined);
    refused.terminate();
    await stillServes();

    const withOrigin = await startTestGateway({ allowedOrigins: ['vscode-webview://trusted'] });
    try {
      const allowed = new WebSocket(withOrigin.url, { origin: 'vscode-webview://trusted', headers: { Authorization: `Bearer ${withOrigin.adminToken}` } });
      await once(allowed, 'open');
      allowed.close();
    } finally {
      await withOrigin.dispose();
    }
  });

  test('a request without params is treated as empty params', async () => {
    const socket = await rawSocket(gw.url, rawToken);
    try {
      const reply = await rawExchange(socket, JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'gateway/info' }));
      assert.equal((reply.result as { name: string }).name, 'framegate');
      const missing = await rawExchange(socket, JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'frames/schema' }));
      assert.equal(missing.error?.code, ErrorCodes.InvalidParams);
    } finally {
      socket.close();
    }
  });

  test('a binary frame too short for the attachment header closes with 1002; invalid UTF-8 text with 1007', async () => {
    const short = await rawSocket(gw.url, rawToken);
    const shortClosed = closeOf(short);
    short.send(new Uint8Array([1, 2, 3]));
    const { code, reason } = await shortClosed;
    assert.equal(code, 1002);
    assert.match(reason, /attachment header/);

    const garbled = await rawSocket(gw.url, rawToken);
    const garbledClosed = closeOf(garbled);
    garbled.send(Buffer.from([0xc3, 0x28, 0xff]), { binary: false });
    assert.equal((await garbledClosed).code, 1007);
    await stillServes();
  });

  test('unknown method is -32601', async () => {
    const socket = await rawSocket(gw.url, rawToken);
    try {
      const reply = await rawExchange(socket, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'frames/steal', params: {} }));
      assert.equal(reply.error?.code, ErrorCodes.MethodNotFound);
      assert.match(reply.error?.message ?? '', /frames\/steal/);
    } finally {
      socket.close();
    }
    await stillServes();
  });

  test('wrong param types are -32602 with the zod issues in data', async () => {
    const socket = await rawSocket(gw.url, rawToken);
    try {
      const reply = await rawExchange(
        socket,
        JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'data/window', params: { source: { kind: 'frame', name: 'numbers' }, offset: -1, limit: 'ten' } }),
      );
      assert.equal(reply.error?.code, ErrorCodes.InvalidParams);
      const data = reply.error?.data as { kind: string; detail: Array<{ path: string[] }> };
      assert.equal(data.kind, 'InvalidParams');
      assert.deepEqual(data.detail.map((issue) => issue.path.join('.')).sort(), ['limit', 'offset']);
      const positional = await rawExchange(socket, JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'frames/schema', params: ['numbers'] }));
      assert.equal(positional.error?.code, ErrorCodes.InvalidParams);
      const badName = await rawExchange(socket, JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'frames/schema', params: { name: 'x; DROP TABLE y' } }));
      assert.equal(badName.error?.code, ErrorCodes.InvalidParams);
    } finally {
      socket.close();
    }
    await stillServes();
  });

  test('unknown frame, invalid SQL and refused SQL are reported with their codes', async () => {
    assert.equal((await failure(() => alice.request(Methods.schema, { name: 'no_such_frame' }))).code, ErrorCodes.FrameNotFound);
    assert.equal((await failure(() => alice.window({ source: { kind: 'frame', name: 'no_such_frame' }, offset: 0, limit: 1 }))).code, ErrorCodes.FrameNotFound);
    assert.equal((await failure(() => alice.request(Methods.sql, { sql: 'SELEKT * FROM numbers' }))).code, ErrorCodes.InvalidSql);
    assert.equal((await failure(() => alice.request(Methods.sql, { sql: 'SELECT no_such_column FROM numbers' }))).code, ErrorCodes.InvalidSql);
    for (const sql of ['DROP TABLE numbers', 'SELECT * FROM numbers; DELETE FROM numbers', "SELECT getenv('HOME')", 'SELECT * FROM duckdb_settings()']) {
      const refused = await failure(() => alice.request(Methods.sql, { sql }));
      assert.equal(refused.code, ErrorCodes.SqlRefused, `${sql} -> ${refused.message}`);
    }
    const select = await failure(() => alice.request(Methods.select, { from: 'numbers', columns: ['nope'] }));
    assert.equal(select.code, ErrorCodes.ColumnNotFound);
    await stillServes();
    assert.equal((await bob.request(Methods.schema, { name: 'numbers' })).rowCount, 1000);
  });

  test('a client dropping mid-query: its engine session is interrupted and the gateway keeps serving', async () => {
    const dropper = await gw.connect(await gw.addUser('dropper'));
    const pending = dropper.request(Methods.sql, { sql: SLOW_SQL }).catch((error: unknown) => error);
    await waitFor(() => gw.logs.some((l) => l.event === 'request-start' && l.user === 'dropper'), 'the slow query to start');
    dropper.close();
    assert.ok((await pending) instanceof FramegateError);
    // The gateway logs the request's end once the engine let go of it: the query would otherwise
    // run for minutes (the gateway's timeout here is 30 s).
    const entry = await waitFor(() => gw.logs.find((l) => l.event === 'request' && l.method === 'query/sql' && l.user === 'dropper'), 'the dropped query to stop', 10_000);
    assert.notEqual(entry.outcome, 'ok');
    assert.ok((entry.ms ?? Infinity) < 10_000, `ran ${entry.ms} ms`);
    await stillServes();
  });

  test('$/cancelRequest interrupts the running query of that session', async () => {
    const socket = await rawSocket(gw.url, rawToken);
    try {
      const reply = new Promise<{ id: number; error?: { code: number } }>((resolve) =>
        socket.on('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as { id: number; error?: { code: number } })),
      );
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'query/sql', params: { sql: SLOW_SQL } }));
      await waitFor(() => gw.logs.some((l) => l.event === 'request-start' && l.method === 'query/sql' && l.user === 'raw'), 'the query to start');
      socket.send(JSON.stringify({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 9 } }));
      const answer = await reply;
      assert.equal(answer.id, 9);
      assert.ok(answer.error, 'a cancelled query answers with an error');
      assert.notEqual(answer.error.code, ErrorCodes.QueryTimeout);
    } finally {
      socket.close();
    }
    await stillServes();
  });

  test('a $/cancelRequest sent right behind its request is not lost: the query ends Cancelled at once', async () => {
    const socket = await rawSocket(gw.url, rawToken);
    try {
      const reply = new Promise<{ id: number; error?: { code: number; data?: { kind: string } } }>((resolve) =>
        socket.on('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as { id: number; error?: { code: number } })),
      );
      const started = Date.now();
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: 11, method: 'query/sql', params: { sql: SLOW_SQL } }));
      socket.send(JSON.stringify({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 11 } }));
      const answer = await reply;
      assert.equal(answer.error?.code, ErrorCodes.Cancelled, JSON.stringify(answer.error));
      // The gateway's query timeout here is 30 s: well before it, the query was stopped by the cancel.
      assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    } finally {
      socket.close();
    }
    await stillServes();
  });

  test('requests are logged with method, duration and outcome; window calls at debug level', async () => {
    await bob.request(Methods.schema, { name: 'numbers' });
    const entry = await waitFor(() => gw.logs.findLast((l) => l.event === 'request' && l.method === 'frames/schema' && l.user === 'bob'), 'a schema log line');
    assert.equal(entry.outcome, 'ok');
    assert.equal(typeof entry.ms, 'number');
    assert.equal(entry.level, 30);
    const windowEntry = gw.logs.findLast((l) => l.event === 'request' && l.method === 'data/window' && l.outcome === 'ok');
    assert.equal(windowEntry?.level, 20);
  });
});

describe('gateway limits and lifecycle', () => {
  test('an oversized message closes that client with 1009; an oversized upload fails with TooLarge; others keep working', async (t) => {
    const gw = await startTestGateway({ maxMessageBytes: 64 * 1024, maxUploadBytes: 64 * 1024 });
    t.after(() => gw.dispose());
    const other = await gw.connect();
    t.after(() => other.close());

    const socket = await rawSocket(gw.url, gw.adminToken);
    const closed = closeOf(socket);
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'query/sql', params: { sql: `SELECT '${'x'.repeat(100 * 1024)}'` } }));
    assert.equal((await closed).code, 1009);

    // An upload larger than the cap fails with TooLarge (its kind intact); the connection stays up.
    const uploader = await gw.connect();
    t.after(() => uploader.close());
    const tooLarge = await failure(() => uploader.upload({ name: 'big' }, sampleIpc(20_000)));
    assert.equal(tooLarge.kind, 'TooLarge', tooLarge.message);
    assert.match(tooLarge.message, /--max-upload-bytes/);
    assert.equal((await uploader.request(Methods.info, {})).name, 'framegate');

    // So does one assembled from parts that each fit but together pass the cap: its parts are dropped, not held.
    const parts = await rawSocket(gw.url, gw.adminToken);
    t.after(() => parts.close());
    for (let i = 0; i < 3; i++) parts.send(encodeAttachmentFrame(1, new Uint8Array(30 * 1024), i === 2));
    const reply = await rawExchange(parts, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'frames/upload', params: { name: 'parts', attachment: 1 } }));
    assert.equal((reply.error?.data as { kind?: string } | undefined)?.kind, 'TooLarge');

    await other.upload({ name: 'small' }, sampleIpc(10));
    assert.equal((await other.request(Methods.schema, { name: 'small' })).rowCount, 10);
  });

  test('an upload larger than one message arrives in parts that fit the message cap', async (t) => {
    const gw = await startTestGateway({ maxMessageBytes: 64 * 1024, maxUploadBytes: 16 * 1024 * 1024 });
    t.after(() => gw.dispose());
    const client = await gw.connect();
    t.after(() => client.close());
    const ipc = sampleIpc(50_000);
    assert.ok(ipc.byteLength > 10 * 64 * 1024, `the upload (${ipc.byteLength} bytes) spans many messages`);
    const frame = await client.upload({ name: 'parts' }, ipc);
    assert.equal(frame.rowCount, 50_000);
  });

  test('backpressure: a client that stops reading stalls only its own export; others are served', async (t) => {
    const gw = await startTestGateway();
    t.after(() => gw.dispose());
    const other = await gw.connect();
    t.after(() => other.close());
    // ~48 MB of Arrow: far more than the send high-water mark plus the kernel's socket buffers.
    const rows = 3_000_000;
    await other.request(Methods.save, { name: 'main.wide', from: { sql: `SELECT range AS id, range * 1.5::DOUBLE AS value FROM range(${rows})` } });

    const slow = await rawSocket(gw.url, await gw.addUser('raw'));
    t.after(() => slow.terminate());
    const parts: Buffer[] = [];
    let reply: { result?: { rows: number; bytes: number } } | undefined;
    slow.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) parts.push(data.subarray(8));
      else reply = JSON.parse(data.toString()) as typeof reply;
    });
    slow.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'data/export', params: { source: { kind: 'frame', name: 'wide' } } }));
    slow.pause();
    await waitFor(() => gw.logs.some((l) => l.event === 'request-start' && l.method === 'data/export' && l.user === 'raw'), 'the export to start');

    // The other client gets the same export in full while the slow one is stalled: without
    // backpressure the slow export would have been written out (into memory) by now too.
    const { result } = await other.export({ source: { kind: 'frame', name: 'wide' } });
    assert.equal(result.rows, rows);
    const window = await other.window({ source: { kind: 'frame', name: 'wide' }, offset: rows - 1, limit: 1 });
    assert.deepEqual(decodeRows(window.ipc), [{ id: rows - 1, value: (rows - 1) * 1.5 }]);
    assert.equal(reply, undefined);
    assert.ok(!gw.logs.some((l) => l.event === 'request' && l.method === 'data/export' && l.user === 'raw'), 'the stalled export must not have finished');

    slow.resume();
    const done = await waitFor(() => reply, 'the stalled export to finish once reading resumes', 30_000);
    assert.equal(done.result?.rows, rows);
    const table = tableFromIPC(Buffer.concat(parts));
    assert.equal(table.numRows, rows);
    assert.equal(Buffer.concat(parts).byteLength, done.result?.bytes);
  });

  test('a runaway query is interrupted at the query timeout', async (t) => {
    const gw = await startTestGateway({ queryTimeoutMs: 300 });
    t.after(() => gw.dispose());
    const client = await gw.connect();
    t.after(() => client.close());
    const started = Date.now();
    const error = await failure(() => client.request(Methods.sql, { sql: SLOW_SQL }));
    assert.equal(error.code, ErrorCodes.QueryTimeout);
    assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
    // The same session is usable afterwards.
    const result = await client.request(Methods.sql, { sql: 'SELECT 42 AS answer' });
    const { ipc } = await client.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: 1 });
    assert.deepEqual(decodeRows(ipc), [{ answer: 42 }]);
  });

  test('frames persist across a gateway restart', async (t) => {
    const first = await startTestGateway({}, true);
    const carolToken = await first.addUser('carol');
    const client = await first.connect(carolToken);
    await client.upload({ name: 'kept' }, sampleIpc(300));
    await client.request(Methods.save, { name: 'carol.derived', from: { sql: 'SELECT id, value FROM kept WHERE id < 10' } });
    client.close();
    await first.gateway.close();

    const second = await startTestGateway({ dataDir: first.dataDir, importDirs: [first.importDir] }, false, first.adminToken);
    t.after(() => second.dispose());
    const again = await second.connect(carolToken);
    t.after(() => again.close());
    const { frames } = await again.request(Methods.listFrames, {});
    assert.deepEqual(frames.map((f) => f.name).sort(), ['carol.derived', 'carol.kept']);
    assert.equal(frames.find((f) => f.name === 'carol.kept')?.owner, 'carol');
    const { ipc } = await again.window({ source: { kind: 'frame', name: 'carol.derived' }, offset: 9, limit: 5 });
    assert.deepEqual(decodeRows(ipc), [{ id: 9, value: 13.5 }]);
  });

  test('an acknowledged save survives kill -9 of the gateway process (needs npm run build)', async (t) => {
    const first = await startGatewayProcess();
    t.after(() => removeDir(first.dataDir));
    t.after(() => removeDir(first.configDir));
    t.after(() => first.kill());
    const daveToken = await first.addUser('dave');
    const client = await first.connect(daveToken);
    await client.upload({ name: 'base' }, sampleIpc(5000));
    const saved = await client.request(Methods.save, { name: 'dave.durable', from: { sql: 'SELECT id, label FROM base WHERE id % 5 = 0' } });
    assert.equal(saved.rowCount, 1000);
    client.close();
    await first.kill();
    assert.equal(first.child.signalCode, 'SIGKILL');

    const second = await startGatewayProcess({ dataDir: first.dataDir, configDir: first.configDir, adminToken: first.adminToken });
    t.after(() => second.stop());
    const again = await second.connect(daveToken);
    t.after(() => again.close());
    const frame = await again.request(Methods.schema, { name: 'dave.durable' });
    assert.equal(frame.rowCount, 1000);
    assert.equal(frame.owner, 'dave');
    const { ipc } = await again.window({ source: { kind: 'frame', name: 'dave.durable' }, offset: 999, limit: 1 });
    assert.deepEqual(decodeRows(ipc), [{ id: 4995, label: 'row-4995' }]);
  });

  test('shutdown is for admins: others are refused, then it stops and tells every client', async (t) => {
    const gw = await startTestGateway();
    t.after(() => gw.dispose());
    const user = await gw.connect(await gw.addUser('nobody_special'));
    t.after(() => user.close());
    assert.equal((await failure(() => user.request(Methods.shutdown, {}))).code, ErrorCodes.Forbidden);
    assert.equal((await user.request(Methods.info, {})).name, 'framegate');
    const admin = await gw.connect();
    const closed = new Promise<void>((resolve) => admin.onClose(() => resolve()));
    const bystander = await rawSocket(gw.url, gw.adminToken);
    const bystanderClosed = closeOf(bystander);
    const answer = await admin.request(Methods.shutdown, {});
    assert.equal(answer.stopping, true);
    assert.equal(answer.graceSeconds, 30, 'the default grace');
    await gw.gateway.stopped;
    await closed;
    // Other clients are told why: "going away", not a dropped connection.
    assert.deepEqual(await bystanderClosed, { code: 1001, reason: 'gateway shutting down' });
    await assert.rejects(GatewayClient.connect(gw.url, { connectTimeoutMs: 2_000, token: gw.adminToken }));
  });
});
