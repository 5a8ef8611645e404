/**
 * `framegate get` of a large frame writes the parts as they arrive: the CLI's peak memory stays far
 * below the frame's size (it used to assemble the whole export, and failed above 1 GiB), and the
 * file holds every row. A real gateway process and the CLI as its own process (npm run build).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { Methods } from '../../protocol';
import { CLI_PATH, makeTempDir, removeDir, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

const ROWS = 6_000_000;

/** Runs the CLI and samples its peak resident memory (VmHWM) until it exits. */
function getWithPeak(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string; peakBytes: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peak = 0;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const sample = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) peak = Math.max(peak, Number(match[1]) * 1024);
      } catch {
        // exited between samples
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(sample);
      resolve({ code, stderr, peakBytes: peak });
    });
  });
}

describe('framegate get of a large frame', () => {
  let gw: GatewayProcess;
  let work: string;
  let env: Record<string, string>;
  let exportBytes = 0;
  before(async () => {
    gw = await startGatewayProcess();
    work = makeTempDir('framegate-get-');
    env = { FRAMEGATE_URL: gw.url, FRAMEGATE_TOKEN: gw.adminToken, FRAMEGATE_CONFIG_DIR: gw.configDir };
    const client = await gw.connect();
    await client.request(Methods.save, { name: 'main.big', from: { sql: `SELECT range AS id, 'some text of a row, number ' || range AS label, range * 0.5::DOUBLE AS x FROM range(${ROWS})` } });
    const { result } = await client.exportStream({ source: { kind: 'frame', name: 'main.big' } }).then(async ({ parts, result: done }) => {
      for await (const part of parts) exportBytes += part.byteLength;
      return { result: await done };
    });
    assert.equal(result.bytes, exportBytes);
    client.close();
  });
  after(async () => {
    await gw.stop();
    removeDir(work);
    removeDir(gw.dataDir);
    removeDir(gw.configDir);
  });

  // Parquet and CSV go through a local DuckDB whose appends still peak near the frame's size (README: known limits).
  for (const ext of ['arrow', 'arrows']) {
    test(`to .${ext}: written as it arrives, with a peak far below the frame's size`, async (t) => {
      const out = join(work, `big.${ext}`);
      const run = await getWithPeak(['get', 'big', '-o', out], env);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(statSync(out).size > 0);
      {
        const reader = RecordBatchReader.from(readFileSync(out));
        let rows = 0;
        for (const batch of reader) rows += batch.numRows;
        assert.equal(rows, ROWS);
      }
      t.diagnostic(`export ${Math.round(exportBytes / 2 ** 20)} MiB; CLI peak RSS ${Math.round(run.peakBytes / 2 ** 20)} MiB`);
      assert.ok(run.peakBytes < exportBytes * 0.8, `the CLI peaked at ${Math.round(run.peakBytes / 2 ** 20)} MiB for a ${Math.round(exportBytes / 2 ** 20)} MiB export`);
    });
  }
});
