/**
 * The sort index: positions located on demand and stitched from ranges, shared locates, eviction
 * under its byte bound and the budget, and forgetting a source mid-locate. The locator here is a
 * plain function over a known permutation (the index's whole contract with the engine).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SortIndex, type LocatedRange, type Locator } from '../../../server/engine/sort-index';
import { createMemoryBudget } from '../../../server/memory/budget';

const ROWS = 1000;
/** The "sorted order": position p holds rowid (p · 7919) mod ROWS, a permutation. */
const rowidAt = (p: number) => (p * 7919) % ROWS;

/** A locator returning [from − margin, to + margin) clipped, counting its calls; it can be held. */
function locator(margin = 50) {
  const calls: [number, number][] = [];
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  const locate: Locator = async (from, to) => {
    calls.push([from, to]);
    await gate;
    const start = Math.max(0, from - margin);
    const end = Math.min(ROWS, to + margin);
    return [{ start, rowids: Uint32Array.from({ length: end - start }, (_, i) => rowidAt(start + i)) }];
  };
  return {
    locate,
    calls,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => open(),
  };
}

const expected = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => rowidAt(from + i));

function index(maxBytes = 1 << 20, budgetBytes = 1 << 30) {
  const budget = createMemoryBudget(budgetBytes);
  return { budget, sorts: new SortIndex({ maxBytes, budget }) };
}

describe('sort index', () => {
  test('positions are located once; windows inside and across located ranges need no locate', async () => {
    const { sorts } = index();
    const l = locator();
    assert.deepEqual([...(await sorts.rowids('t', 'k', 500, 510, l.locate))], expected(500, 510));
    assert.deepEqual([...(await sorts.rowids('t', 'k', 460, 555, l.locate))], expected(460, 555));
    assert.equal(l.calls.length, 1);
    await sorts.rowids('t', 'k', 600, 610, l.locate); // located [550, 660)
    assert.deepEqual([...(await sorts.rowids('t', 'k', 540, 580, l.locate))], expected(540, 580), 'stitched from two ranges');
    assert.equal(l.calls.length, 2);
    assert.equal(sorts.stats().hits, 2);
    assert.equal(sorts.peek('t', 'k', 450, 660)?.length, 210);
    assert.equal(sorts.peek('t', 'k', 440, 450), null);
    assert.equal(sorts.peek('t', 'other order', 500, 510), null, 'orders are apart');
  });

  test('requests that one running locate covers share it', async () => {
    const { sorts } = index();
    const l = locator();
    l.hold();
    const a = sorts.rowids('t', 'k', 100, 120, l.locate);
    const b = sorts.rowids('t', 'k', 100, 110, l.locate);
    l.release();
    assert.deepEqual([...(await a)], expected(100, 120));
    assert.deepEqual([...(await b)], expected(100, 110));
    assert.equal(l.calls.length, 1);
  });

  test('a shared locate that failed for its caller is run again by the other', async () => {
    const { sorts } = index();
    let fail: () => void = () => undefined;
    const failing: Locator = () => new Promise<LocatedRange[]>((_, reject) => (fail = () => reject(new Error('cancelled'))));
    const l = locator();
    const a = sorts.rowids('t', 'k', 100, 120, failing);
    const b = sorts.rowids('t', 'k', 100, 110, l.locate);
    fail();
    await assert.rejects(a, /cancelled/);
    assert.deepEqual([...(await b)], expected(100, 110));
  });

  test('least recently used ranges go first under the byte bound; the budget holds what is kept', async () => {
    // Ranges of 110 rowids (440 bytes); room for four.
    const { sorts, budget } = index(4 * 440);
    const l = locator();
    for (const at of [100, 300, 500, 700]) await sorts.rowids('t', 'k', at, at + 10, l.locate);
    await sorts.rowids('t', 'k', 100, 110, l.locate); // touches the first
    await sorts.rowids('t', 'k', 900, 910, l.locate); // evicts the one at 300
    assert.ok(sorts.peek('t', 'k', 100, 110));
    assert.equal(sorts.peek('t', 'k', 300, 310), null);
    assert.equal(sorts.stats().evictions, 1);
    assert.equal(budget.usedBytes, sorts.stats().bytes);
    sorts.forget('t');
    assert.equal(budget.usedBytes, 0);
  });

  test('a range bigger than a quarter of the bound is kept cut down around the positions asked', async () => {
    const { sorts } = index(4 * 100);
    const whole: Locator = () => Promise.resolve([{ start: 0, rowids: Uint32Array.from({ length: ROWS }, (_, p) => rowidAt(p)) }]);
    assert.deepEqual([...(await sorts.rowids('t', 'k', 400, 410, whole))], expected(400, 410));
    assert.equal(sorts.stats().bytes, 4 * 25);
    assert.ok(sorts.peek('t', 'k', 400, 410));
    assert.equal(sorts.canKeep(25), true);
    assert.equal(sorts.canKeep(26), false);
  });

  test('when the budget refuses, the rowids are still returned, just not kept', async () => {
    const { sorts, budget } = index(1 << 20, 100);
    const l = locator();
    assert.deepEqual([...(await sorts.rowids('t', 'k', 10, 20, l.locate))], expected(10, 20));
    assert.equal(sorts.stats().ranges, 0);
    assert.equal(budget.usedBytes, 0);
  });

  test('forgetting a source drops its orders; a locate still running for it is not kept', async () => {
    const { sorts, budget } = index();
    const l = locator();
    await sorts.rowids('t', 'k', 10, 20, l.locate);
    l.hold();
    const running = sorts.rowids('t', 'k', 800, 810, l.locate);
    sorts.forget('t');
    l.release();
    assert.deepEqual([...(await running)], expected(800, 810), 'its caller still gets its rowids');
    assert.equal(sorts.stats().ranges, 0);
    assert.equal(budget.usedBytes, 0);
    assert.equal(sorts.peek('t', 'k', 10, 20), null);
  });

  test('a whole order offered by someone else answers every position, in place of the ranges inside it', async () => {
    const { sorts } = index();
    const l = locator();
    await sorts.rowids('t', 'k', 100, 110, l.locate);
    await sorts.rowids('t', 'k', 500, 510, l.locate);
    sorts.offer('t', 'k', { start: 0, rowids: Uint32Array.from({ length: ROWS }, (_, p) => rowidAt(p)) });
    const never: Locator = () => assert.fail('no locate is needed');
    assert.deepEqual([...(await sorts.rowids('t', 'k', 990, 1000, never))], expected(990, 1000));
    assert.deepEqual([...(await sorts.rowids('t', 'k', 0, 1000, never))], expected(0, 1000));
    assert.equal(sorts.stats().ranges, 1);
    assert.equal(sorts.stats().bytes, 4 * ROWS);
  });
});
