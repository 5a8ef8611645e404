import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildSelectParams,
  columnPickItems,
  formatOfPath,
  resultTitle,
  saveNamePrompt,
  suggestFrameName,
  validateFilter,
  validateFrameName,
  validateSql,
} from '../../extension/command-logic';
import { frameNameOf } from '../../extension/commands';
import { objectDeleteConfirmation as deleteConfirmation } from '../../extension/object-commands';
import { frameTreeItems } from '../../extension/tree-items';
import { frameInfo, whoami } from './fixtures';

test('save-as names must be frame names', () => {
  for (const good of ['sales', 'sales_eu', 'alice.sales', '_x', ' padded ']) assert.equal(validateFrameName(good), undefined, good);
  for (const bad of ['', '   ', '1sales', 'a.b.c', 'sales-eu', 'drop table', 'a'.repeat(64), 'ns.']) {
    assert.equal(typeof validateFrameName(bad), 'string', bad);
  }
});

test('select params keep the frame order of the chosen columns and omit "all columns"', () => {
  const frame = frameInfo('sales');
  assert.deepEqual(buildSelectParams(frame, { columns: ['amount', 'order_id'] }), { from: 'main.sales', columns: ['order_id', 'amount'] });
  assert.deepEqual(buildSelectParams(frame, { columns: ['region', 'amount', 'order_id'] }), { from: 'main.sales' });
  assert.deepEqual(buildSelectParams(frame, { filter: "  region = 'EU'  " }), { from: 'main.sales', filter: "region = 'EU'" });
  assert.deepEqual(buildSelectParams(frame, { filter: '   ' }), { from: 'main.sales' });
  assert.throws(() => buildSelectParams(frame, { columns: ['nope'] }), /no column "nope"/);
  assert.throws(() => buildSelectParams(frame, { columns: [] }), /at least one column/);
});

test('column pick items start all picked, with types', () => {
  assert.deepEqual(columnPickItems(frameInfo('sales').columns)[2], { label: 'amount', description: 'DOUBLE', picked: true });
});

test('loaded files get a frame name and a format from their path', () => {
  assert.equal(suggestFrameName('/data/Sales 2024-Q1.parquet'), 'Sales_2024_Q1');
  assert.equal(suggestFrameName('2024.csv'), 'f_2024');
  assert.equal(suggestFrameName('---.csv'), 'loaded');
  assert.equal(validateFrameName(suggestFrameName('/x/ünïcode-files.json')), undefined);
  assert.equal(formatOfPath('a/b.PARQUET'), 'parquet');
  assert.equal(formatOfPath('a.tsv'), 'csv');
  assert.equal(formatOfPath('a.ndjson'), 'json');
  assert.equal(formatOfPath('a.txt'), undefined);
});

test('filter and SQL inputs must not be empty', () => {
  assert.equal(typeof validateFilter(' '), 'string');
  assert.equal(validateFilter('amount > 1'), undefined);
  assert.equal(typeof validateFilter('x'.repeat(10_001)), 'string');
  assert.equal(typeof validateSql(''), 'string');
  assert.equal(validateSql('SELECT 1'), undefined);
});

test('delete asks with the frame name, size and owner, and who loses it', () => {
  const message = deleteConfirmation(frameInfo('bob.tmp', { owner: 'bob', rowCount: 1234, published: false, grants: [] }));
  assert.match(message, /"bob\.tmp"/);
  assert.match(message, /1,234 rows/);
  assert.match(message, /owner bob/);
  assert.match(message, /All its versions go\.$/);
  assert.match(deleteConfirmation(frameInfo('bob.tmp', { published: true })), /Everyone on the team loses it\.$/);
  assert.match(deleteConfirmation(frameInfo('bob.tmp', { published: false, grants: [{ to: { kind: 'user', name: 'x' }, write: false, by: 'bob', at: '' }] })), /Everyone it is shared with loses it\.$/);
});

test('the save-name prompt says where a bare name goes, and the team namespace to those who may write there', () => {
  assert.match(saveNamePrompt(whoami('alice')).prompt, /bare name saves as alice\.NAME$/);
  assert.match(saveNamePrompt(whoami('alice', { teamWriter: true })).prompt, /alice\.NAME, main\.NAME in the team namespace$/);
  assert.match(saveNamePrompt(undefined).prompt, /your own namespace/);
});

test('command arguments name a frame directly or through a tree node', () => {
  const item = frameTreeItems([frameInfo('alice.sales', { scope: 'mine' })], 'mine', whoami('alice'))[0]!;
  assert.equal(frameNameOf('sales'), 'sales');
  assert.equal(frameNameOf(item), 'alice.sales');
  assert.equal(frameNameOf(item.node), 'alice.sales');
  assert.equal(frameNameOf(undefined), undefined);
  assert.equal(frameNameOf(''), undefined);
  assert.equal(frameNameOf({ node: { kind: 'group', scope: 'mine' } }), undefined);
});

test('result titles are one short line', () => {
  assert.equal(resultTitle('SELECT 1'), 'Result: SELECT 1');
  const long = resultTitle(`SELECT region,\n   sum(amount) FROM sales ${'x'.repeat(100)}`);
  assert.ok(long.length <= 'Result: '.length + 58 && long.endsWith('…') && !long.includes('\n'), long);
});
