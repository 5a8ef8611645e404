/**
 * exportToFile, the one export path of the CLI and the extension: a real gateway (real DuckDB),
 * a frame of several batches with exact types (DECIMAL, BIGINT past 2^53, timestamps with and
 * without a zone at microseconds, dates, NULLs, empty and awkward text), exported to each format
 * and read back with a local DuckDB, compared row for row with the SQL that made it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { ErrorCodes, Methods } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { exportToFile, type ExportFormat, type ExportProgress } from '../../rpc/export-file';
import { DuckDatabase, type DuckConnection } from '../../server/engine/duckdb/duckdb';
import { failure, startTestGateway, tempDir, waitFor, type TestGateway } from '../server/support';

const ROWS = 150_000;
const FRAME_SQL = `SELECT range AS id,
  CASE WHEN range % 7 = 0 THEN NULL ELSE ((range * 12345 - 999999)::VARCHAR || '.' || lpad((range % 10000)::VARCHAR, 4, '0'))::DECIMAL(18,4) END AS amount,
  9007199254740993 + range AS big,
  TIMESTAMPTZ '2024-03-10 01:59:59.123456+00' + range * INTERVAL 1 SECOND AS at_zone,
  TIMESTAMP '1969-12-31 23:59:59.000001' + range * INTERVAL 1 MINUTE AS at_naive,
  DATE '2024-02-29' + (range % 1000)::INTEGER AS day,
  CASE range % 5 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'a, "quoted"' || chr(10) || 'line' ELSE 'plain ' || range END AS label,
  range % 3 = 0 AS flag,
  range / 3.0 AS ratio
FROM range(${ROWS})`;

/** How the local DuckDB reads each format back (CSV with the types the gateway's columns have). */
function reader(format: ExportFormat, path: string): string {
  if (format === 'parquet') return `read_parquet('${path}')`;
  return `read_csv('${path}', header = true, allow_quoted_nulls = false, columns = {'id': 'BIGINT', 'amount': 'DECIMAL(18,4)', 'big': 'BIGINT', 'at_zone': 'TIMESTAMPTZ', 'at_naive': 'TIMESTAMP', 'day': 'DATE', 'label': 'VARCHAR', 'flag': 'BOOLEAN', 'ratio': 'DOUBLE'})`;
}

