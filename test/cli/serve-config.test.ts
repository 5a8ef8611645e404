/**
 * `framegate serve --config FILE`: the options the serve command would run with (its action
 * replaced, the real option definitions and parsers kept), and once through the real bin.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Methods } from '../../protocol';
import { buildProgram } from '../../cli/program';
import type { ServeOptions } from '../../cli/commands/gateway';
import { makeTempDir, removeDir, startGatewayProcess } from '../support/gateway-process';

async function parseServe(args: string[]): Promise<ServeOptions> {
  const program = buildProgram();
  const serve = program.commands.find((c) => c.name() === 'serve')!;
  let captured: ServeOptions | undefined;
  serve.action((options: ServeOptions) => {
    captured = options;
  });
  await program.parseAsync(['node', 'framegate', 'serve', ...args]);
  assert.ok(captured, 'the serve action ran');
  return captured;
}

function configFile(dir: string, content: unknown): string {
  const file = join(dir, 'framegate.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('serve --config', () => {
  test('takes serve options from the file: flags, numbers, lists, paths relative to the file', async () => {
    const dir = makeTempDir('framegate-config-');
    try {
      const file = configFile(dir, {
        engine: 'spark',
        'spark-remote': 'sc://spark.example:15002',
        'spark-database': 'team_a',
        port: 9000,
        'data-dir': 'data',
        'import-dir': ['imports', '/srv/shared'],
        demo: true,
        'query-timeout-ms': '5000',
      });
      const options = await parseServe(['--config', file]);
      assert.equal(options.engine, 'spark');
      assert.equal(options.sparkRemote, 'sc://spark.example:15002');
      assert.equal(options.sparkDatabase, 'team_a');
      assert.equal(options.port, 9000);
      assert.equal(options.dataDir, join(dir, 'data'));
      assert.deepEqual(options.importDir, [join(dir, 'imports'), '/srv/shared']);
      assert.equal(options.demo, true);
      assert.equal(options.queryTimeoutMs, 5000);
      assert.equal(options.host, '127.0.0.1', 'what the file leaves out keeps its default');
    } finally {
      removeDir(dir);
    }
  });

  test('flags on the command line and environment variables win over the file', async () => {
    const dir = makeTempDir('framegate-config-');
    const saved = process.env.FRAMEGATE_LOG_LEVEL;
    try {
      const file = configFile(dir, { port: 9000, 'import-dir': ['a', 'b'], engine: 'spark', 'spark-remote': 'sc://x:1', 'log-level': 'debug' });
      process.env.FRAMEGATE_LOG_LEVEL = 'warn';
      const options = await parseServe(['--port', '9100', '--config', file, '--import-dir', '/only', '--engine', 'duckdb']);
      assert.equal(options.port, 9100);
      assert.deepEqual(options.importDir, ['/only']);
      assert.equal(options.engine, 'duckdb');
      assert.equal(options.sparkRemote, 'sc://x:1');
      assert.equal(options.logLevel, 'warn');
    } finally {
      if (saved === undefined) delete process.env.FRAMEGATE_LOG_LEVEL;
      else process.env.FRAMEGATE_LOG_LEVEL = saved;
      removeDir(dir);
    }
  });

  test('bad files and values are usage errors that say what is wrong and where', async () => {
    const dir = makeTempDir('framegate-config-');
    try {
      const cases: [unknown, RegExp][] = [
        [{ port: 70000 }, /"port" in .*framegate\.json: --port must be a whole number from 0 to 65535/],
        [{ prot: 1 }, /unknown option "prot" in .*; serve takes: host, port, data-dir/],
        [{ engine: 'mysql' }, /"engine" in .* must be one of duckdb, spark/],
        [{ demo: 'yes' }, /"demo" in .* must be true or false/],
        [{ 'import-dir': [{ path: 'x' }] }, /"import-dir" in .* must be a string or a number/],
        [{ 'spark-remote': 'http://spark:15002' }, /--spark-remote is a Spark Connect address: sc:\/\/HOST:PORT/],
        [{ config: 'other.json' }, /unknown option "config"/],
        ['{"port": 1,', /is not valid JSON/],
        ['[1, 2]', /must hold one JSON object of serve options/],
      ];
      for (const [content, message] of cases) {
        const file = configFile(dir, content);
        await assert.rejects(parseServe(['--config', file]), (error: Error) => error.name === 'UsageError' && message.test(error.message), JSON.stringify(content));
      }
      await assert.rejects(parseServe(['--config', join(dir, 'missing.json')]), /cannot read the config file .*missing\.json/);
    } finally {
      removeDir(dir);
    }
  });

  test('the real bin runs with the file: its import dirs and limits, the data dir from the command line', async () => {
    const dir = makeTempDir('framegate-config-');
    mkdirSync(join(dir, 'imports'));
    const file = configFile(dir, { 'import-dir': ['imports'], 'query-timeout-ms': 4321, 'max-message-bytes': 2_000_000, 'data-dir': 'ignored' });
    const gateway = await startGatewayProcess({ args: ['--config', file] });
    try {
      const client = await gateway.connect();
      try {
        const info = await client.request(Methods.info, {});
        assert.deepEqual(info.importDirs, [realpathSync(join(dir, 'imports'))]);
        assert.equal(info.queryTimeoutMs, 4321);
        assert.equal(info.maxMessageBytes, 2_000_000);
      } finally {
        client.close();
      }
      assert.ok(gateway.log.some((line) => line.includes('"listening"') && line.includes(JSON.stringify(gateway.dataDir))), 'the data dir is the one given on the command line');
    } finally {
      await gateway.stop();
      removeDir(gateway.dataDir);
      removeDir(gateway.configDir);
      removeDir(dir);
    }
  });
});
