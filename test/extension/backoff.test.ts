import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, backoffSchedule, DEFAULT_BACKOFF } from '../../extension/backoff';

test('reconnect delays double from the initial delay up to the cap', () => {
  const options = { initialMs: 500, factor: 2, maxMs: 30_000, jitter: 0 };
  assert.deepEqual(backoffSchedule(9, options), [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});

test('jitter only shortens delays, by at most its fraction', () => {
  const options = { initialMs: 1000, factor: 2, maxMs: 8000, jitter: 0.2 };
  assert.equal(backoffDelay(0, options, () => 0), 1000);
  assert.equal(backoffDelay(0, options, () => 1), 800);
  assert.equal(backoffDelay(10, options, () => 0.5), 7200);
  for (let attempt = 0; attempt < 20; attempt++) {
    const delay = backoffDelay(attempt, DEFAULT_BACKOFF);
    assert.ok(delay <= DEFAULT_BACKOFF.maxMs && delay >= DEFAULT_BACKOFF.initialMs * (1 - DEFAULT_BACKOFF.jitter), `attempt ${attempt}: ${delay}`);
  }
});
