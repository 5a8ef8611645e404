import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnFormatter, fractionDigits, rowNumberFormatter } from '../../webview/format';

const en = 'en-US';

test('floats get grouping and one column-wide number of fraction digits, without float noise', () => {
  assert.equal(fractionDigits([9368748.060000122]), 2);
  assert.equal(fractionDigits([0.1 + 0.2]), 1);
  assert.equal(fractionDigits([1, 2, 300]), 0);
  assert.equal(fractionDigits([Math.PI]), 6);
  const amounts = columnFormatter({ kind: 'float' }, [9368748.060000122, 12.5, 3], en);
  assert.equal(amounts.align, 'right');
  // Every value of the column has two fraction digits, so the decimal points line up.
  assert.deepEqual([9368748.060000122, 12.5, 3, 0].map((v) => amounts.display(v)), ['9,368,748.06', '12.50', '3.00', '0.00']);
  // A value the column's digits would show as 0.00 is not hidden as zero.
  assert.equal(amounts.display(-0.004), '-4E-3');
  assert.equal(amounts.plain(9368748.060000122), '9368748.060000122');
  const whole = columnFormatter({ kind: 'float' }, [49_999, 0], en);
  assert.equal(whole.display(49_999), '49,999');
  assert.equal(whole.display(NaN), 'NaN');
});

test('outliers far outside the digits of their column read in scientific notation', () => {
  const f = columnFormatter({ kind: 'float' }, [1.25], en);
  assert.equal(f.display(0.0000001234), '1.234E-7');
  assert.equal(f.display(1.5e20), '1.5E20');
});

test('64-bit integers and decimals are formatted exactly from their text', () => {
  const big = columnFormatter({ kind: 'integer' }, [], en);
  assert.equal(big.display('9007199254740993'), '9,007,199,254,740,993');
  assert.equal(big.display(-42), '-42');
  assert.equal(big.plain('9007199254740993'), '9007199254740993');
  const price = columnFormatter({ kind: 'decimal', scale: 2 }, [], en);
  assert.equal(price.display('1234567.50'), '1,234,567.50');
  assert.equal(price.display('-0.07'), '-0.07');
  assert.equal(price.plain('1234567.50'), '1234567.50');
});

test('NULL shows as NULL and copies as an empty field; text stays as it is', () => {
  for (const kind of [{ kind: 'float' }, { kind: 'text' }, { kind: 'date' }, { kind: 'timestamp', zone: null }] as const) {
    const f = columnFormatter(kind, [], en);
    assert.equal(f.display(null), 'NULL', kind.kind);
    assert.equal(f.plain(null), '', kind.kind);
  }
  const text = columnFormatter({ kind: 'text' }, [], en);
  assert.equal(text.display('say "hi"'), 'say "hi"');
  assert.equal(text.align, 'left');
  assert.equal(columnFormatter({ kind: 'boolean' }, [], en).display(true), 'true');
});

test('dates and timestamps are readable; a zone is kept when the type has one', () => {
  const day = Date.UTC(2024, 2, 5);
  const date = columnFormatter({ kind: 'date' }, [day], en);
  assert.equal(date.display(day), '03/05/2024');
  assert.equal(date.plain(day), '2024-03-05');
  const at = Date.UTC(2024, 2, 5, 6, 7, 8, 123);
  const naive = columnFormatter({ kind: 'timestamp', zone: null }, [at], en);
  assert.equal(naive.display(at), '03/05/2024, 06:07:08.123');
  assert.equal(naive.plain(at), '2024-03-05 06:07:08.123');
  // Whole seconds everywhere: no milliseconds shown.
  const seconds = columnFormatter({ kind: 'timestamp', zone: null }, [Date.UTC(2024, 0, 1, 12)], en);
  assert.equal(seconds.display(Date.UTC(2024, 0, 1, 12)), '01/01/2024, 12:00:00');
  const utc = columnFormatter({ kind: 'timestamp', zone: 'UTC' }, [at], en);
  assert.equal(utc.display(at), '03/05/2024, 06:07:08.123 UTC');
  assert.equal(utc.plain(at), '2024-03-05T06:07:08.123Z');
  const berlin = columnFormatter({ kind: 'timestamp', zone: 'Europe/Berlin' }, [at], en);
  assert.equal(berlin.display(at), '03/05/2024, 07:07:08.123 GMT+1');
  const offset = columnFormatter({ kind: 'timestamp', zone: '+05:30' }, [at], en);
  assert.match(offset.display(at), /\+05:30|GMT\+5:30/);
});

test('row numbers are grouped', () => {
  assert.equal(rowNumberFormatter(en)(1_234_567), '1,234,567');
});
