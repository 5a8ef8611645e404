/**
 * The data dir is never readable through SQL or loads, also when it sits inside an import dir
 * (`--import-dir` = its parent, or `--import-dir .` run beside it): direct paths, globs in the
 * folder part, recursive globs, lists, symlinked folders and hard links to the catalog. Named
 * pipes and other non-regular files are refused at once instead of hanging the engine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FramegateError, Methods } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { makeTempDir, removeDir, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

/** A marker the catalog holds (a frame name), which must never come back from a read. */
const MARKER = 'zz_marker_frame';

async function refusal(client: GatewayClient, work: () => Promise<unknown>): Promise<FramegateError> {
  const started = performance.now();
  let guard: NodeJS.Timeout | undefined;
  try {
    const hang = new Promise((_, reject) => (guard = setTimeout(() => reject(new Error('no answer within 10 s: the engine hangs')), 10_000)));
    const result = await Promise.race([work(), hang]);
    assert.fail(`expected a refusal, got ${JSON.stringify(result).slice(0, 200)}`);
  } catch (error) {
    assert.ok(error instanceof FramegateError, String(error));
    assert.ok(['SqlRefused', 'FileRefused', 'FileNotFound'].includes(error.kind), `${error.kind}: ${error.message}`);
    assert.ok(!error.message.includes(MARKER), error.message);
    assert.ok(performance.now() - started < 5_000, 'refused at once');
    // Still serving.
    assert.equal((await client.request(Methods.sql, { sql: 'SELECT 1 AS one' })).rowCount, 1);
    return error;
  } finally {
    clearTimeout(guard);
  }
}

for (const layout of ['import dir = the parent of the data dir', 'import dir = "." beside the data dir'] as const) {
  describe(`data dir inside an import dir (${layout})`, () => {
    let parent: string;
    let gw: GatewayProcess;
    let client: GatewayClient;
    before(async () => {
      parent = makeTempDir('framegate-parent-');
      const dataDir = join(parent, '.framegate');
      mkdirSync(dataDir);
      writeFileSync(join(parent, 'ok.csv'), 'a\n1\n');
      gw = await startGatewayProcess(
        layout.endsWith('parent of the data dir')
          ? { dataDir, args: ['--import-dir', parent] }
          : { dataDir, cwd: parent, args: ['--import-dir', '.'] },
      );
      client = await gw.connect();
      await client.request(Methods.save, { name: `main.${MARKER}`, from: { sql: 'SELECT 1 AS x' } });
      assert.ok(readFileSync(join(dataDir, 'catalog.sqlite')).includes(MARKER) || readFileSync(join(dataDir, 'catalog.sqlite-wal')).includes(MARKER));
      symlinkSync(dataDir, join(parent, 'link'));
      linkSync(join(dataDir, 'catalog.sqlite'), join(parent, 'hard.csv'));
      execFileSync('mkfifo', [join(parent, 'pipe.csv')]);
    });
    after(async () => {
      client.close();
      await gw.stop();
      removeDir(parent);
      removeDir(gw.configDir);
    });

    const sqlAttacks = (p: string) => [
      `SELECT * FROM read_csv('${p}/.framegate/catalog.sqlite')`,
      `SELECT * FROM read_csv('${p}/*/catalog.sqlite')`,
      `SELECT * FROM read_csv('${p}/.frame*/catalog*')`,
      `SELECT * FROM read_csv('${p}/**/catalog.sqlite')`,
      `SELECT * FROM read_csv('${p}/?framegate/catalog.sqlite-wal')`,
      `SELECT * FROM read_csv(['${p}/ok.csv', '${p}/.framegate/catalog.sqlite'])`,
      `SELECT * FROM read_csv('${p}/link/catalog.sqlite')`,
      `SELECT * FROM read_csv('${p}/l*/c*')`,
      `SELECT * FROM read_csv('${p}/hard.csv')`,
      `SELECT * FROM read_csv('${p}/hard*')`,
      `SELECT * FROM read_parquet('${p}/*/frames.duckdb')`,
      `SELECT * FROM read_json_auto('${p}/.framegate/frames.duckdb.wal')`,
    ];

    test('SQL file readers refuse every way into the data dir, globs included', async () => {
      for (const sql of sqlAttacks(parent)) await refusal(client, () => client.request(Methods.sql, { sql }));
    });

    test('loads refuse the data dir and hard links to its files', async () => {
      for (const path of ['.framegate/catalog.sqlite', join(parent, '.framegate', 'frames.duckdb'), 'link/catalog.sqlite', 'hard.csv']) {
        await refusal(client, () => client.request(Methods.load, { path, name: 'stolen', format: 'csv' }));
      }
    });

    test('a named pipe is refused at once by SQL readers and loads, and the gateway still stops cleanly', async () => {
      const error = await refusal(client, () => client.request(Methods.sql, { sql: `SELECT * FROM read_csv('${parent}/pipe.csv')` }));
      assert.match(error.message, /regular file/);
      // DuckDB's glob lists no pipes: a pattern that only a pipe would match matches nothing.
      await refusal(client, () => client.request(Methods.sql, { sql: `SELECT * FROM read_csv('${parent}/p*.csv')` }));
      await refusal(client, () => client.request(Methods.load, { path: 'pipe.csv', name: 'piped' }));
      // A glob over the folder still reads what it may.
      const ok = await client.request(Methods.sql, { sql: `SELECT * FROM read_csv('${parent}/ok.csv')` });
      assert.equal(ok.rowCount, 1);
    });
  });
}
