/** The shared SQL text tools: tokens that survive half-typed SQL, statements, cursor contexts and outlines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cursorContext, outlineStatement, splitStatements, statementAt, tableMentionAt, tokenize, utf16Offset } from '../../protocol';

test('tokens skip comments and keep quoted names and strings whole, even unclosed', () => {
  const tokens = tokenize(`SELECT "a;b", 'x;''y' -- c;\n/* d; */ FROM t; 'open`);
  assert.deepEqual(tokens.map((t) => [t.kind, t.text]), [
    ['word', 'SELECT'], ['quoted', '"a;b"'], ['punct', ','], ['string', "'x;''y'"], ['word', 'FROM'], ['word', 't'], ['punct', ';'], ['string', "'open"],
  ]);
});

test('statements split on ; outside strings and comments; empty ones are dropped', () => {
  const text = "SELECT ';' AS a;;\n-- only a comment;\nSELECT 2\n;  SELECT 3";
  const ranges = splitStatements(text);
  assert.deepEqual(ranges.map((r) => text.slice(r.start, r.end)), ["SELECT ';' AS a", 'SELECT 2', 'SELECT 3']);
  assert.equal(text.slice(statementAt(text, text.indexOf('2') + 1)!.start, statementAt(text, text.indexOf('2'))!.end), 'SELECT 2');
  assert.equal(statementAt('SELECT 1;\n', 10)?.start, 0, 'after the last ; : the statement before it');
});

test('UTF-8 byte offsets of engines become UTF-16 offsets', () => {
  const text = "SELECT 'é😀' AS x, nope";
  assert.equal(utf16Offset(text, Buffer.byteLength("SELECT 'é😀' AS x, ")), text.indexOf('nope'));
});

test('the cursor context: word typed, qualifier, table or expression position', () => {
  const at = (marked: string) => cursorContext(marked.replace('|', ''), marked.indexOf('|'));
  assert.deepEqual(at('SELECT * FROM sa|'), { from: 14, to: 16, prefix: 'sa', qualifier: [], position: 'table' });
  assert.deepEqual(at('SELECT * FROM main.|'), { from: 19, to: 19, prefix: '', qualifier: ['main'], position: 'table' });
  assert.deepEqual(at('SELECT s.am| FROM sales s').qualifier, ['s']);
  assert.deepEqual(at('SELECT "My Table".| FROM x').qualifier, ['My Table']);
  assert.equal(at('SELECT * FROM a JOIN |').position, 'table');
  assert.equal(at('SELECT * FROM a, |').position, 'table');
  assert.equal(at('SELECT a, | FROM t').position, 'expression');
  assert.equal(at('SELECT extract(year FROM |) FROM t').position, 'expression');
  assert.equal(at('SELECT * FROM t WHERE x IN (SELECT y FROM |)').position, 'table');
});

test('an outline: frames with aliases and versions, CTEs with columns, subqueries in FROM', () => {
  const sql = 'WITH a (x, y) AS (SELECT 1, 2), b AS MATERIALIZED (SELECT * FROM a) SELECT * FROM main.sales s JOIN "bob"."kpis@3" AS k ON true, (SELECT 1 AS one) sub, read_csv(\'f.csv\') r, t AT (VERSION => 2) WHERE extract(year FROM d) = 1';
  const outline = outlineStatement(sql);
  assert.deepEqual(outline.tables.map((t) => [t.parts, t.alias, t.version]), [
    [['a'], undefined, undefined],
    [['main', 'sales'], 's', undefined],
    [['bob', 'kpis'], 'k', 3],
    [['t'], undefined, 2],
  ]);
  assert.deepEqual(outline.derived.map((d) => [d.kind, d.name, d.columns, sql.slice(d.bodyStart, d.bodyEnd)]), [
    ['cte', 'a', ['x', 'y'], 'SELECT 1, 2'],
    ['cte', 'b', undefined, 'SELECT * FROM a'],
    ['subquery', 'sub', undefined, 'SELECT 1 AS one'],
  ]);
  assert.deepEqual(tableMentionAt(sql, sql.indexOf('sales') + 2)?.parts, ['main', 'sales']);
  assert.equal(tableMentionAt(sql, sql.indexOf('SELECT *')), undefined);
});
