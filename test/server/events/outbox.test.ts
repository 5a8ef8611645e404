/**
 * The per-client event queue on its own. Its channel here is a stand-in whose socket buffer the
 * test fills and drains at will: a real socket cannot be made to stall on cue. The same queue over
 * real sockets, with a client that stops reading, is in test/server/events.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventOutbox, type OutboxChannel } from '../../../server/events/outbox';

/** A channel whose buffer holds what was sent until `drain()`; `flushed()` waits for that. */
class StallableChannel implements OutboxChannel {
  sent: string[] = [];
  bufferedAmount = 0;
  private waiters: Array<() => void> = [];

  sendPrepared(text: string): Promise<void> {
    this.sent.push(text);
    this.bufferedAmount += text.length;
    return Promise.resolve();
  }

  flushed(): Promise<void> {
    return this.bufferedAmount === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  drain(): void {
    this.bufferedAmount = 0;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('events go straight out while the socket keeps up, wait in order while it does not, and follow once it drains', async () => {
  const channel = new StallableChannel();
  const overflows: number[] = [];
  const outbox = new EventOutbox(channel, { maxEvents: 10, highWaterBytes: 20 }, (n) => overflows.push(n));
  outbox.push('e1-xxxxxx');
  outbox.push('e2-xxxxxx');
  assert.deepEqual(channel.sent, ['e1-xxxxxx', 'e2-xxxxxx'], 'under the high-water mark: sent at once');
  outbox.push('e3-xxxxxx');
  assert.equal(channel.sent.length, 3, 'the buffer reached the mark with this one');
  outbox.push('e4-xxxxxx');
  outbox.push('e5-xxxxxx');
  assert.equal(channel.sent.length, 3);
  assert.equal(outbox.size, 2, 'the rest waits here, not in the socket');
  channel.drain();
  await settle();
  assert.deepEqual(channel.sent.slice(3), ['e4-xxxxxx', 'e5-xxxxxx'], 'in order once it drains');
  assert.equal(outbox.size, 0);
  assert.deepEqual(overflows, []);
});

test('a client that lets more than maxEvents wait is told once; its queue is dropped and later events ignored', () => {
  const channel = new StallableChannel();
  const overflows: number[] = [];
  const outbox = new EventOutbox(channel, { maxEvents: 3, highWaterBytes: 1 }, (n) => overflows.push(n));
  for (let i = 0; i < 10; i++) outbox.push(`event ${i}`);
  assert.deepEqual(channel.sent, ['event 0'], 'the first fills the socket buffer');
  assert.deepEqual(overflows, [3], 'told once, with how many waited');
  assert.equal(outbox.size, 0, 'nothing is held for it any more');
  assert.equal(outbox.peakSize, 3, 'and never more than the bound');
});

test('a connection that closes under the queue stops it', async () => {
  const channel = new StallableChannel();
  channel.sendPrepared = () => Promise.reject(new Error('connection closed'));
  const outbox = new EventOutbox(channel, { maxEvents: 3, highWaterBytes: 100 }, () => assert.fail('not an overflow'));
  outbox.push('a');
  await settle();
  outbox.push('b');
  assert.equal(outbox.size, 0);
});
