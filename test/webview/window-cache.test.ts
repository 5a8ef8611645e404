import { test } from 'node:test';
import assert from 'node:assert/strict';
import { covers, planWindow, sliceWindow, WindowCache, type CachedWindow, type PlanOptions } from '../../webview/window-cache';

const opts: PlanOptions = { rowMargin: 50, colMargin: 2, rowBlock: 100, maxRows: 1000 };

function windowFrom(plan: ReturnType<typeof planWindow>, sortKey: string, rowCount: number): CachedWindow {
  const rows = Math.min(plan.limit, rowCount - plan.offset);
  const data = Array.from({ length: plan.colEnd - plan.colStart }, (_, c) =>
    Array.from({ length: rows }, (_, r) => `${plan.colStart + c}:${plan.offset + r}`),
  );
  return { sortKey, offset: plan.offset, rows, colStart: plan.colStart, colEnd: plan.colEnd, rowCount, data };
}

test('planWindow widens the viewport by the margins and aligns rows to blocks', () => {
  const plan = planWindow({ x0: 5, y0: 1234, x1: 9, y1: 1270 }, 10_000_000, 20, opts);
  assert.deepEqual(plan, { offset: 1100, limit: 300, colStart: 3, colEnd: 11 });
  assert.ok(plan.offset <= 1234 - 50 && plan.offset + plan.limit >= 1270 + 50);
});

test('planWindow clamps to the source at both ends', () => {
  assert.deepEqual(planWindow({ x0: 0, y0: 0, x1: 3, y1: 30 }, 10_000_000, 3, opts), { offset: 0, limit: 100, colStart: 0, colEnd: 3 });
  const end = planWindow({ x0: 0, y0: 9_999_980, x1: 2, y1: 10_000_010 }, 10_000_000, 8, opts);
  assert.equal(end.offset + end.limit, 10_000_000);
  assert.equal(end.offset, 9_999_900);
  assert.deepEqual([end.colStart, end.colEnd], [0, 4]);
});

test('planWindow asks for at least one row of an empty source and caps tall viewports', () => {
  assert.deepEqual(planWindow({ x0: 0, y0: 0, x1: 4, y1: 40 }, 0, 4, opts), { offset: 0, limit: 1, colStart: 0, colEnd: 4 });
  const tall = planWindow({ x0: 0, y0: 5000, x1: 1, y1: 7000 }, 1_000_000, 1, opts);
  assert.equal(tall.limit, 1000);
  assert.equal(tall.offset, 4900);
});

test('neighbouring scroll positions plan the same window (cache friendly)', () => {
  const a = planWindow({ x0: 0, y0: 420, x1: 5, y1: 460 }, 1_000_000, 5, opts);
  const b = planWindow({ x0: 0, y0: 430, x1: 5, y1: 470 }, 1_000_000, 5, opts);
  assert.deepEqual(a, b);
});

test('covers requires the same sort and the whole clipped viewport', () => {
  const w = windowFrom({ offset: 100, limit: 200, colStart: 2, colEnd: 6 }, 's', 1000);
  assert.ok(covers(w, { x0: 2, y0: 100, x1: 6, y1: 300 }, 's', 10));
  assert.ok(!covers(w, { x0: 2, y0: 100, x1: 6, y1: 300 }, 'other', 10));
  assert.ok(!covers(w, { x0: 1, y0: 150, x1: 4, y1: 200 }, 's', 10));
  assert.ok(!covers(w, { x0: 2, y0: 99, x1: 4, y1: 200 }, 's', 10));
  assert.ok(!covers(w, { x0: 2, y0: 150, x1: 4, y1: 301 }, 's', 10));
  // A viewport running past the last row only needs the rows that exist.
  const last = windowFrom({ offset: 900, limit: 200, colStart: 0, colEnd: 3 }, 's', 1000);
  assert.ok(covers(last, { x0: 0, y0: 950, x1: 3, y1: 1040 }, 's', 3));
});

test('sliceWindow returns column-major cells of the viewport, null where the window has none', () => {
  const w = windowFrom({ offset: 100, limit: 100, colStart: 2, colEnd: 5 }, 's', 150);
  assert.deepEqual(sliceWindow(w, { x0: 3, y0: 120, x1: 5, y1: 123 }, 8), [
    ['3:120', '3:121', '3:122'],
    ['4:120', '4:121', '4:122'],
  ]);
  // Rows past the end are dropped; columns outside the window are null.
  assert.deepEqual(sliceWindow(w, { x0: 4, y0: 148, x1: 6, y1: 160 }, 8), [
    ['4:148', '4:149'],
    [null, null],
  ]);
});

test('WindowCache evicts the least recently used window', () => {
  const cache = new WindowCache(2);
  const a = windowFrom({ offset: 0, limit: 100, colStart: 0, colEnd: 2 }, 's', 10_000);
  const b = windowFrom({ offset: 100, limit: 100, colStart: 0, colEnd: 2 }, 's', 10_000);
  const c = windowFrom({ offset: 200, limit: 100, colStart: 0, colEnd: 2 }, 's', 10_000);
  cache.add(a);
  cache.add(b);
  assert.equal(cache.find({ x0: 0, y0: 10, x1: 2, y1: 20 }, 's', 2), a); // a is now most recent
  cache.add(c); // evicts b
  assert.equal(cache.size, 2);
  assert.equal(cache.find({ x0: 0, y0: 110, x1: 2, y1: 120 }, 's', 2), undefined);
  assert.equal(cache.find({ x0: 0, y0: 10, x1: 2, y1: 20 }, 's', 2), a);
  assert.equal(cache.find({ x0: 0, y0: 210, x1: 2, y1: 220 }, 's', 2), c);
  assert.equal(cache.find({ x0: 0, y0: 210, x1: 2, y1: 220 }, 'desc', 2), undefined);
  cache.clear();
  assert.equal(cache.size, 0);
});
