/**
 * The `framegate` command line: `serve` runs a gateway; every other command is a client of one,
 * speaking the same protocol as the VS Code extension.
 */
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_URL, MAX_WINDOW_ROWS } from '../protocol';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_EVENT_QUEUE_LIMIT,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_QUERIES,
  DEFAULT_MAX_QUERIES_PER_USER,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_QUERY_TIMEOUT_MS,
  DEFAULT_UPLOAD_IDLE_TIMEOUT_MS,
} from '../server/config';
import { GATEWAY_VERSION } from '../server/version';
import { collect, frameName, frameRef, identifier, integer, size, sizeOrDefault, sparkDatabase, sparkRemote } from './arguments';
import type { GlobalOptions } from './commands/client';
import * as frames from './commands/frames';
import * as gateway from './commands/gateway';
import * as identity from './commands/identity';
import * as objects from './commands/objects';
import { describeError, ExitCodes } from './errors';
import { addTeamCommands, kindOption } from './program-team';
import { applyConfigFile } from './serve-config';

const JSON_HELP = `
Names: a frame (or query, or note) is namespace.name (your own namespace is your user name;
"main" is the team's); one name is one object, whatever its kind. A bare name reads your own, else
the team's, else the one shared with you; it saves into your own namespace. NAME is the latest
version, NAME@3 version 3. In SQL: SELECT * FROM alice.sales, and a version as "alice.sales@3" or
alice.sales AT (VERSION => 3).

Who you are: --token, else FRAMEGATE_TOKEN, else the token saved for the URL by "framegate login"
(or by a gateway started on this machine, for its first admin).

Output: tables for people by default. With --json every command prints exactly one JSON
document, on one line, on stdout:
  ls -> {"frames":[FrameInfo…]}      schema/load/put/sql --save/share/unshare/publish -> FrameInfo
  head -> {"name","rowCount","offset","columns":[{name,type}],"rows":[{col:value}]}
  sql -> {"sql","rowCount","offset","columns":[{name,type}],"rows":[{col:value}]}
  get -> {"name","path","format","rows","bytes"}   rm -> {"deleted","kind"[,"version"]}
  versions -> {"name","kind","versions":[…],"keep"}   lineage -> {"root":{…,"reads":[…]}}
  query ls -> {"queries"}   notes -> {"notes"}   query show/note show -> QueryInfo/NoteInfo
  shutdown -> {"stopping","deadline","graceSeconds"}   admin sessions -> {"sessions"}
  admin audit -> {"entries","more"}   admin storage -> {"users","totalBytes"}
  user add -> {"user","token"}   user ls -> {"users","groups"}   token rotate -> {"user","token"}
  watch -> one JSON event per line, until interrupted (the one command that prints several)
64-bit integers beyond 2^53 and decimals are strings; dates and timestamps are ISO-8601 strings.

Errors: one line on stderr, "framegate: <message> (<Kind>)". Exit codes: 0 ok, 1 the gateway
answered with an error (or another failure), 2 usage error, 3 cannot connect to the gateway,
4 the gateway refused your token (none, wrong or revoked: framegate login).`;

