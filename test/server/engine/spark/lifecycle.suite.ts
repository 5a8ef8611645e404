/** The Spark engine's loads, uploads, drops, interrupts, timeouts, and restarts of the gateway and of Spark. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Table, TimestampMillisecond, Uint8, Utf8, tableFromArrays, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { openTestEngine, rejectsWith, storageId, type TestEngine } from './engine-helpers';
import type { SparkEngineSession } from '../../../../server/engine/spark/session';
import { jobOfSession } from './server';
import { sparkServer } from './shared';

/**
 * About a minute of work on both cores of a quiet machine, minutes under load (nothing the
 * optimizer can fold away): far longer than the tests wait once they stopped it, yet it ends by
 * itself should a stop ever be lost, so no test can leave Spark busy for hours.
 */
const LONG = 'SELECT count(*) AS n FROM range(0, 10000000000, 1, 2) WHERE hash(id) = 7';
/** Seconds when Spark's cores are free; a job left running makes it wait (FIFO). */
const SMALL = 'SELECT sum(id) AS s FROM range(1000000)';
const FREE_AGAIN_MS = 30_000;

describe('Spark engine: files, uploads, drops', { timeout: 600_000 }, () => {
  let t: TestEngine;

  before(async () => {
    t = await openTestEngine();
  });

  after(async () => {
    await t?.cleanup();
  });

  test('loads CSV, JSON and Parquet from the import dir; refuses paths outside it', async () => {
    const csv = join(t.importDir, 'people.csv');
    writeFileSync(csv, 'name,age\nann,31\nbob,42\n');
    const loaded = await t.engine.storeFile(storageId(), csv, undefined);
    assert.deepEqual(loaded.columns, [
      { name: 'name', type: 'STRING' },
      { name: 'age', type: 'INTEGER' },
    ]);
    assert.equal(loaded.rowCount, 2);
    assert.equal(loaded.path, csv);
    assert.equal(loaded.sha256, createHash('sha256').update('name,age\nann,31\nbob,42\n').digest('hex'));

    writeFileSync(join(t.importDir, 'rows.json'), '[{"a": 1}, {"a": 2}, {"a": 3}]');
    assert.equal((await t.engine.storeFile(storageId(), 'rows.json', undefined)).rowCount, 3);

    // Parquet written by Spark itself, through a stored table's export is not a file: make one with a load.
    const session = t.engine.openSession('files');
    try {
      await rejectsWith(t.engine.storeFile(storageId(), '/etc/hosts', 'csv'), 'FileRefused');
      await rejectsWith(t.engine.storeFile(storageId(), join(t.importDir, 'missing.csv'), undefined), 'FileNotFound');
      symlinkSync('/etc/hosts', join(t.importDir, 'link.csv'));
      await rejectsWith(t.engine.storeFile(storageId(), join(t.importDir, 'link.csv'), undefined), 'FileRefused');
      writeFileSync(join(t.importDir, 'bad.parquet'), 'not parquet');
      await rejectsWith(t.engine.storeFile(storageId(), join(t.importDir, 'bad.parquet'), undefined), 'FileRefused', /cannot read/);
    } finally {
      await session.close();
    }
  });

  test('stores client Arrow, converting what Spark cannot read', async () => {
    const table = new Table({
      small: vectorFromArray([1, 2, 255], new Uint8()),
      at: vectorFromArray([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2), null], new TimestampMillisecond()),
      word: vectorFromArray(['x', 'y', 'x'], new Utf8()),
    });
    const dictionary = tableFromArrays({ tag: ['a', 'b', 'a'] }); // dictionary-encoded strings
    const storage = storageId();
    const stored = await t.engine.storeArrow(storage, tableToIPC(table.assign(dictionary), 'stream'));
    assert.deepEqual(stored.columns, [
      { name: 'small', type: 'SMALLINT' },
      { name: 'at', type: 'TIMESTAMP_NTZ' },
      { name: 'word', type: 'STRING' },
      { name: 'tag', type: 'STRING' },
    ]);
    const session = t.engine.openSession('upload');
    try {
      const w = await session.window({ source: { kind: 'stored', table: { storage, columns: stored.columns, rowCount: stored.rowCount } }, offset: 0, limit: 5 });
      const back = tableFromIPC(w.ipc);
      assert.deepEqual(Array.from(back.getChild('small')!.toArray() as Int16Array), [1, 2, 255]);
      assert.equal(back.getChild('at')!.get(1), Date.UTC(2024, 0, 2));
      assert.equal(back.getChild('at')!.get(2), null);
      assert.deepEqual([...back.getChild('tag')!].map(String), ['a', 'b', 'a']);
    } finally {
      await session.close();
    }
    await rejectsWith(t.engine.storeArrow(storageId(), new Uint8Array([1, 2, 3])), 'BadAttachment');
  });

  test('dropping stored data removes the table and its files; a failed store leaves nothing', async () => {
    const storage = storageId();
    await t.engine.storeQuery(storage, 'SELECT id FROM range(10)', t.catalog.resolve);
    const location = join((await sparkServer()).warehouse, `${t.engine.databases.stored}.db`, storage);
    assert.ok(existsSync(location));
    await t.engine.dropStorage(storage);
    assert.ok(!existsSync(location));
    assert.ok(!(await t.engine.listStorage()).includes(storage));
    await t.engine.dropStorage(storage); // absent ids are fine

    const failed = storageId();
    await rejectsWith(t.engine.storeQuery(failed, 'SELECT no_such_column FROM range(3)', t.catalog.resolve), 'InvalidSql');
    assert.ok(!(await t.engine.listStorage()).includes(failed));
    assert.ok(!readdirSync(join(t.dataDir, 'tables')).some((f) => f.startsWith(failed)));
  });

  test('interrupt stops the running query on Spark; queued work is cancelled', async () => {
    const session = t.engine.openSession('interrupt');
    try {
      const server = await sparkServer();
      const from = server.logMark();
      const running = session.runSql(LONG, t.catalog.resolve);
      const queued = session.runSql('SELECT 1 AS one', t.catalog.resolve);
      const outcome = Promise.allSettled([running, queued]);
      // Interrupt once Spark runs the job: its log names the session's Spark session.
      await server.waitForLog(jobOfSession(await (session as SparkEngineSession).sparkSessionId()), { from });
      session.interrupt();
      const [first, second] = await outcome;
      assert.equal(first.status, 'rejected');
      assert.equal(second.status, 'rejected');
      assert.equal(((first).reason as { kind: string }).kind, 'Cancelled');
      assert.equal(((second).reason as { kind: string }).kind, 'Cancelled');
      const began = performance.now();
      await session.runSql(SMALL, t.catalog.resolve);
      assert.ok(performance.now() - began < FREE_AGAIN_MS, 'Spark is free again');
    } finally {
      await session.close();
    }
  });
});

