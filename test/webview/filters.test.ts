import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChartData } from '../../protocol';
import { chartConfigData, chartTitle, defaultChart } from '../../webview/chart-spec';
import { filterCacheKey, filterLabel, keepFiltersOn, parseBound, withFilter, withoutFilter } from '../../webview/filters';

test('a filter of the same kind on the same column replaces the old one; others add up', () => {
  const values = { kind: 'values' as const, column: 'region', values: ['EU'] };
  const range = { kind: 'range' as const, column: 'amount', min: 1 };
  let filters = withFilter(withFilter([], values), range);
  assert.deepEqual(filters, [values, range]);
  filters = withFilter(filters, { kind: 'values', column: 'region', values: ['US'] });
  assert.deepEqual(filters, [{ kind: 'values', column: 'region', values: ['US'] }, range]);
  filters = withFilter(filters, { kind: 'text', column: 'region', match: 'contains', text: 'u' });
  assert.equal(filters.length, 3);
  assert.deepEqual(withoutFilter(filters, 0), filters.slice(1));
  assert.deepEqual(keepFiltersOn(filters, [{ name: 'amount', type: 'DOUBLE' }]), [range]);
  assert.notEqual(filterCacheKey([values]), filterCacheKey([range]));
  assert.equal(filterCacheKey([values]), filterCacheKey([{ ...values }]));
});

test('chips say what a filter keeps', () => {
  assert.equal(filterLabel({ kind: 'values', column: 'r', values: ['a', null, 'c', 'd', 'e'] }), 'r ∈ a, NULL, c +2');
  assert.equal(filterLabel({ kind: 'range', column: 'x', min: 1, max: 5 }), 'x 1 – 5');
  assert.equal(filterLabel({ kind: 'range', column: 'x', max: 5 }), 'x ≤ 5');
  assert.equal(filterLabel({ kind: 'range', column: 'd', min: '2024-01-01' }), 'd ≥ 2024-01-01');
  assert.equal(filterLabel({ kind: 'text', column: 'n', match: 'startsWith', text: 'an' }), 'n starts with "an"');
});

test('range bounds are numbers for numeric columns, text otherwise, and empty is none', () => {
  assert.equal(parseBound(' 12.5 ', true), 12.5);
  assert.equal(parseBound('', true), undefined);
  assert.equal(parseBound('2024-02-01', false), '2024-02-01');
  assert.throws(() => parseBound('ten', true), /"ten" is not a number/);
});

test('the first chart of a column suits its type', () => {
  assert.deepEqual(defaultChart({ name: 'amount', type: 'DECIMAL(18,2)' }), { kind: 'histogram', column: 'amount', bins: 30 });
  assert.deepEqual(defaultChart({ name: 'day', type: 'DATE' }), { kind: 'line', x: 'day', aggregate: 'count', buckets: 100 });
  assert.deepEqual(defaultChart({ name: 'region', type: 'VARCHAR' }), { kind: 'bar', x: 'region', aggregate: 'count', limit: 20 });
});

test('chart data becomes Chart.js data without losing points', () => {
  const base = { rowCount: 10, sql: '', xTitle: 'v', yTitle: 'count' };
  const histogram: ChartData = { ...base, kind: 'histogram', x: [0, 5], y: [4, 6], binWidth: 5 };
  const h = chartConfigData(histogram, 'en-US');
  assert.equal(h.type, 'bar');
  assert.deepEqual(h.data.labels, ['0 – 5', '5 – 10']);
  assert.deepEqual(h.data.datasets[0]!.data, [4, 6]);
  const line = chartConfigData({ ...base, kind: 'line', x: [Date.UTC(2024, 0, 2) / 1000], y: [3], temporal: true }, 'en-US');
  assert.deepEqual(line.data.labels, ['2024-01-02']);
  const scatter = chartConfigData({ ...base, kind: 'scatter', x: [1, 2], y: [3, 4], xTitle: 'a', yTitle: 'b' });
  assert.deepEqual(scatter.data.datasets[0]!.data, [{ x: 1, y: 3 }, { x: 2, y: 4 }]);
  assert.equal(chartTitle({ kind: 'bar', xTitle: 'region', yTitle: 'sum(amount)' }), 'sum(amount) by region');
});
