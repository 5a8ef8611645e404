/**
 * The `framegate` command line: `serve` runs a gateway; every other command is a client of one,
 * speaking the same protocol as the VS Code extension.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_URL, FileFormat, FRAME_NAME_PATTERN, MAX_WINDOW_ROWS } from '../protocol';
import { DEFAULT_DATA_DIR, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_QUERY_TIMEOUT_MS } from '../server/config';
import { GATEWAY_VERSION } from '../server/version';
import * as commands from './commands';
import { describeError, ExitCodes } from './errors';

export interface GlobalOptions {
  url: string;
  user?: string;
  json: boolean;
}

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** Frame names are checked here so a typo is a usage error, not a round trip to the gateway. */
function frameName(value: string): string {
  if (!FRAME_NAME_PATTERN.test(value)) {
    throw new InvalidArgumentError('a frame name is an identifier (letters, digits, _), optionally prefixed by a namespace: "sales" or "alice.sales"');
  }
  return value;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const JSON_HELP = `
Output: tables for people by default. With --json every command prints exactly one JSON
document, on one line, on stdout:
  ls -> {"frames":[FrameInfo…]}      schema/load/put/sql --save -> FrameInfo
  head -> {"name","rowCount","offset","columns":[{name,type}],"rows":[{col:value}]}
  sql -> {"sql","rowCount","offset","columns":[{name,type}],"rows":[{col:value}]}
  get -> {"name","path","format","rows","bytes"}   rm -> {"deleted"}   shutdown -> {"stopping":true}
64-bit integers beyond 2^53 and decimals are strings; dates and timestamps are ISO-8601 strings.

Errors: one line on stderr, "framegate: <message> (<Kind>)". Exit codes: 0 ok, 1 the gateway
answered with an error (or another failure), 2 usage error, 3 cannot connect to the gateway.`;

export function buildProgram(): Command {
  const program = new Command('framegate');
  program
    .description('Framegate: named dataframes held once in a gateway, shared by a team.')
    .version(GATEWAY_VERSION)
    .addOption(new Option('--url <url>', 'gateway WebSocket URL').env('FRAMEGATE_URL').default(DEFAULT_URL))
    .addOption(new Option('--user <name>', 'who you are to the gateway (owner of what you save); default: your OS user').env('FRAMEGATE_USER'))
    .option('--json', 'print one JSON document on stdout (for scripts)', false)
    .addHelpText('after', JSON_HELP)
    .showHelpAfterError('(run framegate --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`framegate: ${text.replace(/^error: /, '').trimEnd()} (UsageError)\n`) });

  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  program
    .command('serve')
    .description('run a gateway in this process until shut down (logs: JSON lines on stderr)')
    .option('--host <host>', 'address to listen on', DEFAULT_HOST)
    .option('--port <port>', 'port to listen on; 0 picks a free one', integer('--port', 0, 65535), DEFAULT_PORT)
    .option('--data-dir <dir>', 'folder of the persistent catalog', DEFAULT_DATA_DIR)
    .option('--import-dir <dir>', 'folder whose files clients may load (repeatable)', collect, [])
    .option('--demo', 'seed a demo frame "sales" (1,000,000 rows) if absent', false)
    .option('--max-message-bytes <n>', 'largest single WebSocket message accepted', integer('--max-message-bytes', 1024), DEFAULT_MAX_MESSAGE_BYTES)
    .option('--max-upload-bytes <n>', 'largest upload (Arrow sent in parts), held in memory until saved', integer('--max-upload-bytes', 1024), DEFAULT_MAX_UPLOAD_BYTES)
    .option('--query-timeout-ms <ms>', 'interrupt queries running longer', integer('--query-timeout-ms', 1), DEFAULT_QUERY_TIMEOUT_MS)
    .option('--memory-limit <size>', 'engine memory cap, e.g. 4GB')
    .option('--threads <n>', 'engine worker threads', integer('--threads', 1, 1024))
    .option('--allow-origin <origin>', 'browser origin allowed to connect (repeatable); browsers are refused otherwise', collect, [])
    .addOption(new Option('--admin-token <token>', 'token required by shutdown (else shutdown only from loopback); prefer the env variable, argv is visible to other users').env('FRAMEGATE_ADMIN_TOKEN'))
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).env('FRAMEGATE_LOG_LEVEL').default('info'))
    .action((options: commands.ServeOptions) => commands.serve(options));

  program
    .command('info')
    .description('show the gateway version, engine and limits')
    .action((_options: object, command: Command) => commands.info(globals(command)));

  program
    .command('ls')
    .description('list frames')
    .option('--namespace <ns>', 'only frames in this namespace')
    .action((options: { namespace?: string }, command: Command) => commands.ls(globals(command), options));

  program
    .command('schema')
    .description('show a frame: columns, types, rows, owner, source')
    .argument('<name>', 'frame name', frameName)
    .action((name: string, _options: object, command: Command) => commands.schema(globals(command), name));

  program
    .command('head')
    .description('show rows of a frame')
    .argument('<name>', 'frame name', frameName)
    .option('-n, --rows <n>', 'rows to show', integer('-n', 1, MAX_WINDOW_ROWS), 10)
    .option('--offset <k>', 'skip the first k rows', integer('--offset', 0), 0)
    .option('--sort <col[:desc]>', 'sort by a column first (repeatable)', collect, [])
    .action((name: string, options: commands.HeadOptions, command: Command) => commands.head(globals(command), name, options));

  program
    .command('sql')
    .description('run a read-only SQL query over frames (frames are tables: SELECT * FROM sales)')
    .argument('<query>', 'the SQL query')
    .option('--save <name>', 'save the result as a frame instead of showing it', frameName)
    .option('--replace', 'with --save: replace an existing frame', false)
    .option('-n, --rows <n>', 'rows to show', integer('-n', 1, MAX_WINDOW_ROWS), 20)
    .action((query: string, options: commands.SqlOptions, command: Command) => commands.sql(globals(command), query, options));

  program
    .command('load')
    .description("load a file on the gateway's machine (inside one of its import dirs) as a frame")
    .argument('<path>', "path on the gateway's machine; relative paths are inside its first import dir")
    .requiredOption('--as <name>', 'frame name', frameName)
    .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(FileFormat.options))
    .option('--replace', 'replace an existing frame', false)
    .action((path: string, options: commands.LoadOptions, command: Command) => commands.load(globals(command), path, options));

  program
    .command('put')
    .description('upload a local CSV, Parquet, JSON or Arrow file as a frame')
    .argument('<file>', 'local file (.csv, .parquet, .json, .arrow)')
    .requiredOption('--as <name>', 'frame name', frameName)
    .option('--replace', 'replace an existing frame', false)
    .action((file: string, options: commands.PutOptions, command: Command) => commands.put(globals(command), file, options));

  program
    .command('get')
    .description('download a frame to a local file')
    .argument('<name>', 'frame name', frameName)
    .requiredOption('-o, --output <file>', 'output file: .arrow, .parquet or .csv')
    .action((name: string, options: { output: string }, command: Command) => commands.get(globals(command), name, options.output));

  program
    .command('rm')
    .description('delete a frame')
    .argument('<name>', 'frame name', frameName)
    .action((name: string, _options: object, command: Command) => commands.rm(globals(command), name));

  program
    .command('shutdown')
    .description('stop the gateway (needs its admin token, or loopback when it has none)')
    .addOption(new Option('--token <token>', 'admin token').env('FRAMEGATE_ADMIN_TOKEN'))
    .action((options: { token?: string }, command: Command) => commands.shutdown(globals(command), options.token));

  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return ExitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; they already printed what they had to.
      return error.exitCode === 0 ? ExitCodes.ok : ExitCodes.usage;
    }
    const { line, exitCode } = describeError(error);
    process.stderr.write(`${line}\n`);
    return exitCode;
  }
}
