/**
 * The `framegate` bin end to end: `node dist/cli.js serve` as the gateway, and each client command
 * spawned as its own process against it. Needs `npm run build` first.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { CLI_PATH, makeTempDir, removeDir, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { testEngine } from '../support/test-engine';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command with --json, expects success and one JSON document on stdout. */
async function json<T>(args: string[], env: Record<string, string>, input?: string): Promise<T> {
  const run = await cli(['--json', ...args], env, input);
  assert.equal(run.code, 0, `framegate ${args.join(' ')} failed: ${run.stderr}`);
  assert.equal(run.stdout.trim().split('\n').length, 1, 'one JSON document on one line');
  return JSON.parse(run.stdout) as T;
}

const PEOPLE_CSV = 'name,age,city\nAda,36,London\nLinus,28,Helsinki\nGrace,45,New York\n';

describe('framegate CLI against a real gateway', () => {
  let gateway: GatewayProcess;
  let work: string;
  let importDir: string;
  /** The admin, found through the credentials the gateway saved in its config dir. */
  let admin: Record<string, string>;
  /** dora, a user the admin added, by FRAMEGATE_TOKEN (and a config dir of her own, empty). */
  let env: Record<string, string>;
  let doraToken: string;

  before(async () => {
    work = makeTempDir('framegate-cli-work-');
    importDir = makeTempDir('framegate-cli-import-');
    gateway = await startGatewayProcess({ args: ['--import-dir', importDir] });
    admin = { FRAMEGATE_URL: gateway.url, FRAMEGATE_CONFIG_DIR: gateway.configDir };
    doraToken = (await json<{ user: string; token: string }>(['user', 'add', 'dora'], admin)).token;
    env = { FRAMEGATE_URL: gateway.url, FRAMEGATE_TOKEN: doraToken, FRAMEGATE_CONFIG_DIR: makeTempDir('framegate-cli-dora-') };
  });
  after(async () => {
    await gateway.stop();
    for (const dir of [gateway.dataDir, gateway.configDir, work, importDir, env.FRAMEGATE_CONFIG_DIR!]) removeDir(dir);
  });

  test('ls on an empty gateway, as a table and as JSON', async () => {
    const table = await cli(['ls'], env);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /no frames you can see/);
    assert.deepEqual(await json(['ls'], env), { frames: [] });
  });

  test('put a CSV, then schema and head show it', async () => {
    const csv = join(work, 'people.csv');
    writeFileSync(csv, PEOPLE_CSV);
    const put = await cli(['put', csv, '--as', 'people'], env);
    assert.equal(put.code, 0, put.stderr);
    assert.match(put.stdout, /uploaded dora\.people: 3 rows, 3 columns/);

    const schema = await json<{ name: string; owner: string; rowCount: number; columns: Array<{ name: string; type: string }> }>(['schema', 'people'], env);
    assert.equal(schema.owner, 'dora');
    assert.equal(schema.rowCount, 3);
    assert.deepEqual(
      schema.columns.map((c) => c.name),
      ['name', 'age', 'city'],
    );
    const schemaTable = await cli(['schema', 'people'], env);
    assert.match(schemaTable.stdout, /│ age\s+│ BIGINT|│ age\s+│ INTEGER/);

    const head = await json<{ rowCount: number; rows: Array<Record<string, unknown>> }>(['head', 'people', '-n', '2', '--sort', 'age:desc'], env);
    assert.equal(head.rowCount, 3);
    assert.deepEqual(head.rows, [
      { name: 'Grace', age: 45, city: 'New York' },
      { name: 'Ada', age: 36, city: 'London' },
    ]);
    const headTable = await cli(['head', 'people', '--offset', '1', '--sort', 'name'], env);
    assert.equal(headTable.code, 0);
    assert.match(headTable.stdout, /Grace/);
    assert.doesNotMatch(headTable.stdout, /Ada/);
    assert.match(headTable.stdout, /rows 2–3 of 3/);
  });

  test('sql shows rows, and --save saves them as a frame', async () => {
    const rows = await json<{ rowCount: number; rows: unknown[] }>(['sql', 'SELECT city, age * 2 AS double_age FROM people WHERE age > 30 ORDER BY age'], env);
    assert.equal(rows.rowCount, 2);
    assert.deepEqual(rows.rows, [
      { city: 'London', double_age: 72 },
      { city: 'New York', double_age: 90 },
    ]);
    const limited = await cli(['sql', 'SELECT * FROM range(100) t(i)', '-n', '5'], env);
    assert.equal(limited.code, 0, limited.stderr);
    assert.match(limited.stdout, /rows 1–5 of 100/);

    const saved = await json<{ name: string; rowCount: number; owner: string }>(['sql', 'SELECT name FROM people WHERE city = \'London\'', '--save', 'londoners'], env);
    assert.deepEqual([saved.name, saved.rowCount, saved.owner], ['dora.londoners', 1, 'dora']);
    const again = await cli(['sql', 'SELECT 1', '--save', 'dora.londoners'], env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^framegate: .*\(FrameExists\)\n$/);
    const replaced = await cli(['sql', 'SELECT 1 AS one', '--save', 'dora.londoners', '--replace'], env);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, /saved dora\.londoners: 1 rows, 1 columns, \d+ bytes \(version 2/);
  });

  test('load a file from the gateway import dir', async () => {
    writeFileSync(join(importDir, 'scores.csv'), 'player,score\nx,10\ny,20\n');
    const loaded = await cli(['load', 'scores.csv', '--as', 'scores', '--format', 'csv'], env);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, /loaded dora\.scores: 2 rows/);
    const refused = await cli(['load', '/etc/hostname', '--as', 'host'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /\(FileRefused\)/);
  });

  test('put/get round trip through CSV, Parquet and Arrow files', async () => {
    const parquet = join(work, 'people.parquet');
    const got = await json<{ rows: number; format: string; path: string }>(['get', 'people', '-o', parquet], env);
    assert.deepEqual([got.rows, got.format, got.path], [3, 'parquet', parquet]);
    assert.equal(readFileSync(parquet).subarray(0, 4).toString(), 'PAR1');

    const putParquet = await cli(['put', parquet, '--as', 'people_pq'], env);
    assert.equal(putParquet.code, 0, putParquet.stderr);
    const csvOut = join(work, 'people-out.csv');
    const getCsv = await cli(['get', 'people_pq', '-o', csvOut], env);
    assert.equal(getCsv.code, 0, getCsv.stderr);
    assert.match(getCsv.stdout, /wrote 3 rows of people_pq/);
    const lines = readFileSync(csvOut, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'name,age,city');
    assert.deepEqual(lines.slice(1).sort(), ['Ada,36,London', 'Grace,45,New York', 'Linus,28,Helsinki']);

    const arrowOut = join(work, 'people.arrow');
    assert.equal((await cli(['get', 'people', '-o', arrowOut], env)).code, 0);
    const table = tableFromIPC(readFileSync(arrowOut));
    assert.equal(table.numRows, 3);
    const names = Array.from({ length: table.numRows }, (_, i) => String(table.getChild('name')?.get(i)));
    assert.deepEqual(names.sort(), ['Ada', 'Grace', 'Linus']);
    const putArrow = await cli(['put', arrowOut, '--as', 'people_arrow', '--json'], env);
    assert.equal(putArrow.code, 0, putArrow.stderr);
    assert.equal((JSON.parse(putArrow.stdout) as { rowCount: number }).rowCount, 3);
  });

  test('ls lists what was made; info shows the gateway', async () => {
    const { frames } = await json<{ frames: Array<{ name: string }> }>(['ls'], env);
    for (const name of ['dora.people', 'dora.londoners', 'dora.scores', 'dora.people_pq', 'dora.people_arrow']) {
      assert.ok(frames.some((f) => f.name === name), `${name} listed`);
    }
    const table = await cli(['ls'], env);
    assert.match(table.stdout, /^Mine\n/);
    assert.match(table.stdout, /dora\.people_pq/);
    const info = await cli(['info'], env);
    assert.equal(info.code, 0);
    assert.match(info.stdout, new RegExp(`engine: ${testEngine()} `));
  });

  test('rm deletes; then the frame is not found (exit 1, error on stderr)', async () => {
    assert.deepEqual(await json(['rm', 'people_arrow'], env), { deleted: 'dora.people_arrow', kind: 'frame' });
    const missing = await cli(['schema', 'people_arrow'], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^framegate: .*people_arrow.*\(FrameNotFound\)\n$/);
  });

  test('gateway errors exit 1: invalid SQL, refused SQL', async () => {
    const invalid = await cli(['sql', 'SELEKT 1'], env);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /\(InvalidSql\)/);
    const refused = await cli(['sql', 'DROP TABLE people'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /\(SqlRefused\)/);
  });

  test('usage errors exit 2', async () => {
    const cases = [
      ['bogus'],
      ['head'],
      ['head', 'people', '-n', 'many'],
      ['head', 'bad name!'],
      ['get', 'people', '-o', join(work, 'x.txt')],
      ['get', 'people', '-o', join(work, 'no-dir', 'x.csv')],
      ['put', 'x.csv'],
      ['put', join(work, 'missing.csv'), '--as', 'm'],
      ['load', 'x.csv', '--as', 'x', '--format', 'xml'],
      ['sql', 'SELECT 1', '--replace'],
    ];
    const runs = await Promise.all(cases.map((args) => cli(args, env)));
    runs.forEach((run, i) => {
      assert.equal(run.code, 2, `framegate ${cases[i]?.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^framegate: .*\(UsageError\)/);
      assert.equal(run.stdout, '');
    });
  });

  test('a local file that cannot be read exits 1 with the reason', async () => {
    const odd = join(work, 'data.xyz');
    writeFileSync(odd, 'a,b\n1,2\n');
    const run = await cli(['put', odd, '--as', 'odd'], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^framegate: cannot read .*data\.xyz: .*format.*\(LocalFileError\)\n$/);
  });

  test('sql -f reads the query from a file, or from stdin with -f -', async () => {
    const file = join(work, 'query.sql');
    writeFileSync(file, '-- ages\nSELECT max(age) AS oldest\nFROM people\n');
    assert.deepEqual((await json<{ rows: unknown[] }>(['sql', '-f', file], env)).rows, [{ oldest: 45 }]);
    assert.deepEqual((await json<{ rows: unknown[] }>(['sql', '-f', '-'], env, 'SELECT min(age) AS youngest FROM people')).rows, [{ youngest: 28 }]);
    for (const args of [['sql'], ['sql', 'SELECT 1', '-f', file], ['sql', '-f', join(work, 'missing.sql')]]) {
      const run = await cli(args, env);
      assert.notEqual(run.code, 0, args.join(' '));
      assert.match(run.stderr, /^framegate: /);
    }
  });

  test('users, groups and sharing from the command line; ls shows mine, shared with me and team', async () => {
    const eveToken = (await json<{ token: string }>(['user', 'add', 'eve'], admin)).token;
    const eve = { ...env, FRAMEGATE_TOKEN: eveToken };
    assert.equal((await cli(['head', 'dora.people'], eve)).code, 1, 'private until shared');
    assert.match((await cli(['share', 'people', '--with', 'eve'], env)).stdout, /shared frame dora\.people with user eve \(read only\)/);
    const shared = await json<{ rows: unknown[] }>(['head', 'dora.people', '-n', '1'], eve);
    assert.equal(shared.rows.length, 1);
    const eveLs = await cli(['ls'], eve);
    assert.match(eveLs.stdout, /Shared with me[\s\S]*dora\.people[\s\S]*│ dora\s+│ dora\s+│ read/);
    assert.equal((await cli(['rm', 'dora.people'], eve)).code, 1, 'only the owner deletes');
    assert.equal((await cli(['unshare', 'people', '--with', 'user:eve'], env)).code, 0);
    assert.match((await cli(['head', 'dora.people'], eve)).stderr, /\(FrameNotFound\)/);

    const group = await json<{ name: string; members: string[] }>(['group', 'add', 'readers', 'eve'], admin);
    assert.deepEqual(group, { name: 'readers', members: ['eve'] });
    assert.match((await cli(['group', 'ls'], admin)).stdout, /readers\s+│ eve/);
    assert.equal((await cli(['share', 'people', '--with', 'readers', '--write'], env)).code, 0);
    assert.equal((await json<{ version: number }>(['sql', 'SELECT * FROM dora.people', '--save', 'dora.people', '--replace'], eve)).version, 2);
    assert.equal((await cli(['group', 'rm', 'readers'], admin)).code, 0);
    assert.equal((await cli(['head', 'dora.people'], eve)).code, 1, 'the group went, and its share with it');

    assert.match((await cli(['publish', 'scores'], env)).stdout, /published frame dora\.scores to the team/);
    assert.match((await cli(['ls'], eve)).stdout, /Team[\s\S]*dora\.scores/);
    assert.equal((await cli(['share', 'scores', '--with', 'nobody_here'], env)).code, 2);
    const users = await json<{ users: Array<{ name: string; admin: boolean }> }>(['user', 'ls'], eve);
    assert.deepEqual(users.users.map((u) => u.name), ['admin', 'dora', 'eve']);
    assert.equal((await cli(['user', 'add', 'mallory'], eve)).code, 1, 'only admins add users');
  });

  test('login saves a token for the URL (from stdin), logout forgets it; a wrong or rotated token exits 4', async () => {
    const token = (await json<{ token: string }>(['user', 'add', 'finn'], admin)).token;
    const home = { FRAMEGATE_URL: gateway.url, FRAMEGATE_CONFIG_DIR: makeTempDir('framegate-cli-finn-') };
    try {
      const refused = await cli(['ls'], home);
      assert.equal(refused.code, 4);
      assert.match(refused.stderr, /needs a token: run "framegate login URL"/);
      const login = await json<{ user: string; saved: string }>(['login'], home, `${token}\n`);
      assert.equal(login.user, 'finn');
      assert.equal((await cli(['whoami'], home)).stdout.split('\n')[0], `finn at ${gateway.url}`);
      assert.equal((await cli(['login'], home, 'fgt_0000000000000000_' + 'x'.repeat(43))).code, 4, 'a wrong token is not saved');
      const rotated = await json<{ token: string; saved: string }>(['token', 'rotate'], home);
      assert.notEqual(rotated.token, token);
      assert.equal((await cli(['ls'], home)).code, 0, 'the rotated token was saved over the old one');
      assert.equal((await cli(['ls'], { ...home, FRAMEGATE_TOKEN: token })).code, 4, 'the old one is dead');
      assert.deepEqual(await json(['logout'], home), { url: gateway.url, removed: true });
      assert.equal((await cli(['ls'], home)).code, 4);
    } finally {
      removeDir(home.FRAMEGATE_CONFIG_DIR);
    }
  });

  test('no gateway at the URL exits 3', async () => {
    const run = await cli(['ls', '--url', 'ws://127.0.0.1:1'], env);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^framegate: cannot connect .*\(CannotConnect\)/);
  });

  test('shutdown is for admins; then the gateway exits 0', async () => {
    const refused = await cli(['shutdown'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /\(Forbidden\)/);
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)));
    const ok = await json<{ stopping: boolean; graceSeconds: number; deadline: string }>(['shutdown', '--grace', '5'], admin);
    assert.deepEqual([ok.stopping, ok.graceSeconds], [true, 5]);
    assert.ok(Date.parse(ok.deadline) > Date.now() - 1000, 'the deadline is when running work gets cancelled');
    assert.equal(await exited, 0);
    assert.ok(gateway.log.some((line) => line.includes('"event":"stopped"')));
  });
});

test('serve rejects bad flags with exit 2', async () => {
  const dir = makeTempDir('framegate-cli-serve-');
  try {
    const run = await cli(['serve', '--port', '70000', '--data-dir', dir]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--port must be a whole number from 0 to 65535/);
  } finally {
    removeDir(dir);
  }
});

test('serve stops cleanly on SIGTERM: exit 0 after the "stopped" log line', async () => {
  const gateway = await startGatewayProcess();
  try {
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)));
    await gateway.stop();
    assert.equal(await exited, 0);
    assert.ok(gateway.log.some((line) => line.includes('"event":"stopped"')));
  } finally {
    removeDir(gateway.dataDir);
    removeDir(gateway.configDir);
  }
});

test('serve announces where it listens even when the log level hides info lines', async () => {
  // startGatewayProcess waits for the "listening" line: without it this times out.
  const gateway = await startGatewayProcess({ args: ['--log-level', 'warn'], timeoutMs: 20_000 });
  try {
    assert.match(gateway.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const infoLines = gateway.log.filter((line) => line.includes('"level":30,'));
    assert.deepEqual(infoLines.map((line) => (JSON.parse(line) as { event: string }).event), ['listening'], 'other info lines stay hidden');
  } finally {
    await gateway.stop();
    removeDir(gateway.dataDir);
    removeDir(gateway.configDir);
  }
});

test('serve refuses a non-loopback host without TLS (exit 1, with the reason)', async () => {
  const dir = makeTempDir('framegate-cli-serve-');
  try {
    const run = await cli(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dir]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /without TLS/);
  } finally {
    removeDir(dir);
  }
});
