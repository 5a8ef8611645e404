import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSize, parseTime } from '../../cli/units';

test('sizes: bytes, binary units in either spelling; anything else is no size', () => {
  assert.equal(parseSize('12345'), 12345);
  assert.equal(parseSize('500MB'), 500 * 1024 ** 2);
  assert.equal(parseSize('1.5 GiB'), 1.5 * 1024 ** 3);
  assert.equal(parseSize('10gb'), 10 * 1024 ** 3);
  for (const bad of ['', 'lots', '10 GBs', '-1GB', '1e3', '10PB']) assert.equal(parseSize(bad), null, bad);
});

test('times: ISO-8601 dates and times, or a span ago; anything else is no time', () => {
  const now = Date.parse('2026-05-10T12:00:00.000Z');
  assert.equal(parseTime('2026-05-01', now), '2026-05-01T00:00:00.000Z');
  assert.equal(parseTime('2026-05-01T12:30:00+02:00', now), '2026-05-01T10:30:00.000Z');
  assert.equal(parseTime('30m', now), '2026-05-10T11:30:00.000Z');
  assert.equal(parseTime('2h', now), '2026-05-10T10:00:00.000Z');
  assert.equal(parseTime('7d', now), '2026-05-03T12:00:00.000Z');
  for (const bad of ['yesterday', '2026-13-45', '5y', '']) assert.equal(parseTime(bad, now), null, bad);
});