describe('Spark engine: timeouts and restarts', { timeout: 900_000 }, () => {
  test('a query past the timeout is interrupted on Spark and fails with QueryTimeout', async () => {
    const t = await openTestEngine({ queryTimeoutMs: 8_000 });
    const session = t.engine.openSession('timeout');
    try {
      await rejectsWith(session.runSql(LONG, t.catalog.resolve), 'QueryTimeout');
      await rejectsWith(t.engine.storeQuery(storageId(), LONG, t.catalog.resolve), 'QueryTimeout');
      const began = performance.now();
      await session.runSql(SMALL, t.catalog.resolve);
      assert.ok(performance.now() - began < FREE_AGAIN_MS, 'the timed-out jobs no longer hold the cores');
    } finally {
      await session.close();
      await t.cleanup();
    }
  });

  test('work whose caller gave up (its request deadline passed) stops on Spark then, long before the query timeout', async () => {
    // The query timeout (120 s here) is far past the request deadline the gateway passes down.
    const t = await openTestEngine({ queryTimeoutMs: 120_000 });
    const session = t.engine.openSession('deadline');
    const DEADLINE_MS = 4_000;
    try {
      for (const start of [
        () => session.runSql(LONG, t.catalog.resolve, { timeoutMs: DEADLINE_MS }),
        () => t.engine.storeQuery(storageId(), LONG, t.catalog.resolve, { timeoutMs: DEADLINE_MS }),
      ]) {
        const began = performance.now();
        await rejectsWith(start(), 'QueryTimeout');
        assert.ok(performance.now() - began < 60_000, 'the caller heard of its deadline long before the query timeout');
        // LONG runs for minutes: a small job done soon after means Spark stopped it.
        const free = performance.now();
        await session.runSql(SMALL, t.catalog.resolve);
        assert.ok(performance.now() - free < FREE_AGAIN_MS, 'the abandoned job no longer holds the cores');
      }
    } finally {
      await session.close();
      await t.cleanup();
    }
  });

  test('a Spark that stops answering: every call fails on time with QueryTimeout, and work goes on once it answers', async () => {
    const server = await sparkServer();
    // Set up with the usual timeout (a busy machine takes seconds for any write), then the short one.
    const timeoutMs = 15_000;
    const t = await openTestEngine();
    const small = await t.save('small', 'SELECT id FROM range(100)');
    t.options.queryTimeoutMs = timeoutMs;
    await t.reopen();
    const session = t.engine.openSession('stalled');
    try {
      server.pause();
      try {
        const calls: [string, () => Promise<unknown>][] = [
          ['window', () => session.window({ source: { kind: 'stored', table: small }, offset: 0, limit: 10 })],
          ['sql', () => session.runSql('SELECT count(*) AS n FROM small', t.catalog.resolve)],
          ['store', () => t.engine.storeQuery(storageId(), 'SELECT id FROM small', t.catalog.resolve)],
          ['list', () => t.engine.listStorage()],
        ];
        for (const [name, call] of calls) {
          const began = performance.now();
          await rejectsWith(call(), 'QueryTimeout');
          const took = performance.now() - began;
          assert.ok(took < timeoutMs + 5_000, `${name} failed after ${Math.round(took)} ms`);
        }
      } finally {
        server.resume();
      }
      const w = await session.window({ source: { kind: 'stored', table: small }, offset: 90, limit: 20 });
      assert.equal(w.rows, 10);
      assert.equal((await session.runSql('SELECT count(*) AS n FROM small', t.catalog.resolve)).rowCount, 1);
    } finally {
      server.resume();
      await session.close();
      await t.cleanup();
    }
  });

  test('opening on a server that is not there fails within the connect timeout, saying where it looked', async () => {
    const began = performance.now();
    await rejectsWith(openTestEngine({ remote: 'sc://127.0.0.1:1', connectTimeoutMs: 2_000 }), 'InternalError', /cannot reach the Spark Connect server at sc:\/\/127\.0\.0\.1:1 within 2 s/);
    assert.ok(performance.now() - began < 30_000);
  });

  test('frames survive a gateway restart and a Spark restart, then still drop cleanly', async () => {
    const server = await sparkServer();
    const t = await openTestEngine();
    try {
      const kept = await t.save('kept', 'SELECT id, concat(\'v\', id) AS s FROM range(0, 50000, 1, 2)');
      await t.reopen(); // gateway restart: same data dir, same Spark
      assert.ok((await t.engine.listStorage()).includes(kept.storage));

      await server.restart(); // Spark restart: its in-memory catalog forgets the tables
      const session = t.engine.openSession('after-restart'); // the running engine recovers
      try {
        const w = await session.window({ source: { kind: 'stored', table: kept }, offset: 49_990, limit: 10 });
        assert.deepEqual(Array.from(tableFromIPC(w.ipc).getChild('id')!.toArray() as BigInt64Array, Number), Array.from({ length: 10 }, (_v, i) => 49_990 + i));
      } finally {
        await session.close();
      }
      await t.reopen();
      assert.ok((await t.engine.listStorage()).includes(kept.storage));
      const location = join(server.warehouse, `${t.engine.databases.stored}.db`, kept.storage);
      assert.ok(existsSync(location));
      await t.engine.dropStorage(kept.storage);
      assert.ok(!existsSync(location), 'a re-registered table’s files are removed too');
    } finally {
      await t.cleanup();
    }
  });
});
