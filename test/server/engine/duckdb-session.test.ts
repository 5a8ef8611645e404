import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, FramegateError } from '../../../protocol';
import { decode, openTempEngine, owner } from './helpers';

const RUNAWAY = 'SELECT count(*) FROM range(100000000000) a, range(1000) b';

function isCancelled(error: unknown): boolean {
  return error instanceof FramegateError && error.code === ErrorCodes.Cancelled;
}

test('interrupt stops the running query and the ones queued behind it; later work runs', async (t) => {
  const temp = await openTempEngine({ queryTimeoutMs: 60_000 });
  t.after(() => temp.cleanup());
  const session = temp.engine.openSession();
  t.after(() => session.close());

  const running = session.runSql(RUNAWAY);
  // Queued behind the runaway on the same connection: DuckDB's interrupt alone would not reach it,
  // and it would run to completion once the first was stopped.
  const queued = session.runSql('SELECT 42 AS answer');
  const started = Date.now();
  session.interrupt();
  await assert.rejects(running, isCancelled);
  await assert.rejects(queued, isCancelled);
  assert.ok(Date.now() - started < 10_000, `interrupt took ${Date.now() - started} ms`);

  const after = await session.runSql('SELECT 42 AS answer');
  assert.equal(after.rowCount, 1);
});

test('an interrupt that lands between two statements of one request still stops it', async (t) => {
  const temp = await openTempEngine({ queryTimeoutMs: 60_000 });
  t.after(() => temp.cleanup());
  const session = temp.engine.openSession();
  t.after(() => session.close());

  // runSql guards (several statements), then materializes: interrupt in the same tick, before
  // any statement has started, so there is no running statement for DuckDB to stop.
  const request = session.runSql(RUNAWAY);
  session.interrupt();
  await assert.rejects(request, isCancelled);
});

test('windows are served while the same session runs a long query', async (t) => {
  const temp = await openTempEngine({ queryTimeoutMs: 60_000 });
  t.after(() => temp.cleanup());
  await temp.engine.saveQuery('numbers', 'SELECT range AS id FROM range(100000)', owner);
  const session = temp.engine.openSession();
  t.after(() => session.close());

  let queryDone = false;
  const running = session.runSql(RUNAWAY).finally(() => (queryDone = true));
  const window = await session.window({ source: { kind: 'frame', name: 'numbers' }, offset: 5000, limit: 10 });
  assert.equal(queryDone, false, 'the window came back while the query was still running');
  assert.equal(window.rows, 10);
  assert.equal(decode(window.ipc).getChild('id')?.get(0), 5000n);

  session.interrupt();
  await assert.rejects(running, isCancelled);
});