export function buildProgram(): Command {
  const program = new Command('framegate');
  program
    .description('Framegate: named dataframes held once in a gateway, shared by a team.')
    .version(GATEWAY_VERSION)
    .addOption(new Option('--url <url>', 'gateway WebSocket URL').env('FRAMEGATE_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', 'your token (default: the one saved for the URL); prefer the env variable, argv is visible to other users').env('FRAMEGATE_TOKEN'))
    .addOption(new Option('--ca <file>', 'PEM certificates to trust for a wss:// gateway with its own CA').env('FRAMEGATE_CA'))
    .option('--json', 'print one JSON document on stdout (for scripts)', false)
    .addHelpText('after', JSON_HELP)
    .showHelpAfterError('(run framegate --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`framegate: ${text.replace(/^error: /, '').trimEnd().replace(/\s*\n\s*/g, ' ')} (UsageError)\n`) });

  const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

  program
    .command('serve')
    .description('run a gateway in this process until shut down (logs: JSON lines on stderr)')
    .option('--host <host>', 'address to listen on (beyond loopback needs TLS)', DEFAULT_HOST)
    .option('--port <port>', 'port to listen on; 0 picks a free one', integer('--port', 0, 65535), DEFAULT_PORT)
    .option('--data-dir <dir>', 'folder of the catalog and the data', DEFAULT_DATA_DIR)
    .option('--import-dir <dir>', 'folder whose files clients may load (repeatable)', collect, [])
    .option('--demo', 'seed a demo frame main.sales (1,000,000 rows) if absent', false)
    .addOption(new Option('--engine <engine>', 'what holds the data').choices(['duckdb', 'spark']).default('duckdb'))
    .option('--spark-remote <url>', 'the Spark Connect server of --engine spark: sc://HOST:PORT', sparkRemote)
    .option('--spark-database <name>', 'prefix of the Spark databases the gateway keeps (one gateway per prefix)', sparkDatabase)
    .option('--config <file>', 'a JSON file of serve options, keys as the flags without dashes ({"engine": "spark", …}); flags override it')
    .option('--tls-cert <file>', 'PEM certificate: serve wss://')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--insecure', 'allow a non-loopback --host without TLS (tokens cross the network in clear)', false)
    .option('--max-message-bytes <n>', 'largest single WebSocket message accepted', integer('--max-message-bytes', 1024), DEFAULT_MAX_MESSAGE_BYTES)
    .option('--max-upload-bytes <n>', 'largest upload (Arrow sent in parts), held in memory until saved', integer('--max-upload-bytes', 1024), DEFAULT_MAX_UPLOAD_BYTES)
    .option('--query-timeout-ms <ms>', 'answer every query within this (waiting its turn included), interrupting it if need be', integer('--query-timeout-ms', 1), DEFAULT_QUERY_TIMEOUT_MS)
    .option('--memory-limit <size>', 'memory budget for everything the gateway holds, engine included, e.g. 4GB or 512MiB (default: half the machine\'s memory)')
    .option('--max-queries <n>', 'heavy requests (queries, saves, loads, uploads) running at once', integer('--max-queries', 1, 1024), DEFAULT_MAX_QUERIES)
    .option('--max-queries-per-user <n>', 'heavy requests of one user running at once; up to 8 more wait their turn', integer('--max-queries-per-user', 1, 1024), DEFAULT_MAX_QUERIES_PER_USER)
    .option('--upload-idle-timeout-ms <ms>', 'drop an upload that gets no part (or is not saved) for this long', integer('--upload-idle-timeout-ms', 100), DEFAULT_UPLOAD_IDLE_TIMEOUT_MS)
    .option('--threads <n>', 'engine worker threads', integer('--threads', 1, 1024))
    .option('--allow-origin <origin>', 'browser origin allowed to connect (repeatable); browsers are refused otherwise', collect, [])
    .option('--keep-versions <n>', 'versions per frame that keep their data (frames may say otherwise); default: all', integer('--keep-versions', 1))
    .option('--storage-limit <size>', 'storage per user, e.g. 10GB (users may have their own); default: none', size('--storage-limit'))
    .option('--event-queue <n>', 'events that may wait for one client before it is disconnected as not reading', integer('--event-queue', 1), DEFAULT_EVENT_QUEUE_LIMIT)
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).env('FRAMEGATE_LOG_LEVEL').default('info'))
    .option('--check', 'check the data dir (as framegate doctor) and exit: 0 whole, 1 problems', false)
    .hook('preAction', (command) => {
      const file = command.opts<{ config?: string }>().config;
      if (file) applyConfigFile(command, file);
    })
    .action((options: gateway.ServeOptions) => gateway.serve(options));

  program
    .command('doctor')
    .description('check a data dir without changing it: catalog and frame data agree, nothing is missing (exit 1 on problems)')
    .requiredOption('--data-dir <dir>', 'the data dir to check (stop its gateway first)')
    .action((options: { dataDir: string }, command: Command) => gateway.doctor(options.dataDir, globals(command).json));

  program
    .command('info')
    .description('show the gateway version, engine and limits')
    .action((_options: object, command: Command) => gateway.info(globals(command)));

  program
    .command('login')
    .description('save a token an admin gave you for a gateway (asked for, or read from stdin)')
    .argument('[url]', 'gateway URL (default: --url)')
    .action((url: string | undefined, _options: object, command: Command) => identity.login(globals(command), url));

  program
    .command('logout')
    .description('forget the token saved for a gateway')
    .argument('[url]', 'gateway URL (default: --url)')
    .action((url: string | undefined, _options: object, command: Command) => identity.logout(globals(command), url));

  program
    .command('whoami')
    .description('who the gateway says you are: user, admin, groups, namespaces')
    .action((_options: object, command: Command) => identity.whoami(globals(command)));

  program
    .command('ls')
    .description('list the frames you can see: yours, shared with you, team-wide; with their sizes')
    .option('--namespace <ns>', 'only frames in this namespace', identifier)
    .action((options: { namespace?: string }, command: Command) => frames.ls(globals(command), options));

  program
    .command('schema')
    .description('show a frame: columns, types, rows, owner, version, sharing, source')
    .argument('<name>', 'frame name (NAME@N for a version)', frameRef)
    .action((name: string, _options: object, command: Command) => frames.schema(globals(command), name));

  program
    .command('head')
    .description('show rows of a frame')
    .argument('<name>', 'frame name (NAME@N for a version)', frameRef)
    .option('-n, --rows <n>', 'rows to show', integer('-n', 1, MAX_WINDOW_ROWS), 10)
    .option('--offset <k>', 'skip the first k rows', integer('--offset', 0), 0)
    .option('--sort <col[:desc]>', 'sort by a column first (repeatable)', collect, [])
    .action((name: string, options: frames.HeadOptions, command: Command) => frames.head(globals(command), name, options));

  program
    .command('sql')
    .description('run a read-only SQL query over frames (frames are tables: SELECT * FROM alice.sales)')
    .argument('[query]', 'the SQL query (or -f FILE)')
    .option('-f, --file <file>', 'read the query from a file (- for stdin)')
    .option('--save <name>', 'save the result as a frame instead of showing it', frameName)
    .option('--replace', 'with --save: add a new version of an existing frame', false)
    .option('-n, --rows <n>', 'rows to show', integer('-n', 1, MAX_WINDOW_ROWS), 20)
    .action((query: string | undefined, options: frames.SqlOptions, command: Command) => frames.sql(globals(command), query, options));

  program
    .command('load')
    .description("load a file on the gateway's machine (inside one of its import dirs) as a frame")
    .argument('<path>', "path on the gateway's machine; relative paths are inside its first import dir")
    .requiredOption('--as <name>', 'frame name', frameName)
    .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'parquet', 'json']))
    .option('--replace', 'add a new version of an existing frame', false)
    .action((path: string, options: frames.LoadOptions, command: Command) => frames.load(globals(command), path, options));

  program
    .command('put')
    .description('upload a local CSV, Parquet, JSON or Arrow file as a frame')
    .argument('<file>', 'local file (.csv, .parquet, .json, .arrow)')
    .requiredOption('--as <name>', 'frame name', frameName)
    .option('--replace', 'add a new version of an existing frame', false)
    .action((file: string, options: frames.PutOptions, command: Command) => frames.put(globals(command), file, options));

  program
    .command('get')
    .description('download a frame to a local file')
    .argument('<name>', 'frame name (NAME@N for a version)', frameRef)
    .requiredOption('-o, --output <file>', 'output file: .arrow, .parquet or .csv')
    .action((name: string, options: { output: string }, command: Command) => frames.get(globals(command), name, options.output));

  program
    .command('rm')
    .description('delete a frame, query or note (its owner or an admin); NAME@N removes that version only (not the latest)')
    .argument('<name>', 'name, or NAME@N for one version', frameRef)
    .addOption(kindOption())
    .action((name: string, options: objects.KindOption, command: Command) => objects.rm(globals(command), name, options));

  program
    .command('share')
    .description('share a frame, query or note with a user, a group or the whole team (its owner or an admin)')
    .argument('<name>', 'name', frameName)
    .requiredOption('--with <who>', 'a user, a group, or "team" (user:NAME / group:NAME when it must be said)')
    .option('--write', 'they may also save new versions of it', false)
    .addOption(kindOption())
    .action((name: string, options: objects.KindOption & { with: string; write: boolean }, command: Command) => objects.share(globals(command), name, options));

  program
    .command('unshare')
    .description('stop sharing a frame, query or note with a user, a group or the team')
    .argument('<name>', 'name', frameName)
    .requiredOption('--with <who>', 'a user, a group, or "team"')
    .addOption(kindOption())
    .action((name: string, options: objects.KindOption & { with: string }, command: Command) => objects.unshare(globals(command), name, options));

  program
    .command('publish')
    .description('share a frame, query or note with the whole team (read only)')
    .argument('<name>', 'name', frameName)
    .addOption(kindOption())
    .action((name: string, options: objects.KindOption, command: Command) => objects.publish(globals(command), name, options));

  const user = program.command('user').description('users of the gateway (admins manage them)');
  user
    .command('add')
    .description('add a user and print their token, once')
    .argument('<name>', 'user name (also their namespace)', identifier)
    .option('--admin', 'they manage users, groups and every frame', false)
    .option('--team-writer', 'they may save frames in the team namespace', false)
    .action((name: string, options: { admin: boolean; teamWriter: boolean }, command: Command) => identity.userAdd(globals(command), name, options));
  user
    .command('ls')
    .description('list users and their groups')
    .action((_options: object, command: Command) => identity.userList(globals(command)));
  user
    .command('rm')
    .description('remove a user: their token stops working, their frames stay')
    .argument('<name>', 'user name', identifier)
    .action((name: string, _options: object, command: Command) => identity.userRemove(globals(command), name));
  user
    .command('set')
    .description("change a user's rights")
    .argument('<name>', 'user name', identifier)
    .option('--admin', 'make them an admin')
    .option('--no-admin', 'make them not an admin')
    .option('--team-writer', 'let them save in the team namespace')
    .option('--no-team-writer', 'stop them saving in the team namespace')
    .option('--storage-limit <size>', 'their own storage limit (e.g. 20GB), or "default" for the gateway\'s', sizeOrDefault('--storage-limit'))
    .action((name: string, options: { admin?: boolean; teamWriter?: boolean; storageLimit?: number | null }, command: Command) => identity.userSet(globals(command), name, options));

  program
    .command('token')
    .description('tokens')
    .command('rotate')
    .description('a new token for you (saved, replacing the old) or, for admins, for another user')
    .argument('[name]', 'user name (default: you)', identifier)
    .action((name: string | undefined, _options: object, command: Command) => identity.tokenRotate(globals(command), name));

  const group = program.command('group').description('groups of users, to share with (admins manage them)');
  group
    .command('add')
    .description('create a group, or add members to it')
    .argument('<name>', 'group name', identifier)
    .argument('[users...]', 'members to add', (value: string, previous: string[] = []) => [...previous, identifier(value)])
    .action((name: string, users: string[] | undefined, _options: object, command: Command) => identity.groupAdd(globals(command), name, users ?? []));
  group
    .command('rm')
    .description('take members out of a group, or remove the group when none are named')
    .argument('<name>', 'group name', identifier)
    .argument('[users...]', 'members to take out')
    .action((name: string, users: string[] | undefined, _options: object, command: Command) => identity.groupRemove(globals(command), name, users ?? []));
  group
    .command('ls')
    .description('list groups and their members')
    .action((_options: object, command: Command) => identity.groupList(globals(command)));

  program
    .command('shutdown')
    .description('stop the gateway gracefully (admins): every client is told, no new work is taken, running work may finish until the deadline')
    .option('--grace <seconds>', 'how long running work may finish before it is cancelled (default 30)', integer('--grace', 0, 3600))
    .action((options: { grace?: number }, command: Command) => gateway.shutdown(globals(command), options));

  addTeamCommands(program, globals);

  const override = (command: Command) => {
    command.exitOverride().configureOutput(program.configureOutput());
    command.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

/** Runs the CLI; resolves to the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return ExitCodes.ok;
  } catch (error) {
    if (error instanceof gateway.ExitWith) return error.exitCode;
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; they already printed what they had to.
      return error.exitCode === 0 ? ExitCodes.ok : ExitCodes.usage;
    }
    const { line, exitCode } = describeError(error);
    process.stderr.write(`${line}\n`);
    return exitCode;
  }
}
