import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNumericType } from '../../webview/column-types';

test('numeric engine types are recognised for right alignment', () => {
  for (const type of ['INTEGER', 'BIGINT', 'HUGEINT', 'UBIGINT', 'SMALLINT', 'TINYINT', 'DOUBLE', 'FLOAT', 'DECIMAL(18,2)', 'decimal(38, 10)', 'INT64']) {
    assert.equal(isNumericType(type), true, type);
  }
  for (const type of ['VARCHAR', 'DATE', 'TIMESTAMP', 'BOOLEAN', 'INTEGER[]', 'STRUCT(a INTEGER)', 'INTERVAL', 'BLOB']) {
    assert.equal(isNumericType(type), false, type);
  }
});