describe('exportToFile', () => {
  let gw: TestGateway;
  let client: GatewayClient;
  let work: string;
  let local: DuckDatabase;
  let conn: DuckConnection;
  before(async () => {
    gw = await startTestGateway();
    client = await gw.connect();
    await client.request(Methods.save, { name: 'main.exact', from: { sql: FRAME_SQL } });
    work = tempDir('framegate-export-');
    local = await DuckDatabase.open(':memory:');
    conn = await local.connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(`CREATE TABLE expected AS ${FRAME_SQL}`);
  });
  after(async () => {
    conn.close();
    local.close();
    client.close();
    await gw.dispose();
  });

  test('nested values and ENUMs: Parquet keeps their types and values, CSV writes nested values as JSON text', async () => {
    const nested = `SELECT range AS i, [range, range + 1] AS l, {'a': range, 'b': 'x' || range} AS s, MAP {'k': range} AS m,
      ['lo', 'hi'][1 + range % 2]::ENUM('lo', 'hi') AS e FROM range(3000)`;
    await client.request(Methods.save, { name: 'main.nested', from: { sql: nested } });
    const parquet = join(work, 'nested.parquet');
    assert.equal((await exportToFile(client, { source: { kind: 'frame', name: 'main.nested' } }, parquet, 'parquet')).rows, 3000);
    const types = await conn.rows(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM read_parquet('${parquet}'))`);
    assert.deepEqual(types.slice(1, 4).map((t) => t.type), ['BIGINT[]', 'STRUCT(a BIGINT, b VARCHAR)', 'MAP(VARCHAR, BIGINT)']);
    const differ = await conn.rows(
      `SELECT count(*)::INTEGER AS n FROM (SELECT i, l, s, m, e::VARCHAR AS e FROM (${nested}) EXCEPT ALL SELECT i, l, s, m, e::VARCHAR FROM read_parquet('${parquet}'))`,
    );
    assert.equal(differ[0]?.n, 0);
    const csv = join(work, 'nested.csv');
    await exportToFile(client, { source: { kind: 'frame', name: 'main.nested' } }, csv, 'csv');
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'i,l,s,m,e');
    assert.equal(lines[2], '1,"[1,2]","{""a"":1,""b"":""x1""}","{""k"":1}",hi');
  });

  for (const format of ['parquet', 'csv'] as const) {
    test(`to ${format}: every row and value as the gateway holds it, with progress`, async () => {
      const path = join(work, `exact.${format}`);
      const seen: ExportProgress[] = [];
      const result = await exportToFile(client, { source: { kind: 'frame', name: 'main.exact' } }, path, format, { onProgress: (p) => seen.push(p) });
      assert.equal(result.rows, ROWS);
      assert.ok(seen.length > 1, 'progress after each batch');
      assert.equal(seen.at(-1)?.rows, ROWS);
      assert.equal(seen.at(-1)?.bytes, result.bytes);
      if (format === 'parquet') {
        const types = await conn.rows(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE SELECT * FROM ${reader(format, path)})`);
        const typeOf = new Map(types.map((t) => [t.name, t.type]));
        assert.equal(typeOf.get('amount'), 'DECIMAL(18,4)');
        assert.equal(typeOf.get('at_zone'), 'TIMESTAMP WITH TIME ZONE');
        assert.equal(typeOf.get('at_naive'), 'TIMESTAMP');
      }
      const missing = await conn.rows(`SELECT count(*)::INTEGER AS n FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM ${reader(format, path)})`);
      const extra = await conn.rows(`SELECT count(*)::INTEGER AS n FROM (SELECT * FROM ${reader(format, path)} EXCEPT ALL SELECT * FROM expected)`);
      assert.deepEqual([missing[0]?.n, extra[0]?.n], [0, 0]);
      if (format === 'csv') {
        // NULL is an empty field, an empty text is "" (they stay apart).
        const lines = readFileSync(path, 'utf8').split('\n');
        assert.equal(lines[0], 'id,amount,big,at_zone,at_naive,day,label,flag,ratio');
        assert.match(lines[1] ?? '', /^0,,9007199254740993,2024-03-10 01:59:59\.123456Z,1969-12-31 23:59:59\.000001,2024-02-29,,true,0$/);
        assert.match(lines[2] ?? '', /^1,-987654\.0001,9007199254740994,.*,"",false,/);
      }
    });
  }

  test('to arrow (IPC file) and arrows (IPC stream): the batches as sent', async () => {
    for (const format of ['arrow', 'arrows'] as const) {
      const path = join(work, `exact.${format}`);
      await exportToFile(client, { source: { kind: 'frame', name: 'main.exact' } }, path, format);
      const bytes = readFileSync(path);
      assert.equal(bytes.subarray(0, 6).toString('latin1') === 'ARROW1', format === 'arrow');
      let rows = 0;
      for (const batch of RecordBatchReader.from(bytes)) rows += batch.numRows;
      assert.equal(rows, ROWS);
      if (format === 'arrow') {
        const back = await conn.rows(`SELECT count(*)::INTEGER AS n FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM read_parquet('${join(work, 'exact.parquet')}'))`);
        assert.equal(back[0]?.n, 0);
      }
    }
  });

  test('Cancel stops the export on the gateway and leaves no file', async () => {
    await client.request(Methods.save, { name: 'main.huge', from: { sql: `SELECT range AS i, repeat('x', 100) AS pad FROM range(3000000)` } });
    const path = join(work, 'huge.parquet');
    const controller = new AbortController();
    let received = 0;
    const error = await failure(() =>
      exportToFile(client, { source: { kind: 'frame', name: 'main.huge' } }, path, 'parquet', {
        signal: controller.signal,
        onProgress: (p) => {
          received = p.bytes;
          controller.abort();
        },
      }),
    );
    assert.equal(error.code, ErrorCodes.Cancelled);
    assert.ok(received > 0);
    assert.equal(existsSync(path), false);
    assert.deepEqual(readdirSync(work).filter((f) => f.includes('partial')), []);
    const admin = await gw.connect();
    try {
      await waitFor(async () => !(await admin.request(Methods.sessions, {})).sessions.some((s) => s.running.some((r) => r.method === Methods.export.method)), 'no export running');
    } finally {
      admin.close();
    }
    const done = gw.logs.find((l) => l.event === 'request' && l.method === Methods.export.method && l.outcome === 'Cancelled');
    assert.ok(done, 'the gateway ended the export as cancelled');
    // The connection is fine afterwards.
    assert.equal((await client.request(Methods.schema, { name: 'main.exact' })).rowCount, ROWS);
  });
});
