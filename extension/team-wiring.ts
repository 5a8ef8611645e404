/**
 * Wiring of "working as a team": live events as pop-ups (live-events.ts) with their buttons, notes
 * as documents, and the commands for queries, notes, lineage, versions and administration. Only
 * wiring; the logic lives in modules without `vscode`.
 */
import * as vscode from 'vscode';
import * as admin from './admin-commands';
import type { CommandContext } from './commands';
import type { ConnectionManager } from './connection';
import type { FramesTreeProvider } from './frames-tree';
import type { GridPanels } from './grid-panels';
import { LiveEvents, muteFromNotice, type Notifier } from './live-events';
import type { Logger } from './log';
import { parseMutes } from './mutes';
import { NOTE_SCHEME, NoteFileSystem, noteUri } from './note-documents';
import type { NoticeAction } from './notices';
import * as objects from './object-actions';
import { vscodeUi } from './vscode-ui';

export interface TeamWiring {
  context: vscode.ExtensionContext;
  connection: ConnectionManager;
  tree: FramesTreeProvider;
  grids: GridPanels;
  ctx: CommandContext;
  log: Logger;
  /** Registers a command whose failures are reported (main.ts). */
  register(id: string, body: (...args: unknown[]) => Promise<unknown>): void;
  /** SQL in the active editor (selection, or a whole .sql document). */
  editorSql(): string | undefined;
}

const notifier: Notifier = {
  show: (level, text, buttons) => (level === 'warning' ? vscode.window.showWarningMessage(text, ...buttons) : vscode.window.showInformationMessage(text, ...buttons)),
};

const documents: objects.Documents = {
  async openText(content, language) {
    const document = await vscode.workspace.openTextDocument({ content, language });
    await vscode.window.showTextDocument(document, { preview: false });
  },
  async openNote(name) {
    const document = await vscode.workspace.openTextDocument(noteUri(name));
    await vscode.window.showTextDocument(document, { preview: false });
  },
};

const MUTE_SETTING = 'notifications.mute';

function muteSetting() {
  return {
    get: () => vscode.workspace.getConfiguration('framegate').get<unknown>(MUTE_SETTING),
    set: (value: string[]) => vscode.workspace.getConfiguration('framegate').update(MUTE_SETTING, value, vscode.ConfigurationTarget.Global),
  };
}

/** Sets it all up; returns the live events (tests wait on `settled()`). */
export function wireTeam(wiring: TeamWiring): LiveEvents {
  const { context, connection, tree, grids, ctx, log } = wiring;
  const register = (id: string, body: (...args: unknown[]) => Promise<unknown>): void => wiring.register(id, body);
  const objectCtx: objects.ObjectActionContext = { ...ctx, documents };
  const notes = new NoteFileSystem(() => connection.requireClient(), log);

  const act = async (action: NoticeAction): Promise<void> => {
    switch (action.kind) {
      case 'preview':
        await vscode.commands.executeCommand('framegate.preview', action.name);
        return;
      case 'showNote':
        await vscode.commands.executeCommand('framegate.showNote', action.name);
        return;
      case 'openQuery':
        await vscode.commands.executeCommand('framegate.openQuery', action.name);
        return;
      case 'runQuery':
        await vscode.commands.executeCommand('framegate.runQuery', action.name);
        return;
      case 'mute':
        await muteFromNotice(vscodeUi, muteSetting(), action.patterns);
        return;
      case 'reconnect':
        await vscode.commands.executeCommand('framegate.reconnect');
        return;
    }
  };

  let warnedInvalid = '';
  const mutes = () => {
    const { rules, invalid } = parseMutes(muteSetting().get());
    const text = invalid.join(', ');
    if (text !== '' && text !== warnedInvalid) log.warn('mutes.invalid', { invalid });
    warnedInvalid = text;
    return rules;
  };

  const live = new LiveEvents({
    connection,
    tree,
    grids: {
      applyEvent: async (event) => {
        if ('object' in event && event.object.kind === 'note') notes.noteChanged(event.object.name);
        return grids.applyEvent(event);
      },
    },
    notifier,
    mutes,
    act,
    log,
  });

  register('framegate.openQuery', (arg) => objects.openQuery(objectCtx, arg));
  register('framegate.runQuery', (arg) => objects.runQuery(objectCtx, arg));
  // With SQL (and a name) as arguments (scripts, tests) it asks only what is missing; else it
  // offers the editor's SQL, or that of the result shown, to edit first.
  register('framegate.saveQuery', (sql, name) =>
    objects.saveQuery(objectCtx, {
      ...(typeof sql === 'string' ? { sql } : { prefill: wiring.editorSql() ?? ctx.grids.activeResult()?.sql }),
      ...(typeof name === 'string' ? { name } : {}),
    }),
  );
  register('framegate.addNote', (arg, text) => objects.addNote(objectCtx, arg, typeof text === 'string' ? text : undefined));
  register('framegate.showNote', (arg) => objects.showNote(objectCtx, arg));
  register('framegate.showLineage', (arg) => objects.showLineage(objectCtx, arg));
  register('framegate.removeVersion', (arg) => objects.removeVersion(objectCtx, arg));
  register('framegate.adminSessions', () => admin.manageSessions(ctx));
  register('framegate.adminStorage', () => admin.showStorage(ctx, (text) => documents.openText(text, 'markdown')));

  const setAdmin = (): void => void vscode.commands.executeCommand('setContext', 'framegate.admin', connection.me?.admin === true);
  context.subscriptions.push(
    vscode.workspace.registerFileSystemProvider(NOTE_SCHEME, notes, { isCaseSensitive: false }),
    live,
    connection.onDidChangeState(setAdmin),
  );
  return live;
}
