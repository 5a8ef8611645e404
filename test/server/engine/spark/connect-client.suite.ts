/** The Spark Connect client against a real server: sessions, SQL, Arrow, analyze, config, errors, interrupt, artifacts. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Table, Utf8, tableFromIPC, tableToIPC, vectorFromArray, Int32 } from 'apache-arrow';
import { joinIpcStreams } from '../../../../server/engine/spark/arrow-streams';
import { parseRemote, SparkConnectClient } from '../../../../server/engine/spark/connect-client';
import { SparkError } from '../../../../server/engine/spark/connect-errors';
import { ConnectSession } from '../../../../server/engine/spark/connect-session';
import { localRelationBytes } from '../../../../server/engine/spark/plans';
import { columnsOf } from '../../../../server/engine/spark/spark-types';
import { jobOfSession } from './server';
import { sparkServer } from './shared';

const sql = (query: string) => ({ sql: { query } });

async function rejectsSpark(promise: Promise<unknown>, errorClass: string): Promise<SparkError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SparkError, `expected a SparkError, got ${String(error)}`);
    assert.ok(error.is(errorClass), `expected ${errorClass}, got ${error.errorClass}: ${error.message}`);
    return error;
  }
  assert.fail(`expected ${errorClass}, but it succeeded`);
}

describe('Spark Connect address', () => {
  test('parses host, port and parameters', () => {
    assert.deepEqual(parseRemote('sc://spark.example:15010/;user_id=ann;token=abc'), {
      host: 'spark.example',
      port: 15010,
      useSsl: true,
      token: 'abc',
      userId: 'ann',
    });
    assert.equal(parseRemote('sc://localhost').port, 15002);
    assert.equal(parseRemote('sc://localhost').useSsl, false);
    assert.throws(() => parseRemote('http://localhost:15002'), /not a Spark Connect address/);
  });
});

describe('Spark Connect client', { timeout: 600_000 }, () => {
  let client: SparkConnectClient;
  let session: ConnectSession;

  before(async () => {
    const server = await sparkServer();
    client = new SparkConnectClient(server.remote);
    session = new ConnectSession(client);
  });

  after(async () => {
    await session?.release();
    client?.close();
  });

  test('collects SQL results as Arrow batches with Spark types', { timeout: 120_000 }, async () => {
    const result = await session.collect(
      sql(`SELECT id, CAST(id AS INT) AS i, id * 0.5D AS d, concat('r', id) AS s, DATE'2024-01-02' AS day,
                  TIMESTAMP'2024-01-02 03:04:05' AS ts, TIMESTAMP_NTZ'2024-01-02 03:04:05' AS ntz, id % 2 = 0 AS even
           FROM range(5)`),
    );
    assert.equal(result.rows, 5);
    const table = tableFromIPC(joinIpcStreams(result.batches));
    assert.equal(table.numRows, 5);
    assert.deepEqual(
      table.schema.fields.map((f) => `${f.name}:${String(f.type)}`),
      ['id:Int64', 'i:Int32', 'd:Float64', 's:Utf8', 'day:Date32<DAY>', 'ts:Timestamp<MICROSECOND, UTC>', 'ntz:Timestamp<MICROSECOND>', 'even:Bool'],
    );
    assert.equal(table.getChild('s')!.get(4), 'r4');
    assert.equal(table.getChild('ts')!.get(0), Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.deepEqual(columnsOf(result.schema!).map((c) => c.type), ['BIGINT', 'INTEGER', 'DOUBLE', 'STRING', 'DATE', 'TIMESTAMP', 'TIMESTAMP_NTZ', 'BOOLEAN']);
  });

  test('joins many Arrow batches into one IPC stream', { timeout: 120_000 }, async () => {
    const small = new ConnectSession(client);
    try {
      await small.setConfig({ 'spark.sql.execution.arrow.maxRecordsPerBatch': '1000' });
      const result = await small.collect(sql('SELECT id, repeat(\'x\', CAST(id % 7 AS INT)) AS s FROM range(0, 25000, 1, 3)'));
      assert.ok(result.batches.length >= 25, `expected many batches, got ${result.batches.length}`);
      const table = tableFromIPC(joinIpcStreams(result.batches));
      assert.equal(table.numRows, 25_000);
      const ids = table.getChild('id')!.toArray() as BigInt64Array;
      assert.equal(ids.reduce((a, b) => a + b, 0n), (24_999n * 25_000n) / 2n);
    } finally {
      await small.release();
    }
  });

  test('analyzes schemas and reports the Spark version', async () => {
    const schema = await session.schema(sql('SELECT CAST(1 AS DECIMAL(18,2)) AS amount, array(1) AS a, map(\'k\', 1) AS m'));
    assert.deepEqual(columnsOf(schema), [
      { name: 'amount', type: 'DECIMAL(18,2)' },
      { name: 'a', type: 'ARRAY<INTEGER>' },
      { name: 'm', type: 'MAP<STRING, INTEGER>' },
    ]);
    assert.match(await session.sparkVersion(), /^4\.\d+\.\d+/);
  });

  test('sets and reads session configuration; sessions do not share it', async () => {
    await session.setConfig({ 'spark.sql.shuffle.partitions': '3' });
    assert.equal(await session.getConfig('spark.sql.shuffle.partitions'), '3');
    const other = new ConnectSession(client);
    try {
      assert.equal(await other.getConfig('spark.sql.shuffle.partitions'), '4');
    } finally {
      await other.release();
    }
  });

  test('errors carry the error class, SQLSTATE and gRPC status', async () => {
    const missing = await rejectsSpark(session.collect(sql('SELECT * FROM no_such_table_here')), 'TABLE_OR_VIEW_NOT_FOUND');
    assert.equal(missing.grpcCode, 13);
    assert.equal(missing.sqlState, '42P01');
    assert.match(missing.message, /^\[TABLE_OR_VIEW_NOT_FOUND\] /);
    await rejectsSpark(session.collect(sql('SELEC 1')), 'PARSE_SYNTAX_ERROR');
  });

  test('a released session refuses further requests', async () => {
    const short = new ConnectSession(client);
    await short.collect(sql('SELECT 1'));
    await short.release();
    await rejectsSpark(short.collect(sql('SELECT 1')), 'INVALID_HANDLE');
  });

  /**
   * About a minute of work on both cores of a quiet machine, minutes under load: long past what a
   * test waits for once it interrupted the job, yet it ends by itself should an interrupt be lost.
   */
  const LONG_JOB = sql('SELECT count(*) FROM range(0, 10000000000, 1, 2) WHERE hash(id) = 7');
  /** A small job that takes seconds when both cores are free (FIFO: it waits behind a job left running). */
  const SMALL_JOB = sql('SELECT sum(id) FROM range(0, 1000000, 1, 2)');
  const FREE_AGAIN_MS = 30_000;

  /** Starts LONG_JOB on `worker`; resolves once Spark runs it (its log says so). */
  async function startLongJob(worker: ConnectSession, options: { tags: string[]; signal?: AbortSignal }): Promise<{ outcome: Promise<unknown> }> {
    const server = await sparkServer();
    const from = server.logMark();
    const outcome = (async () => {
      for await (const _response of worker.execute({ root: LONG_JOB }, options)) {
        // progress only
      }
      return 'finished';
    })().catch((error: unknown) => error);
    await Promise.race([server.waitForLog(jobOfSession(worker.id), { from }), outcome.then((result) => assert.fail(`the job ended before it ran: ${String(result)}`))]);
    return { outcome };
  }

  test('interrupt by tag stops the Spark job, not only the call', { timeout: 180_000 }, async () => {
    const worker = new ConnectSession(client);
    try {
      const job = await startLongJob(worker, { tags: ['fg-test-long'] });
      assert.equal((await worker.interruptTag('fg-test-long')).length, 1);
      const error = await job.outcome;
      assert.ok(error instanceof SparkError && error.is('OPERATION_CANCELED'), `expected OPERATION_CANCELED, got ${String(error)}`);
      // Both cores are free again: a small job finishes long before the long one could have.
      const began = performance.now();
      await worker.collect(SMALL_JOB);
      assert.ok(performance.now() - began < FREE_AGAIN_MS, 'the small job waited behind the interrupted one');
    } finally {
      await worker.release();
    }
  });

  test('abandoning an execution interrupts its operation on the server', { timeout: 180_000 }, async () => {
    const worker = new ConnectSession(client);
    try {
      const controller = new AbortController();
      const job = await startLongJob(worker, { tags: ['fg-test-abort'], signal: controller.signal });
      controller.abort();
      const error = await job.outcome;
      assert.ok(error instanceof SparkError && error.grpcCode === 1, `expected a cancelled call, got ${String(error)}`);
      await worker.settled();
      // The abandoned operation was interrupted by id until the server ended it: nothing is left to interrupt by its tag.
      assert.deepEqual(await worker.interruptTag('fg-test-abort'), []);
      const began = performance.now();
      await worker.collect(SMALL_JOB);
      assert.ok(performance.now() - began < FREE_AGAIN_MS, 'the small job waited behind the abandoned one');
    } finally {
      await worker.release();
    }
  });

  test('an abandoned execution is interrupted again until Spark ends it, also when an interrupt is lost', { timeout: 180_000 }, async () => {
    const server = await sparkServer();
    const interruptTimeoutMs = 2_000;
    const worker = new ConnectSession(client, undefined, { interruptTimeoutMs });
    try {
      const controller = new AbortController();
      const job = await startLongJob(worker, { tags: ['fg-test-lost'], signal: controller.signal });
      server.pause(); // the interrupt sent on abort gets no answer: it fails at its deadline
      try {
        controller.abort();
        const error = await job.outcome; // the caller hears at once, frozen Spark or not
        assert.ok(error instanceof SparkError && error.grpcCode === 1, `expected a cancelled call, got ${String(error)}`);
        // An interrupt sent after that one, with the same deadline, failing: the first one is lost.
        await assert.rejects(worker.interruptTag('fg-test-probe'), (e) => e instanceof SparkError && e.grpcCode === 4);
      } finally {
        server.resume();
      }
      await worker.settled(); // the interrupts went on until Spark ended the call
      const began = performance.now();
      await worker.collect(SMALL_JOB);
      assert.ok(performance.now() - began < FREE_AGAIN_MS, 'the small job waited behind the abandoned one');
    } finally {
      await worker.release();
    }
  });

  test('uploads Arrow as an artifact and reads it back as a cached local relation', { timeout: 120_000 }, async () => {
    const rows = 50_000;
    const ipc = tableToIPC(
      new Table({
        n: vectorFromArray(Array.from({ length: rows }, (_v, i) => i), new Int32()),
        s: vectorFromArray(Array.from({ length: rows }, (_v, i) => `v${i % 10}`), new Utf8()),
      }),
      'stream',
    );
    const relation = localRelationBytes(ipc);
    const hash = createHash('sha256').update(relation).digest('hex');
    await session.addArtifact(`cache/${hash}`, relation);
    const result = await session.collect(sql('SELECT 1')); // session still healthy
    assert.equal(result.rows, 1);
    const back = await session.collect({ cached_local_relation: { hash } });
    const table = tableFromIPC(joinIpcStreams(back.batches));
    assert.equal(table.numRows, rows);
    assert.equal(table.getChild('s')!.get(12), 'v2');
  });
});
