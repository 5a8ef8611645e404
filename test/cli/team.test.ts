/**
 * Working as a team from the command line, tried as new users would: `node dist/cli.js serve` as
 * the gateway, three people (dora, eli, fay) and the admin, each command its own process. Needs
 * `npm run build` first.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { GatewayEvent } from '../../protocol';
import { CLI_PATH, makeTempDir, removeDir, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const run = await cli(args, env);
  assert.equal(run.code, 0, `framegate ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

async function json<T>(args: string[], env: Record<string, string>): Promise<T> {
  const stdout = await ok(['--json', ...args], env);
  assert.equal(stdout.trim().split('\n').length, 1, 'one JSON document on one line');
  return JSON.parse(stdout) as T;
}

/** `framegate watch --json` in the background, its events as they come. */
interface Watcher {
  child: ChildProcess;
  events: GatewayEvent[];
  exited: Promise<{ code: number | null; stderr: string }>;
}

function watch(env: Record<string, string>): Watcher {
  const child = spawn(process.execPath, [CLI_PATH, '--json', 'watch'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: GatewayEvent[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => events.push(JSON.parse(line) as GatewayEvent));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code, stderr })));
  return { child, events, exited };
}

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('three people working together from the command line', () => {
  let gateway: GatewayProcess;
  let importDir: string;
  let admin: Record<string, string>;
  const env: Record<'dora' | 'eli' | 'fay', Record<string, string>> = { dora: {}, eli: {}, fay: {} };
  const watchers: Watcher[] = [];

  before(async () => {
    importDir = makeTempDir('framegate-team-import-');
    writeFileSync(join(importDir, 'sales.csv'), 'id,region,amount\n1,North,10\n2,South,20\n3,North,5\n');
    gateway = await startGatewayProcess({ args: ['--import-dir', importDir, '--keep-versions', '2'] });
    admin = { FRAMEGATE_URL: gateway.url, FRAMEGATE_CONFIG_DIR: gateway.configDir };
    for (const name of ['dora', 'eli', 'fay'] as const) {
      const { token } = await json<{ token: string }>(['user', 'add', name, ...(name === 'dora' ? ['--team-writer'] : [])], admin);
      env[name] = { FRAMEGATE_URL: gateway.url, FRAMEGATE_TOKEN: token, FRAMEGATE_CONFIG_DIR: makeTempDir(`framegate-team-${name}-`) };
    }
  });
  after(async () => {
    for (const w of watchers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await gateway.stop();
    for (const dir of [gateway.dataDir, gateway.configDir, importDir, ...Object.values(env).map((e) => e.FRAMEGATE_CONFIG_DIR!)]) removeDir(dir);
  });

  test('versions and lineage: saving a name again adds a version; NAME@N in SQL; the chain back to the file, with what you cannot see opaque', async () => {
    await ok(['load', 'sales.csv', '--as', 'sales'], env.dora);
    await ok(['sql', 'SELECT * FROM sales WHERE amount > 6', '--save', 'sales', '--replace'], env.dora);
    await ok(['share', 'sales', '--with', 'eli'], env.dora);
    await ok(['sql', 'SELECT region, sum(amount) AS total FROM "dora.sales@1" GROUP BY region', '--save', 'totals'], env.eli);
    await ok(['share', 'totals', '--with', 'fay'], env.eli);

    const table = await ok(['versions', 'sales'], env.dora);
    assert.match(table, /dora\.sales \(frame\): 2 versions, .* stored; keeps the data of the last 2 \(the gateway's\)/);
    assert.match(table, /│\s+1 │ dora\s+│ .* │\s+3 │ .*bytes │ kept for lineage\s+│ load .*sales\.csv \(\d+ bytes, sha256 [0-9a-f]{12}…\)/);
    assert.match(table, /│\s+2 │ dora\s+│ .* │\s+2 │ .*bytes │ latest\s+│ sql: SELECT \* FROM sales WHERE amount > 6/);
    const versions = await json<{ versions: Array<{ version: number; rowCount: number; bytes: number }> }>(['versions', 'dora.sales'], env.eli);
    assert.deepEqual(
      versions.versions.map((v) => [v.version, v.rowCount, v.bytes > 0]),
      [
        [1, 3, true],
        [2, 2, true],
      ],
    );

    const mine = (await ok(['lineage', 'totals'], env.eli)).trimEnd().split('\n');
    assert.match(mine[0]!, /^eli\.totals@1 {2}frame by eli, .*: sql: SELECT region/);
    assert.match(mine[1]!, /^ {2}dora\.sales@1 {2}frame by dora, .*: load .*sales\.csv/);
    assert.deepEqual((await ok(['lineage', 'eli.totals'], env.fay)).trimEnd().split('\n').slice(1), ['  a frame you cannot see']);
    const hidden = await cli(['lineage', 'dora.sales'], env.fay);
    assert.equal(hidden.code, 1);
    assert.equal(hidden.stderr, 'framegate: no frame, query or note named dora.sales (FrameNotFound)\n');
  });

  test('ls shows sizes; rm NAME@N removes one version (not the latest); retention and gc reclaim data and keep records', async () => {
    const listed = await ok(['ls'], env.dora);
    assert.match(listed, /│ name\s+│ rows │ columns │ version │\s+size │ all versions │/);
    await ok(['sql', 'SELECT 1 AS x', '--save', 'scratch'], env.dora);
    for (let i = 2; i <= 4; i++) await ok(['sql', `SELECT ${i} AS x`, '--save', 'scratch', '--replace'], env.dora);
    const state = async () =>
      (await json<{ versions: Array<{ version: number; state: { kind: string; reason?: string } }> }>(['versions', 'scratch'], env.dora)).versions.map((v) => [
        v.version,
        v.state.reason ?? v.state.kind,
      ]);
    assert.deepEqual(await state(), [
      [1, 'retention'],
      [2, 'retention'],
      [3, 'present'],
      [4, 'present'],
    ], "the gateway keeps 2: each save dropped the data of what fell out of them");
    const latest = await cli(['rm', 'scratch@4'], env.dora);
    assert.equal(latest.code, 1);
    assert.match(latest.stderr, /is the latest version.*\(InvalidParams\)/);
    assert.match(await ok(['rm', 'scratch@3'], env.dora), /removed version 3 of dora\.scratch \(its record stays, for lineage\)/);
    assert.match(await ok(['retention', 'scratch'], env.dora), /keeps the data of its last 2 versions \(the gateway's setting\)/);
    assert.match(await ok(['retention', 'scratch', '--keep', '5'], env.dora), /keeps the data of its last 5 versions \(its own setting\)/);
    for (let i = 5; i <= 6; i++) await ok(['sql', `SELECT ${i} AS x`, '--save', 'scratch', '--replace'], env.dora);
    await ok(['retention', 'scratch', '--keep', '1'], env.dora);
    const dry = await json<{ dropped: Array<{ name: string; version: number }>; dryRun: boolean }>(['gc', '--dry-run'], env.dora);
    assert.deepEqual(
      dry.dropped.map((d) => `${d.name}@${d.version}`),
      ['dora.scratch@4', 'dora.scratch@5'],
    );
    assert.match(await ok(['gc'], env.dora), /dropped the data of 2 versions .*\n {2}dora\.scratch@4 .*\n {2}dora\.scratch@5/);
    assert.match(await ok(['gc'], env.dora), /nothing to reclaim/);
    assert.deepEqual(await state(), [
      [1, 'retention'],
      [2, 'retention'],
      [3, 'removed'],
      [4, 'retention'],
      [5, 'retention'],
      [6, 'present'],
    ]);
    const me = await json<{ storage: { usedBytes: number }; limits: { storageBytes: number | null } }>(['whoami'], env.dora);
    assert.ok(me.storage.usedBytes > 0);
    assert.match(await ok(['whoami'], env.dora), /storage: .* in \d+ versions \(no limit\)\nqueries at once: no limit/);
  });

  test('saved queries and notes: save, list, show, run as yourself, save the result; notes on a frame seen by its readers', async () => {
    await ok(['query', 'save', 'big_ones', 'SELECT * FROM dora.sales WHERE amount > 6', '--description', 'sales over 6'], env.dora);
    await ok(['publish', 'big_ones'], env.dora);
    assert.match(await ok(['query', 'ls'], env.fay), /dora\.big_ones │ query │\s+1 │ dora\s+│ .* │ sales over 6/);
    assert.match(await ok(['query', 'show', 'dora.big_ones'], env.fay), /dora\.big_ones \(query, version 1 by dora.*\nsales over 6\n\nSELECT \* FROM dora\.sales WHERE amount > 6/);
    const refused = await cli(['query', 'run', 'dora.big_ones'], env.fay);
    assert.equal(refused.code, 1, 'fay may run it but not read what it reads');
    assert.match(refused.stderr, /no frame named dora\.sales \(FrameNotFound\)/);
    assert.match(await ok(['query', 'run', 'dora.big_ones'], env.eli), /rows 1–2 of 2/);
    assert.match(await ok(['query', 'run', 'dora.big_ones', '--save', 'big'], env.eli), /saved eli\.big: 2 rows/);
    assert.match(await ok(['lineage', 'big'], env.eli), /^eli\.big@1 {2}frame by eli, .*: query dora\.big_ones@1: SELECT \* FROM dora\.sales/);
    const bad = await cli(['query', 'save', 'broken', 'SELEC oops'], env.dora);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /\(InvalidSql\)/);

    assert.match(await ok(['note', 'add', 'dora.sales', 'North looks *low*'], env.eli), /added note eli\.sales_note1 on dora\.sales/);
    assert.match(await ok(['notes', 'sales'], env.dora), /eli\.sales_note1 by eli, .*\n {2}North looks \*low\*/);
    const fays = await cli(['notes', 'dora.sales'], env.fay);
    assert.equal(fays.code, 1, 'fay cannot see the frame, nor its notes');
    await ok(['note', 'save', 'howto', '# How we work', '--replace'], env.fay);
    await ok(['note', 'save', 'howto', '# How we work, again', '--replace'], env.fay);
    assert.match(await ok(['note', 'show', 'howto@1'], env.fay), /fay\.howto \(note, version 1 by fay.*\n\n# How we work$/m);
    assert.equal((await cli(['note', 'show', 'fay.howto'], env.eli)).code, 1, 'private until shared');
    await ok(['share', 'howto', '--with', 'eli'], env.fay);
    assert.match(await ok(['note', 'show', 'fay.howto'], env.eli), /version 2 .*\n\n# How we work, again/);
  });

  test('watch --json streams what each may see, one JSON object per line, and stops on Ctrl-C', async () => {
    const eli = watch(env.eli);
    const fay = watch(env.fay);
    watchers.push(eli, fay);
    await until(async () => {
      const { sessions } = await json<{ sessions: Array<{ user: string }> }>(['admin', 'sessions'], admin);
      return sessions.filter((s) => s.user === 'eli' || s.user === 'fay').length === 2;
    }, 'both watchers connected');
    await ok(['sql', 'SELECT 3 AS three', '--save', 'sales', '--replace'], env.dora);
    await ok(['note', 'add', 'dora.sales', 'updated'], env.dora);
    await ok(['sql', 'SELECT 1 AS one', '--save', 'main.everyone'], env.dora);
    await until(() => fay.events.some((e) => e.type === 'object.created' && e.object.name === 'main.everyone'), 'fay hears of the team frame');
    await until(() => eli.events.some((e) => e.type === 'object.created' && e.object.name === 'main.everyone'), 'eli hears of the team frame');
    assert.deepEqual(
      eli.events.map((e) => [e.type, 'object' in e ? e.object.name : '', e.by]),
      [
        ['object.version', 'dora.sales', 'dora'],
        ['object.created', 'dora.sales_note1', 'dora'],
        ['object.created', 'main.everyone', 'dora'],
      ],
    );
    assert.deepEqual(
      fay.events.map((e) => [e.type, 'object' in e ? e.object.name : '']),
      [['object.created', 'main.everyone']],
      'nothing about a frame fay cannot see',
    );
    fay.child.kill('SIGINT');
    assert.deepEqual(await fay.exited, { code: 0, stderr: '' });
  });

  test('admin: sessions, storage, audit (with filters), kick; none of it for others; usage errors for bad sizes and times', async () => {
    assert.match(await ok(['admin', 'storage'], admin), /│ dora\s+│\s+[\d.]+ (bytes|KiB) │\s+\d+ │\s+none │/);
    const refused = await cli(['admin', 'audit'], env.eli);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /only admins may read the audit log \(Forbidden\)/);
    const audit = await json<{ entries: Array<{ user: string | null; action: string; object?: string }> }>(['admin', 'audit', '--user', 'eli', '--action', 'refused', '--since', '1h'], admin);
    assert.deepEqual(
      audit.entries.map((e) => e.object ?? '(admin only)'),
      ['fay.howto', '(admin only)'],
      "a note eli could not see, then the audit log itself",
    );
    const reads = await json<{ entries: Array<{ object?: string }> }>(['admin', 'audit', '--action', 'read', '--object', 'dora.sales'], admin);
    assert.ok(reads.entries.length > 0);
    const eli = watchers[0]!;
    const { sessions } = await json<{ sessions: Array<{ id: string; user: string }> }>(['admin', 'sessions'], admin);
    const id = sessions.find((s) => s.user === 'eli')!.id;
    assert.match(await ok(['admin', 'kick', id], admin), new RegExp(`disconnected ${id} \\(eli\\)`));
    const ended = await eli.exited;
    assert.equal(ended.code, 1);
    assert.match(ended.stderr, /the gateway closed the connection \(4003\): disconnected by admin admin \(Disconnected\)/);
    for (const args of [['user', 'set', 'eli', '--storage-limit', 'lots'], ['admin', 'audit', '--since', 'yesterday']]) {
      const run = await cli(args, admin);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /\(UsageError\)/);
    }
    assert.match(await ok(['user', 'set', 'eli', '--storage-limit', '1KB'], admin), /a storage limit of 1\.0 KiB/);
    const full = await cli(['sql', 'SELECT range AS i FROM range(100000)', '--save', 'huge'], env.eli);
    assert.equal(full.code, 1);
    assert.match(full.stderr, /past your limit of 1\.0 KiB.*\(LimitReached\)/);
  });

  test('shutdown --grace tells every watcher, which then exits 0; the gateway exits 0', async () => {
    const dora = watch(env.dora);
    watchers.push(dora);
    await until(async () => (await json<{ sessions: Array<{ user: string }> }>(['admin', 'sessions'], admin)).sessions.some((s) => s.user === 'dora'), 'the watcher connected');
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)));
    assert.match(await ok(['shutdown', '--grace', '3'], admin), /is stopping: it takes no new work; running work may finish until .* UTC \(3 s\), then it is cancelled/);
    const ended = await dora.exited;
    assert.equal(ended.code, 0, ended.stderr);
    assert.ok(dora.events.some((e) => e.type === 'gateway.shutdown' && e.graceSeconds === 3));
    assert.equal(await exited, 0);
  });
});
