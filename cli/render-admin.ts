/** How the CLI shows administration to people: sessions, the audit log, storage per user. */
import type { AuditEntry, SessionInfo, StorageResult } from '../protocol';
import type { Output } from './output';
import { shortTime } from './render-objects';
import { formatSize } from './units';

export function sessionsText(out: Output, sessions: SessionInfo[]): string {
  if (sessions.length === 0) return 'nobody is connected';
  return out.table(
    ['session', 'user', 'from', 'since (UTC)', 'running', 'events queued'],
    sessions.map((s) => [
      s.id,
      s.user,
      s.remoteAddress ?? '',
      shortTime(s.connectedAt),
      s.running.map((r) => `${r.id} ${r.method}${r.what ? `: ${r.what.length > 60 ? `${r.what.slice(0, 59)}…` : r.what}` : ''}`).join('\n'),
      String(s.queuedEvents),
    ]),
    [false, false, false, false, false, true],
  );
}

function detailText(detail: Record<string, unknown> | undefined): string {
  if (!detail) return '';
  return Object.entries(detail)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

export function auditText(out: Output, entries: AuditEntry[], more: boolean): string {
  if (entries.length === 0) return 'no audit lines match';
  const table = out.table(
    ['at (UTC)', 'user', 'action', 'object', 'detail', 'from'],
    entries.map((e) => [
      shortTime(e.at),
      e.user ?? '(no valid token)',
      e.action,
      e.object ? `${e.kind && e.kind !== 'frame' ? `${e.kind} ` : ''}${e.object}${e.version !== undefined ? `@${e.version}` : ''}` : '',
      detailText(e.detail),
      e.remoteAddress ?? '',
    ]),
  );
  return more ? `${table}\n(more lines match: narrow with --user, --action, --object, --since or --until, or raise --limit)` : table;
}

export function storageText(out: Output, result: StorageResult): string {
  const table = out.table(
    ['user', 'used', 'versions', 'limit'],
    result.users.map((u) => [u.user, formatSize(u.usedBytes), String(u.versions), u.limitBytes === null ? 'none' : formatSize(u.limitBytes)]),
    [false, true, true, true],
  );
  return `${table}\ntotal: ${formatSize(result.totalBytes)}`;
}
