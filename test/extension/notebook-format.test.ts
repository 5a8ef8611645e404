/** The .fgnb file: lines that diff well, summaries kept, damaged or foreign files refused with a clear message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNotebook, serializeNotebook } from '../../extension/notebook/notebook-format';

test('cells round-trip as arrays of lines, with the SQL cells\' output summaries', () => {
  const cells = [
    { kind: 'markdown' as const, source: '# Title\ntext' },
    { kind: 'sql' as const, source: '-- save as x\nSELECT 1', output: '1 row × 1 column · 3 ms\n1\n-\n1' },
    { kind: 'sql' as const, source: '' },
  ];
  const text = serializeNotebook(cells);
  const stored = JSON.parse(text) as { format: string; version: number; cells: { source: string[]; output?: string[] }[] };
  assert.equal(stored.format, 'framegate-notebook');
  assert.deepEqual(stored.cells[1]!.source, ['-- save as x', 'SELECT 1']);
  assert.deepEqual(stored.cells[1]!.output, ['1 row × 1 column · 3 ms', '1', '-', '1']);
  assert.equal(stored.cells[0]!.output, undefined);
  assert.ok(text.endsWith('}\n'));
  assert.deepEqual(parseNotebook(text), cells);
  assert.deepEqual(parseNotebook(''), []);
});

test('what is not a Framegate notebook is refused with a reason', () => {
  assert.throws(() => parseNotebook('{'), /not a Framegate notebook \(not JSON/);
  assert.throws(() => parseNotebook('{"cells": []}'), /not a Framegate notebook/);
  assert.throws(() => parseNotebook('{"format": "framegate-notebook", "version": 9, "cells": []}'), /newer Framegate/);
  assert.throws(() => parseNotebook('{"format": "framegate-notebook", "version": 1, "cells": [{"kind": "sql", "source": "x"}]}'), /cell 1 of this notebook is damaged/);
});
