/**
 * `npm run bench` (part): the cost of access checks. A reader's windows and SQL planning on a
 * frame shared with them, first on a gateway whose catalog holds just that frame, then after
 * 1,000 frames and 100 grants were added, in the same run: the ratio is what the checks cost as
 * the catalog grows (every window and every SQL name goes through them).
 */
import CliTable from 'cli-table3';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Methods } from '../protocol';
import type { GatewayClient } from '../rpc/client';
import { removeDir, startGatewayProcess } from '../test/support/gateway-process';
import { percentile } from './support';

const ROWS = 100_000;
const FRAMES = 1_000;
const GRANTS = 100;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);


function ipcOf(rows: number, seed: number): Uint8Array {
  return tableToIPC(
    tableFromArrays({ id: Int32Array.from({ length: rows }, (_, i) => i), value: Float64Array.from({ length: rows }, (_, i) => i * seed) }),
    'stream',
  );
}

interface Figures {
  windowP50: number;
  windowP99: number;
  sqlP50: number;
  sqlP99: number;
}

async function measure(reader: GatewayClient): Promise<Figures> {
  const windows: number[] = [];
  const sql: number[] = [];
  for (let i = 0; i < SAMPLES + 10; i++) {
    const offset = (i * 7_919) % (ROWS - 1_000);
    let start = performance.now();
    await reader.window({ source: { kind: 'frame', name: 'owner0.target' }, offset, limit: 1_000 });
    if (i >= 10) windows.push(performance.now() - start);
    start = performance.now();
    // Resolving three names (one bare), checking each, binding and planning; nothing to scan.
    const result = await reader.request(Methods.sql, { sql: 'SELECT a.id FROM owner0.target a JOIN target b USING (id) JOIN "owner0"."target" c USING (id) LIMIT 0' });
    if (i >= 10) sql.push(performance.now() - start);
    await reader.request(Methods.closeResult, { id: result.id });
  }
  return { windowP50: percentile(windows, 50), windowP99: percentile(windows, 99), sqlP50: percentile(sql, 50), sqlP99: percentile(sql, 99) };
}

async function main(): Promise<void> {
  const gateway = await startGatewayProcess();
  const admin = await gateway.connect();
  try {
    const owners: GatewayClient[] = [];
    for (let i = 0; i < 10; i++) owners.push(await gateway.connect(await gateway.addUser(`owner${i}`)));
    const reader = await gateway.connect(await gateway.addUser('reader'));
    await owners[0]!.upload({ name: 'target' }, ipcOf(ROWS, 1));
    await owners[0]!.request(Methods.share, { name: 'target', with: { kind: 'user', name: 'reader' } });
    const bare = await measure(reader);

    console.error(`adding ${FRAMES} frames and ${GRANTS} grants…`);
    await admin.request(Methods.addGroup, { name: 'everyone_else', members: ['reader', 'owner1', 'owner2'] });
    const tiny = ipcOf(10, 2);
    for (let i = 0; i < FRAMES; i++) {
      const owner = owners[i % owners.length]!;
      // Some share the target's name, so a bare name has candidates to weigh.
      await owner.upload({ name: i % 50 === 0 ? 'target' : `f${i}` }, tiny).catch(() => owner.upload({ name: `f${i}` }, tiny));
    }
    for (let i = 0; i < GRANTS; i++) {
      const owner = owners[(i % 9) + 1]!;
      const frame = `f${(i % 9) + 1 + 10 * Math.floor(i / 9)}`;
      const withWhom = i % 3 === 0 ? { kind: 'user' as const, name: 'reader' } : i % 3 === 1 ? { kind: 'group' as const, name: 'everyone_else' } : { kind: 'team' as const };
      await owner.request(Methods.share, { name: frame, with: withWhom });
    }
    const { frames } = await admin.request(Methods.listFrames, {});
    const loaded = await measure(reader);

    const table = new CliTable({ head: ['access checks', `catalog: 1 frame, 1 grant`, `${frames.length} frames, ${GRANTS + 1} grants`, 'ratio'], style: { head: [], border: [] } });
    const row = (label: string, a: number, b: number) => table.push([label, a.toFixed(2), b.toFixed(2), `${(b / a).toFixed(2)}×`]);
    row('window of 1,000 rows, p50 ms', bare.windowP50, loaded.windowP50);
    row('window of 1,000 rows, p99 ms', bare.windowP99, loaded.windowP99);
    row('SQL naming 3 frames (plan only), p50 ms', bare.sqlP50, loaded.sqlP50);
    row('SQL naming 3 frames (plan only), p99 ms', bare.sqlP99, loaded.sqlP99);
    console.log(`\nAccess checks: a reader's requests on a frame shared with them, ${SAMPLES} samples each\n`);
    console.log(table.toString());
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/bench-access.json', JSON.stringify({ frames: frames.length, grants: GRANTS + 1, bare, loaded }, null, 2));
    for (const owner of owners) owner.close();
    reader.close();
  } finally {
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
