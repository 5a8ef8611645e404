/**
 * The language server as a process (dist/lsp.js; `npm run build` first), spoken to over LSP like
 * an editor, against a real gateway (DuckDB) as alice: completion at many cursor positions,
 * diagnostics with their ranges for each kind of error (and gone once fixed), hover, go to
 * definition, formatting and lenses; and nothing of bob's private frame, ever.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Methods } from '../../protocol';
import { sampleIpc, startTestGateway, waitFor, type TestGateway } from '../server/support';
import { cursor, startLsp, type LspClient } from './lsp-client';

describe('Framegate SQL language server', () => {
  let gw: TestGateway;
  let lsp: LspClient;
  let docs = 0;

  before(async () => {
    gw = await startTestGateway();
    const admin = await gw.connect();
    await admin.upload({ name: 'main.sales' }, sampleIpc(20));
    admin.close();
    const aliceToken = await gw.addUser('alice');
    const bob = await gw.connect(await gw.addUser('bob'));
    await bob.request(Methods.save, { name: 'payroll', from: { sql: 'SELECT 1 AS salary' } });
    bob.close();
    const alice = await gw.connect(aliceToken);
    await alice.request(Methods.save, { name: 'orders', from: { sql: "SELECT range AS order_id, 'EU' AS region, range * 2.5 AS amount FROM range(10)" } });
    alice.close();
    lsp = await startLsp({ url: gw.url, token: aliceToken, debounceMs: 50 });
  });
  after(async () => {
    await lsp?.stop();
    await gw?.dispose();
  });

  function openDoc(text: string): string {
    const uri = `file:///work/query-${++docs}.sql`;
    lsp.open(uri, text);
    return uri;
  }

  async function labelsAt(marked: string): Promise<string[]> {
    const { text, position } = cursor(marked);
    const list = await lsp.completion(openDoc(text), position);
    return list.items.map((i) => i.label);
  }

  test('completion at a dozen cursor positions', async () => {
    const cases: [string, string[], string[]][] = [
      ['SELECT * FROM |', ['orders', 'sales', 'main', 'alice'], ['payroll', 'bob']],
      ['SELECT * FROM main.|', ['sales'], ['orders']],
      ['SELECT * FROM ord|', ['orders'], ['sales']],
      ['SELECT * FROM orders o JOIN |', ['sales', 'orders'], ['payroll']],
      ['SELECT * FROM orders, |', ['sales'], ['payroll']],
      ['SELECT o.| FROM orders o', ['order_id', 'region', 'amount'], ['id', 'label']],
      ['SELECT s.| FROM main.sales AS s JOIN orders o ON s.id = o.order_id', ['id', 'label', 'value'], ['region']],
      ['WITH t AS (SELECT region, amount * 2 AS doubled FROM orders) SELECT t.| FROM t', ['region', 'doubled'], ['amount']],
      ['SELECT x.| FROM (SELECT region AS r FROM orders) x', ['r'], ['region']],
      ['SELECT | FROM orders', ['order_id', 'region', 'amount'], ['id']],
      ['SELECT sum(am|) FROM orders', ['amount'], ['order_id']],
      ['SELECT upp| FROM orders', ['upper'], ['order_id']],
      ['SELECT 1;\nSELECT * FROM ord|', ['orders'], []],
      ['SELECT * FROM bob.|', [], ['payroll']],
    ];
    for (const [marked, present, absent] of cases) {
      const labels = await labelsAt(marked);
      for (const label of present) assert.ok(labels.includes(label), `${marked}: ${label} missing from ${labels.slice(0, 30).join(', ')}`);
      for (const label of absent) assert.ok(!labels.includes(label), `${marked}: ${label} should not be offered`);
    }
  });

  test('a completion replaces the word being typed, in the right statement', async () => {
    const { text, position } = cursor('SELECT 1;\nSELECT * FROM ord|');
    const list = await lsp.completion(openDoc(text), position);
    const orders = list.items.find((i) => i.label === 'orders')!;
    assert.deepEqual(orders.textEdit, { range: { start: { line: 1, character: 14 }, end: { line: 1, character: 17 } }, newText: 'orders' });
    assert.match(orders.detail ?? '', /alice\.orders · alice · 10 rows/);
  });

  test('diagnostics for each kind of error, with exact ranges, and none once fixed', async () => {
    const text = [
      'SELECT * FROM main.nope;',
      'SELECT wrong_column FROM orders;',
      'SELECT o.nope FROM orders o;',
      'SELECT no_such_function(amount) FROM orders;',
      "SELECT getenv('HOME');",
      'SELECT * FROM bob.payroll;',
      'SELECT * FROM orders WHERE',
    ].join('\n');
    const uri = openDoc(text);
    const found = await lsp.diagnostics(uri, (list) => list.length > 0);
    const lines = text.split('\n');
    const shown = found.map((d) => ({ line: d.range.start.line, code: d.code, text: lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character) }));
    assert.deepEqual(shown, [
      { line: 0, code: 'unknown-frame', text: 'main.nope' },
      { line: 1, code: 'unknown-column', text: 'wrong_column' },
      { line: 2, code: 'unknown-column', text: 'o.nope' },
      { line: 3, code: 'unknown-function', text: 'no_such_function' },
      { line: 4, code: 'refused', text: 'getenv' },
      { line: 5, code: 'unknown-frame', text: 'bob.payroll' },
      { line: 6, code: 'syntax', text: 'WHERE' },
    ]);
    assert.equal(found[5]!.message, 'no frame named bob.payroll');
    lsp.change(uri, 'SELECT * FROM main.sales;\nSELECT region FROM orders');
    assert.deepEqual(await lsp.diagnostics(uri), []);
  });

  test('hover on a frame: columns, types, rows, owner, version; nothing on one you may not read', async () => {
    const uri = openDoc('SELECT * FROM orders o JOIN bob.payroll p ON true');
    const shown = await lsp.hover(uri, { line: 0, character: 16 });
    const markdown = (shown?.contents as { value: string }).value;
    for (const part of ['alice\\.orders', '10 rows', 'version 1', 'owner alice', 'private', '| order\\_id | BIGINT |', '| region | VARCHAR |']) assert.ok(markdown.includes(part), `${part} in ${markdown}`);
    assert.deepEqual(shown?.range, { start: { line: 0, character: 14 }, end: { line: 0, character: 20 } });
    assert.equal(await lsp.hover(uri, { line: 0, character: 33 }), null);
    assert.equal(await lsp.hover(uri, { line: 0, character: 3 }), null);
  });

  test('go to definition names the frame for the extension to preview', async () => {
    const uri = openDoc('SELECT * FROM sales');
    assert.equal((await lsp.definition(uri, { line: 0, character: 16 }))?.uri, 'framegate-frame:main.sales');
    assert.equal(await lsp.definition(openDoc('SELECT * FROM bob.payroll'), { line: 0, character: 19 }), null);
  });

  test('formatting in the engine dialect, and run lenses per statement', async () => {
    const uri = openDoc('select region, sum(amount) as total from orders group by region;\nselect 1\n');
    const [edit] = await lsp.format(uri);
    assert.equal(edit?.newText, 'SELECT\n  region,\n  sum(amount) AS total\nFROM\n  orders\nGROUP BY\n  region;\n\nSELECT\n  1\n');
    const lenses = await lsp.codeLens(uri);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.arguments]),
      [
        [0, 'Run File', [uri]],
        [0, 'Run', [uri, 0, 63]],
        [0, 'Run and Save As…', [uri, 0, 63]],
        [1, 'Run', [uri, 65, 73]],
        [1, 'Run and Save As…', [uri, 65, 73]],
      ],
    );
  });

  test('a frame saved on the gateway clears the stale diagnostics of open documents', async () => {
    const uri = openDoc('SELECT * FROM later_frame');
    assert.equal((await lsp.diagnostics(uri, (list) => list.length > 0))[0]?.code, 'unknown-frame');
    const admin = await gw.connect();
    await admin.request(Methods.save, { name: 'main.later_frame', from: { sql: 'SELECT 1 AS x' } });
    admin.close();
    assert.deepEqual(await lsp.diagnostics(uri, (list) => list.length === 0), []);
  });

  test('the same document version asks the gateway once, until a share or a revoke changes what alice may read', async () => {
    const asked = () => gw.logs.filter((e) => e.event === 'request-start' && e.method === 'sql/complete').length;
    const { text, position } = cursor('SELECT * FROM |');
    const uri = openDoc(text);
    const labels = async () => (await lsp.completion(uri, position)).items.map((i) => i.label);
    const before = asked();
    const first = await labels();
    assert.deepEqual(await labels(), first);
    assert.equal(asked(), before + 1, 'one request for the same version and cursor');
    assert.ok(!first.includes('bob.payroll'));

    const bob = await gw.connect(await gw.addUser('bob2'));
    try {
      await bob.request(Methods.save, { name: 'bonus', from: { sql: 'SELECT 1 AS amount' } });
      await bob.request(Methods.share, { name: 'bonus', with: { kind: 'user', name: 'alice' } });
      await waitFor(async () => (await labels()).includes('bob2.bonus'), 'the shared frame in the next completion');
      await bob.request(Methods.unshare, { name: 'bonus', with: { kind: 'user', name: 'alice' } });
      await waitFor(async () => !(await labels()).includes('bob2.bonus'), 'the revoked frame gone from the next completion');
    } finally {
      bob.close();
    }
  });
});
