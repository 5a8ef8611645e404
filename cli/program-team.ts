/**
 * The commands of working as a team, beside program.ts's: versions and lineage, retention and gc,
 * saved queries, notes, watching events, and administration.
 */
import { Command, Option } from 'commander';
import { MAX_WINDOW_ROWS, OBJECT_KINDS } from '../protocol';
import { frameName, frameRef, identifier, integer, time } from './arguments';
import * as admin from './commands/admin';
import type { GlobalOptions } from './commands/client';
import * as objects from './commands/objects';
import * as shared from './commands/shared';
import { watch } from './commands/watch';

/** `--kind frame|query|note`: names are unique across kinds, so this only checks what a name is. */
export function kindOption(): Option {
  return new Option('--kind <kind>', 'what the name must be').choices([...OBJECT_KINDS]);
}

const AUDIT_ACTIONS = ['read', 'save', 'share', 'unshare', 'delete', 'remove-version', 'retention', 'gc', 'refused', 'user', 'kick', 'cancel', 'shutdown'];

export function addTeamCommands(program: Command, globals: (command: Command) => GlobalOptions): void {
  program
    .command('versions')
    .description('list the versions of a frame, query or note: author, time, rows, size, how each was made, whether its data is kept')
    .argument('<name>', 'name', frameName)
    .addOption(kindOption())
    .action((name: string, options: objects.KindOption, command: Command) => objects.versions(globals(command), name, options));

  program
    .command('lineage')
    .description('show how a version was made, back to its sources (files, uploads): each version it read, indented')
    .argument('<name>', 'name, or NAME@N (default: the latest version)', frameRef)
    .addOption(kindOption())
    .action((name: string, options: objects.KindOption, command: Command) => objects.lineage(globals(command), name, options));

  program
    .command('retention')
    .description("show or set how many versions of a frame keep their data (its owner or an admin); without options, shows it")
    .argument('<name>', 'frame name', frameName)
    .option('--keep <n>', 'keep the data of the last N versions', integer('--keep', 1, 1_000_000))
    .option('--default', "follow the gateway's --keep-versions again")
    .action((name: string, options: { keep?: number; default?: boolean }, command: Command) => objects.retention(globals(command), name, options));

  program
    .command('gc')
    .description('drop the data of versions retention no longer keeps (your frames; every frame for admins); their records stay')
    .option('--dry-run', 'only say what would be dropped', false)
    .action((options: { dryRun: boolean }, command: Command) => objects.gc(globals(command), options));

  const query = program.command('query').description('saved queries: SQL shared like frames, run again against the latest versions (or the ones it pins)');
  query
    .command('save')
    .description('save SQL as a query (checked now, without running it), or a new version of one with --replace')
    .argument('<name>', 'query name', frameName)
    .argument('[sql]', 'the SQL (or -f FILE); "sales@3" pins a version')
    .option('-f, --file <file>', 'read the SQL from a file (- for stdin)')
    .option('--description <text>', 'what it is for', '')
    .option('--replace', 'add a new version of an existing query', false)
    .action((name: string, sql: string | undefined, options: shared.QuerySaveOptions, command: Command) => shared.querySave(globals(command), name, sql, options));
  query
    .command('run')
    .description('run a saved query as you (your access decides what it may read); show its rows or save them')
    .argument('<name>', 'query name (NAME@N for a version)', frameRef)
    .option('--save <name>', 'save the result as a frame (its lineage names the query)', frameName)
    .option('--replace', 'with --save: add a new version of an existing frame', false)
    .option('-n, --rows <n>', 'rows to show', integer('-n', 1, MAX_WINDOW_ROWS), 20)
    .action((name: string, options: shared.QueryRunOptions, command: Command) => shared.queryRun(globals(command), name, options));
  query
    .command('ls')
    .description('list the saved queries you can see')
    .action((_options: object, command: Command) => shared.queryList(globals(command)));
  query
    .command('show')
    .description('show a saved query: its SQL, description, columns and pinned versions')
    .argument('<name>', 'query name (NAME@N for a version)', frameRef)
    .action((name: string, _options: object, command: Command) => shared.queryShow(globals(command), name));

  const note = program.command('note').description('notes: Markdown on a frame (seen by whoever sees the frame) or standing alone (shared like frames)');
  note
    .command('add')
    .description('add a note to a frame')
    .argument('<frame>', 'the frame it is about', frameName)
    .argument('[text]', 'Markdown (or -f FILE)')
    .option('-f, --file <file>', 'read the text from a file (- for stdin)')
    .option('--as <name>', 'its name (default: FRAME_noteN in your namespace)', frameName)
    .action((frame: string, text: string | undefined, options: { file?: string; as?: string }, command: Command) => shared.noteAdd(globals(command), frame, text, options));
  note
    .command('save')
    .description('save a note standing alone (or --on a frame), or a new version of a note with --replace')
    .argument('<name>', 'note name', frameName)
    .argument('[text]', 'Markdown (or -f FILE)')
    .option('-f, --file <file>', 'read the text from a file (- for stdin)')
    .option('--on <frame>', 'attach it to a frame', frameName)
    .option('--replace', 'add a new version of an existing note', false)
    .action((name: string, text: string | undefined, options: { file?: string; on?: string; replace: boolean }, command: Command) =>
      shared.noteSave(globals(command), name, text, options),
    );
  note
    .command('show')
    .description('show a note')
    .argument('<name>', 'note name (NAME@N for a version)', frameRef)
    .action((name: string, _options: object, command: Command) => shared.noteShow(globals(command), name));
  program
    .command('notes')
    .description('show the notes on a frame, oldest first; without a frame, list every note you can see')
    .argument('[frame]', 'frame name', frameName)
    .action((frame: string | undefined, _options: object, command: Command) => shared.notes(globals(command), frame));

  program
    .command('watch')
    .description('print live events about what you can see (saves, shares, notes, queries, deletions, shutdown) until interrupted')
    .action((_options: object, command: Command) => watch(globals(command)));

  const adminCommand = program.command('admin').description('administration (admins): sessions, kick, cancel, audit, storage');
  adminCommand
    .command('sessions')
    .description('who is connected, from where, since when, running what')
    .action((_options: object, command: Command) => admin.sessions(globals(command)));
  adminCommand
    .command('kick')
    .description('disconnect a session (it is told who did it)')
    .argument('<session>', 'session id, e.g. s12 (admin sessions)')
    .action((session: string, _options: object, command: Command) => admin.kick(globals(command), session));
  adminCommand
    .command('cancel')
    .description('cancel a running request: interrupts what its session runs')
    .argument('<query>', 'request id, e.g. q34 (admin sessions)')
    .action((query: string, _options: object, command: Command) => admin.cancel(globals(command), query));
  adminCommand
    .command('audit')
    .description('read the audit log: reads, saves, shares, deletions, refusals (the most recent, or from --since on)')
    .option('--user <user>', 'only what this user did', identifier)
    .option('--since <time>', 'from this time on: 2026-05-01, 2026-05-01T12:00:00Z, or a span ago: 30m, 2h, 7d', time('--since'))
    .option('--until <time>', 'before this time', time('--until'))
    .addOption(new Option('--action <action>', 'only this action').choices(AUDIT_ACTIONS))
    .option('--object <name>', 'only about this object (namespace.name)', frameName)
    .option('--limit <n>', 'lines at most', integer('--limit', 1, 10_000), 1000)
    .action((options: admin.AuditOptions, command: Command) => admin.audit(globals(command), options));
  adminCommand
    .command('storage')
    .description('storage per user: the frame versions each saved that still have their data, and their limits')
    .action((_options: object, command: Command) => admin.storage(globals(command)));
}
