/**
 * `npm run bench` (part): the SQL language server on a large catalog. A gateway process holds
 * 10,000 frames of 50 columns (8,000 in the team namespace, 2,000 private to their owners); a
 * reader's language server process (dist/lsp.js, spoken to over LSP) completes and checks SQL
 * against it. Completion: the time of a textDocument/completion request; diagnostics: from a
 * change of the document (debounce 0) to its published diagnostics. Also sql/check and
 * sql/complete straight on the gateway, without the language server.
 */
import CliTable from 'cli-table3';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Methods } from '../protocol';
import type { GatewayClient } from '../rpc/client';
import { cursor, startLsp } from '../test/lsp/lsp-client';
import { removeDir, startGatewayProcess } from '../test/support/gateway-process';

const FRAMES = Number(process.env.BENCH_LSP_FRAMES ?? 10_000);
const COLUMNS = 50;
const OWNERS = 10;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** One row of 50 columns: c0..c49. */
function wideRow(): Uint8Array {
  const columns: Record<string, Float64Array> = {};
  for (let c = 0; c < COLUMNS; c++) columns[`c${c}`] = Float64Array.of(c);
  return tableToIPC(tableFromArrays(columns), 'stream');
}

async function timed(samples: number, body: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < samples + 5; i++) {
    const start = performance.now();
    await body(i);
    if (i >= 5) times.push(performance.now() - start);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Frame i: in the team namespace `main` unless i % 5 == 4 (then private to its owner). */
function frameName(i: number): string {
  return i % 5 === 4 ? `f${i}` : `main.f${i}`;
}

async function fill(owners: GatewayClient[]): Promise<void> {
  const row = wideRow();
  let next = 0;
  const started = Date.now();
  await Promise.all(
    owners.map(async (owner) => {
      for (let i = next++; i < FRAMES; i = next++) {
        await owner.upload({ name: frameName(i) }, row);
        if (i % 1000 === 999) console.error(`  ${i + 1} frames (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    }),
  );
}

async function main(): Promise<void> {
  const gateway = await startGatewayProcess();
  const admin = await gateway.connect();
  const owners: GatewayClient[] = [];
  try {
    for (let i = 0; i < OWNERS; i++) owners.push(await gateway.connect(await gateway.addUser(`owner${i}`, { teamWriter: true })));
    const readerToken = await gateway.addUser('reader');
    const reader = await gateway.connect(readerToken);
    console.error(`adding ${FRAMES} frames of ${COLUMNS} columns…`);
    await fill(owners.slice(0, 4));
    const visible = (await reader.request(Methods.listFrames, {})).frames.length;

    const lsp = await startLsp({ url: gateway.url, token: readerToken, debounceMs: 0 });
    const uri = 'file:///bench/query.sql';
    const completions: [string, string][] = [
      ['frames after FROM, a prefix typed', 'SELECT * FROM f12|'],
      ['frames after FROM, nothing typed (capped list)', 'SELECT * FROM |'],
      ['frames of a namespace', 'SELECT * FROM main.f99|'],
      ['columns after alias.', 'SELECT t.| FROM main.f1234 t'],
      ['columns of two frames, functions, keywords', 'SELECT c1|, c2 FROM main.f10 a JOIN main.f20 b ON a.c0 = b.c0'],
      ['columns of a CTE', 'WITH w AS (SELECT c1, c2 FROM main.f30) SELECT w.| FROM w'],
    ];
    const rows: [string, { p50: number; p99: number }][] = [];
    let version = 0;
    for (const [label, marked] of completions) {
      const { text, position } = cursor(marked);
      if (version++ === 0) lsp.open(uri, text);
      else lsp.change(uri, text);
      rows.push([`completion: ${label}`, await timed(SAMPLES, () => lsp.completion(uri, position))]);
    }
    // Each change is a statement not checked before (answers are kept by text).
    rows.push([
      'diagnostics after a change (debounce 0)',
      await timed(SAMPLES, async (i) => {
        const published = lsp.diagnostics(uri, () => true, 30_000);
        lsp.change(uri, `SELECT a.c${i % COLUMNS}, b.nope_${i} FROM main.f${(5 * i) % FRAMES} a JOIN main.f${(5 * i + 5) % FRAMES} b ON a.c0 = b.c0`);
        await published;
      }),
    ]);
    rows.push(['gateway sql/check (no LSP)', await timed(SAMPLES, (i) => reader.request(Methods.sqlCheck, { sql: `SELECT c${i % COLUMNS} FROM main.f${(5 * i) % FRAMES} WHERE c1 > ${i}` }))]);
    rows.push([
      'gateway sql/complete after FROM (no LSP)',
      await timed(SAMPLES, (i) => {
        const sql = `SELECT * FROM f${i % 100}`;
        return reader.request(Methods.sqlComplete, { sql, offset: sql.length });
      }),
    ]);
    await lsp.stop();
    reader.close();

    const table = new CliTable({ head: ['language server', 'p50 ms', 'p99 ms'], style: { head: [], border: [] } });
    for (const [label, figures] of rows) table.push([label, figures.p50.toFixed(1), figures.p99.toFixed(1)]);
    console.log(`\nSQL language server: ${FRAMES.toLocaleString('en-US')} frames of ${COLUMNS} columns (${visible.toLocaleString('en-US')} readable by the reader), ${SAMPLES} samples each\n`);
    console.log(table.toString());
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/bench-lsp.json', JSON.stringify({ frames: FRAMES, columns: COLUMNS, visible, samples: SAMPLES, figures: Object.fromEntries(rows) }, null, 2));
  } finally {
    for (const owner of owners) owner.close();
    admin.close();
    await gateway.stop();
    removeDir(gateway.dataDir);
    removeDir(gateway.configDir);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
