import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureLimiter } from '../../../server/auth/rate-limit';

test('failures from one address slow it down, doubling up to a cap; other addresses are not affected', () => {
  const now = 0;
  const limiter = new FailureLimiter({ freeFailures: 3, baseDelayMs: 100, maxDelayMs: 1_000, now: () => now });
  const delays: number[] = [];
  for (let i = 0; i < 8; i++) {
    delays.push(limiter.delayFor('10.0.0.1'));
    limiter.failed('10.0.0.1');
  }
  assert.deepEqual(delays, [0, 0, 0, 100, 200, 400, 800, 1_000]);
  assert.equal(limiter.delayFor('10.0.0.2'), 0);
  limiter.succeeded('10.0.0.1');
  assert.equal(limiter.delayFor('10.0.0.1'), 0, 'a success clears the count');
});

test('counts fade after a quiet period, and the number of tracked addresses is bounded', () => {
  let now = 0;
  const limiter = new FailureLimiter({ freeFailures: 0, baseDelayMs: 10, forgetAfterMs: 1_000, maxAddresses: 2, now: () => now });
  limiter.failed('a');
  assert.equal(limiter.delayFor('a'), 20);
  now = 1_001;
  assert.equal(limiter.delayFor('a'), 0);
  limiter.failed('a');
  limiter.failed('b');
  limiter.failed('c');
  assert.equal(limiter.delayFor('a'), 0, 'the oldest address was forgotten');
  assert.equal(limiter.delayFor('c'), 20);
});
