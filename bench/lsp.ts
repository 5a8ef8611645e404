/**
 * `npm run bench` (part): the SQL language server on a large catalog. A gateway process holds
 * 10,000 frames of 50 columns (8,000 in the team namespace, 2,000 private to their owners); a
 * reader's language server process (dist/lsp.js, spoken to over LSP) completes and checks SQL
 * against it.
 *
 * Making 10,000 frames through the protocol takes half an hour here (each save is durable:
 * fsyncs of DuckDB and SQLite), so 50 frames are uploaded through the gateway and the other
 * 9,950 are copies of their data made in one DuckDB transaction and recorded in the catalog (the
 * gateway stopped meanwhile), by their owners, through the catalog's own write path. The catalog, access checks,
 * name resolution and binding the benchmark measures are the gateway's, unchanged.
 *
 * Completion: the time of a textDocument/completion request; diagnostics: from a
 * change of the document (debounce 0) to its published diagnostics. Also sql/check and
 * sql/complete straight on the gateway, without the language server.
 */
import CliTable from 'cli-table3';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Methods } from '../protocol';
import type { GatewayClient } from '../rpc/client';
import { Catalog } from '../server/catalog/catalog';
import { dataFiles } from '../server/engine/duckdb/data-files';
import { DuckDatabase } from '../server/engine/duckdb/duckdb';
import { storageTable } from '../server/engine/duckdb/sql-text';
import { newStorageId } from '../server/frames/writer';
import { cursor, startLsp } from '../test/lsp/lsp-client';
import { removeDir, startGatewayProcess } from '../test/support/gateway-process';
import { percentile } from './support';

const FRAMES = Number(process.env.BENCH_LSP_FRAMES ?? 10_000);
const COLUMNS = 50;
const OWNERS = 10;
/** Frames uploaded through the gateway; the rest reuse their data. */
const TEMPLATES = 50;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);


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

/** Uploads the first `TEMPLATES` frames through the gateway (owner i % OWNERS). */
async function uploadTemplates(owners: GatewayClient[]): Promise<void> {
  const row = wideRow();
  for (let i = 0; i < TEMPLATES; i++) await owners[i % OWNERS]!.upload({ name: frameName(i) }, row);
}

/** Copies a template's stored data for each frame past the templates, in one transaction (one fsync). */
async function copyData(dataDir: string, templates: readonly string[]): Promise<string[]> {
  const db = await DuckDatabase.open(dataFiles(dataDir).database);
  const conn = await db.connect();
  try {
    const copies: string[] = [];
    await conn.run('BEGIN');
    for (let i = TEMPLATES; i < FRAMES; i++) {
      const id = newStorageId();
      await conn.run(`CREATE TABLE ${storageTable(id)} AS SELECT * FROM ${storageTable(templates[i % TEMPLATES]!)}`);
      copies.push(id);
    }
    await conn.run('COMMIT');
    return copies;
  } finally {
    conn.close();
    db.close();
  }
}

/** Records frames TEMPLATES..FRAMES-1 in the stopped gateway's catalog, each with a copy of a template's data. */
async function recordTheRest(dataDir: string): Promise<void> {
  const catalog = Catalog.open(dataDir);
  try {
    const owner = (i: number) => catalog.identity.principal(catalog.identity.users.byName(`owner${i % OWNERS}`)!.id)!;
    const templates = Array.from({ length: TEMPLATES }, (_, i) => catalog.resolver.resolveText(owner(i), frameName(i), 'frame').version);
    const copies = await copyData(
      dataDir,
      templates.map((t) => t.storage!),
    );
    for (let i = TEMPLATES; i < FRAMES; i++) {
      const principal = owner(i);
      const { columns, rowCount, bytes, source, origin } = templates[i % TEMPLATES]!;
      const storage = copies[i - TEMPLATES]!;
      catalog.changes.record(principal, catalog.resolver.planWrite(principal, frameName(i), 'frame'), { storage, columns, rowCount, bytes, source, origin }, [], { replace: false });
    }
  } finally {
    catalog.close();
  }
}

async function main(): Promise<void> {
  const first = await startGatewayProcess();
  const tokens: string[] = [];
  {
    const admin = await first.connect();
    const owners: GatewayClient[] = [];
    for (let i = 0; i < OWNERS; i++) owners.push(await first.connect(await first.addUser(`owner${i}`, { teamWriter: true })));
    tokens.push(await first.addUser('reader'));
    console.error(`uploading ${TEMPLATES} frames of ${COLUMNS} columns, recording ${FRAMES - TEMPLATES} more…`);
    await uploadTemplates(owners);
    for (const owner of owners) owner.close();
    admin.close();
    await first.stop();
  }
  await recordTheRest(first.dataDir);
  const gateway = await startGatewayProcess({ dataDir: first.dataDir, configDir: first.configDir, adminToken: first.adminToken });
  try {
    const readerToken = tokens[0]!;
    const reader = await gateway.connect(readerToken);
    const visible = (await reader.request(Methods.listFrames, {})).frames.length;

    const lsp = await startLsp({ url: gateway.url, token: readerToken, debounceMs: 0 });
    const uri = 'file:///bench/query.sql';
    const completions: [string, string][] = [
      ['frames after FROM, a prefix typed', 'SELECT * FROM f12|'],
      ['frames after FROM, nothing typed (capped list)', 'SELECT * FROM |'],
      ['frames of a namespace', 'SELECT * FROM main.f99|'],
      ['columns after alias.', 'SELECT t.| FROM main.f1233 t'],
      ['columns of two frames, functions, keywords', 'SELECT c1|, c2 FROM main.f10 a JOIN main.f20 b ON a.c0 = b.c0'],
      ['columns of a CTE', 'WITH w AS (SELECT c1, c2 FROM main.f30) SELECT w.| FROM w'],
    ];
    const rows: [string, { p50: number; p99: number }][] = [];
    let version = 0;
    for (const [label, marked] of completions) {
      const { text, position } = cursor(marked);
      if (version++ === 0) lsp.open(uri, text);
      else lsp.change(uri, text);
      // Every sample is a new version of the document: the server's answer kept for one version and cursor must not answer it.
      rows.push([
        `completion: ${label}`,
        await timed(SAMPLES, (i) => {
          lsp.change(uri, `${text}\n-- edit ${i}`);
          return lsp.completion(uri, position);
        }),
      ]);
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
    await gateway.stop();
    removeDir(gateway.dataDir);
    removeDir(gateway.configDir);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
