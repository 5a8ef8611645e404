import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkTracker } from '../../../server/engine/work-tracker';
import { rejectsWith } from './expect';

test('close waits for running work, failures included, then refuses new work', async () => {
  const work = new WorkTracker();
  let finish!: () => void;
  const running = work.track(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
  const failing = work.track(() => Promise.reject(new Error('boom')));
  const thrown = work.track(() => {
    throw new Error('sync');
  });
  let closed = false;
  const closing = work.close().then(() => (closed = true));
  await assert.rejects(failing, /boom/);
  await assert.rejects(thrown, /sync/);
  assert.equal(closed, false);
  finish();
  assert.equal(await running, 'done');
  await closing;
  await rejectsWith(work.track(() => Promise.resolve(1)), 'InternalError', /closing/);
});
