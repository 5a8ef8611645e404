/**
 * Administration for admins, over the Ui: Sessions… lists who is connected and what each runs,
 * then cancels one of its requests or disconnects it (kick); Storage shows every user's storage
 * against their limit. The gateway refuses both to anyone else; the commands say so first.
 */
import { Methods, type SessionInfo, type StorageResult } from '../protocol';
import type { CommandContext } from './commands';
import { formatBytes, shortTime } from './units';

function requireAdmin(ctx: CommandContext): boolean {
  ctx.connection.requireClient();
  if (ctx.connection.me?.admin) return true;
  ctx.ui.error('Framegate: only an admin may see the sessions and storage of the gateway.');
  return false;
}

function sessionItem(session: SessionInfo) {
  const running = session.running.length === 0 ? 'idle' : session.running.map((r) => r.what ?? r.method).join('; ');
  return {
    label: session.user,
    description: `${session.id} · since ${shortTime(session.connectedAt)}${session.remoteAddress ? ` · ${session.remoteAddress}` : ''}`,
    detail: `${session.running.length} running: ${running}${session.queuedEvents > 0 ? ` · ${session.queuedEvents} events queued` : ''}`,
    session,
  };
}

type SessionAction = { kind: 'cancel'; query: string } | { kind: 'kick' };

/** Sessions…: pick a session, then cancel what it runs or disconnect it. Returns what was done. */
export async function manageSessions(ctx: CommandContext): Promise<string | undefined> {
  if (!requireAdmin(ctx)) return undefined;
  const client = ctx.connection.requireClient();
  const { sessions } = await client.request(Methods.sessions, {});
  const me = ctx.connection.me!;
  const items = sessions.map(sessionItem).sort((a, b) => a.session.user.localeCompare(b.session.user) || a.session.id.localeCompare(b.session.id));
  const picked = await ctx.ui.pickOne(items, { title: `Framegate: ${sessions.length} ${sessions.length === 1 ? 'session' : 'sessions'} connected`, placeHolder: 'A session to cancel what it runs or disconnect it' });
  if (!picked) return undefined;
  const { session } = picked;
  const actions: Array<{ label: string; description?: string; action: SessionAction }> = [
    ...session.running.map((r) => ({ label: `Cancel ${r.method}`, description: `${r.what ?? ''} (since ${shortTime(r.startedAt)})`, action: { kind: 'cancel', query: r.id } as const })),
    { label: `Disconnect ${session.user}`, description: 'they may reconnect; revoke their token to keep them out', action: { kind: 'kick' } },
  ];
  const chosen = await ctx.ui.pickOne(actions, { title: `Framegate: ${session.user} (${session.id})` });
  if (!chosen) return undefined;
  if (chosen.action.kind === 'cancel') {
    const cancelled = await client.request(Methods.cancel, { query: chosen.action.query });
    ctx.log.info('admin.cancelled', { query: cancelled.cancelled, session: cancelled.session, by: me.user });
    ctx.ui.info(`Cancelled ${cancelled.cancelled} of ${cancelled.user}: they are told you cancelled it.`);
    return `cancelled ${cancelled.cancelled}`;
  }
  if (!(await ctx.ui.confirm(`Disconnect ${session.user} (${session.id})? What it runs is cancelled.`, 'Disconnect'))) return undefined;
  const kicked = await client.request(Methods.kick, { session: session.id });
  ctx.log.info('admin.kicked', { session: kicked.kicked, user: kicked.user, by: me.user });
  ctx.ui.info(`Disconnected ${kicked.user} (${kicked.kicked}).`);
  return `kicked ${kicked.kicked}`;
}

/** Storage per user, largest first, as a Markdown table. */
export function storageMarkdown(storage: StorageResult): string {
  const rows = [...storage.users]
    .sort((a, b) => b.usedBytes - a.usedBytes || a.user.localeCompare(b.user))
    .map((u) => {
      const share = u.limitBytes ? ` (${Math.round((100 * u.usedBytes) / u.limitBytes)}%)` : '';
      return `| ${u.user} | ${formatBytes(u.usedBytes)}${share} | ${u.versions} | ${u.limitBytes === null ? 'none' : formatBytes(u.limitBytes)} |`;
    });
  return ['# Framegate storage', '', `Total: ${formatBytes(storage.totalBytes)}`, '', '| user | used | versions | limit |', '| --- | ---: | ---: | ---: |', ...rows, ''].join('\n');
}

/** Storage: every user's storage, as a document. */
export async function showStorage(ctx: CommandContext, open: (markdown: string) => Promise<void>): Promise<string | undefined> {
  if (!requireAdmin(ctx)) return undefined;
  const text = storageMarkdown(await ctx.connection.requireClient().request(Methods.storage, {}));
  await open(text);
  return text;
}
