import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Foreground, yieldToEventLoop } from '../../../server/engine/foreground';

describe('Foreground', () => {
  it('is idle at once when no window is in flight', async () => {
    const foreground = new Foreground(60_000);
    assert.equal(foreground.busy, false);
    await foreground.idle();
  });

  it('holds background work until the last window in flight leaves', async () => {
    const foreground = new Foreground(60_000);
    const first = foreground.enter();
    const second = foreground.enter();
    let resumed = false;
    const waiting = foreground.idle().then(() => (resumed = true));
    first();
    first(); // leaving twice counts once
    await yieldToEventLoop();
    assert.equal(resumed, false);
    assert.equal(foreground.busy, true);
    second();
    await waiting;
    assert.equal(foreground.busy, false);
  });

  it('lets background work go on after the longest wait, under a steady stream of windows', async () => {
    const foreground = new Foreground(20);
    const leave = foreground.enter();
    const started = performance.now();
    const waiting = foreground.idle();
    assert.equal(foreground.waiting, 1);
    await waiting;
    assert.equal(foreground.waiting, 0);
    assert.ok(performance.now() - started >= 19, 'waited for the bound');
    assert.equal(foreground.busy, true);
    leave();
  });
});
