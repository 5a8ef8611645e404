import { test } from 'node:test';
import assert from 'node:assert/strict';
import Papa from 'papaparse';
import { clipboardText, type CopyTable } from '../../webview/clipboard-text';

const table: CopyTable = {
  header: ['name', 'note', 'amount'],
  rows: [
    ['plain', 'tab\there', '1.5'],
    ['line', 'two\nlines', ''],
    ['quote', 'say "hi", ok', '-2'],
    ['pipe', 'a|b', '3'],
  ],
  align: ['left', 'left', 'right'],
};

test('TSV has a header row and quotes values holding tabs, line breaks or quotes', () => {
  const tsv = clipboardText(table, 'tsv');
  assert.equal(tsv.split('\n')[0], 'name\tnote\tamount');
  assert.ok(tsv.includes('plain\t"tab\there"\t1.5'));
  assert.ok(tsv.includes('line\t"two\nlines"\t'));
  // It reads back to exactly the cells.
  const back = Papa.parse<string[]>(tsv, { delimiter: '\t' }).data;
  assert.deepEqual(back, [table.header, ...table.rows]);
  assert.equal(clipboardText(table, 'tsv', false).split('\n')[0], 'plain\t"tab\there"\t1.5');
});

test('CSV quotes commas and quotes and reads back to the same cells', () => {
  const csv = clipboardText(table, 'csv');
  assert.ok(csv.includes('quote,"say ""hi"", ok",-2'));
  assert.deepEqual(Papa.parse<string[]>(csv).data, [table.header, ...table.rows]);
});

test('Markdown escapes pipes and line breaks and right-aligns numbers', () => {
  const md = clipboardText(table, 'markdown').split('\n');
  assert.equal(md[0], '| name | note | amount |');
  assert.equal(md[1], '| --- | --- | ---: |');
  assert.equal(md[3], '| line | two<br>lines |  |');
  assert.equal(md[5], '| pipe | a\\|b | 3 |');
  assert.equal(md.length, 6);
});
