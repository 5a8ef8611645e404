import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ColumnProfile } from '../../protocol';
import { headerSummary, percent, profileFacts } from '../../webview/profile-text';

const amount: ColumnProfile = { name: 'amount', type: 'DOUBLE', count: 990, nulls: 10, distinct: 1234, min: '0.5', max: '99.5', mean: 50.123456789 };

test('the header line says how many nulls and distinct values a column has', () => {
  assert.equal(headerSummary(amount, 'en-US'), '1% null · 1,234 distinct');
  assert.equal(headerSummary({ ...amount, nulls: 0 }, 'en-US'), 'no nulls · 1,234 distinct');
  assert.equal(headerSummary({ name: 'l', type: 'INTEGER[]', count: 5, nulls: 5 }, 'en-US'), '50% null');
});

test('percentages never round a few nulls to none or most to all', () => {
  assert.deepEqual([percent(0, 10), percent(1, 1000), percent(999, 1000), percent(1000, 1000), percent(1, 4), percent(5, 0)], ['0%', '<1%', '>99%', '100%', '25%', '0%']);
});

test('the summary facts list type, counts, range and mean', () => {
  assert.deepEqual(profileFacts(amount, 'en-US'), [
    ['type', 'DOUBLE'],
    ['values', '990'],
    ['nulls', '10 (1%)'],
    ['distinct', '1,234'],
    ['min', '0.5'],
    ['max', '99.5'],
    ['mean', '50.1235'],
  ]);
});
