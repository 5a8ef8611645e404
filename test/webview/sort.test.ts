import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSortKey, keepSortOn, nextSort, orderBySql, removeSortKey, sortCacheKey, sortDirection, sortMark } from '../../webview/sort';

test('clicking a header cycles ascending, descending, unsorted', () => {
  const asc = nextSort([], 'amount');
  assert.deepEqual(asc, [{ column: 'amount', descending: false }]);
  assert.equal(sortDirection(asc, 'amount'), 'asc');
  const desc = nextSort(asc, 'amount');
  assert.deepEqual(desc, [{ column: 'amount', descending: true }]);
  assert.equal(sortDirection(desc, 'amount'), 'desc');
  assert.deepEqual(nextSort(desc, 'amount'), []);
  assert.equal(sortDirection([], 'amount'), 'none');
});

test('clicking another header sorts by that column alone', () => {
  assert.deepEqual(nextSort([{ column: 'amount', descending: true }], 'region'), [{ column: 'region', descending: false }]);
});

test('cache keys differ between sorts and match for equal sorts', () => {
  assert.notEqual(sortCacheKey([]), sortCacheKey([{ column: 'a', descending: false }]));
  assert.notEqual(sortCacheKey([{ column: 'a', descending: false }]), sortCacheKey([{ column: 'a', descending: true }]));
  assert.equal(sortCacheKey([{ column: 'a', descending: true }]), sortCacheKey([{ column: 'a', descending: true }]));
});

test('a reloaded source keeps the sort only on columns that still exist', () => {
  const sort = [{ column: 'amount', descending: true }];
  assert.deepEqual(keepSortOn(sort, [{ name: 'id' }, { name: 'amount' }]), sort);
  assert.deepEqual(keepSortOn(sort, [{ name: 'id' }, { name: 'total' }]), []);
});

test('shift+click adds a further key, flips it, then drops it; a plain click starts over', () => {
  const one = [{ column: 'region', descending: false }];
  const two = addSortKey(one, 'amount');
  assert.deepEqual(two, [{ column: 'region', descending: false }, { column: 'amount', descending: false }]);
  const flipped = addSortKey(two, 'amount');
  assert.deepEqual(flipped, [{ column: 'region', descending: false }, { column: 'amount', descending: true }]);
  assert.deepEqual(addSortKey(flipped, 'amount'), one);
  assert.deepEqual(removeSortKey(flipped, 'region'), [{ column: 'amount', descending: true }]);
  assert.deepEqual(nextSort(flipped, 'amount'), [{ column: 'amount', descending: false }]);
  assert.equal(sortMark(flipped, 'amount'), ' ▼2');
  assert.equal(sortMark(one, 'region'), ' ▲');
  assert.equal(sortMark(one, 'amount'), '');
});

test('the SQL of a sort quotes identifiers', () => {
  assert.equal(orderBySql([{ column: 'a', descending: true }, { column: 'b', descending: false }]), 'ORDER BY "a" DESC, "b"');
  assert.equal(orderBySql([{ column: 'say "x"', descending: false }]), 'ORDER BY "say ""x"""');
  assert.equal(orderBySql([]), '');
});
