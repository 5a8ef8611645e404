/**
 * Commands for objects of every kind (frames, queries, notes): versions, lineage, rm, share,
 * unshare, publish, retention, gc.
 */
import { Methods, type Grantee, type ObjectKind } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { UsageError } from '../errors';
import { lineageText, versionsText } from '../render-objects';
import { formatSize } from '../units';
import { withClient, type GlobalOptions } from './client';

/** `--kind` narrows a name to one kind (names are unique across kinds: it is a check). */
export interface KindOption {
  kind?: ObjectKind;
}

export function versions(globals: GlobalOptions, name: string, options: KindOption): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.versions, { name, ...(options.kind ? { kind: options.kind } : {}) });
    output.result(result, () => versionsText(output, result));
  });
}

export function lineage(globals: GlobalOptions, name: string, options: KindOption): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.lineage, { name, ...(options.kind ? { kind: options.kind } : {}) });
    output.result(result, () => lineageText(result.root));
  });
}

/** `rm NAME` deletes the object; `rm NAME@N` removes that version. */
export function rm(globals: GlobalOptions, name: string, options: KindOption): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.deleteObject, { name, ...(options.kind ? { kind: options.kind } : {}) });
    output.result(result, () =>
      result.version === undefined ? `deleted ${result.kind} ${result.deleted}` : `removed version ${result.version} of ${result.deleted} (its record stays, for lineage)`,
    );
  });
}

/**
 * Whom `--with` names: `team`, `user:NAME`, `group:NAME`, or a bare NAME, which is a user or a
 * group (the gateway keeps the two kinds of names apart).
 */
export async function resolveGrantee(client: GatewayClient, text: string): Promise<Grantee> {
  const match = /^(user|group):(.+)$/.exec(text);
  if (text === 'team') return { kind: 'team' };
  if (match) return { kind: match[1] as 'user' | 'group', name: match[2]! };
  const { users, groups } = await client.request(Methods.listUsers, {});
  const lower = text.toLowerCase();
  if (users.some((u) => u.name === lower)) return { kind: 'user', name: lower };
  if (groups.some((g) => g.name === lower)) return { kind: 'group', name: lower };
  throw new UsageError(`no user or group named ${text} (framegate user ls, framegate group ls)`);
}

function granteeText(grantee: Grantee): string {
  return grantee.kind === 'team' ? 'the team' : `${grantee.kind} ${grantee.name}`;
}

export function share(globals: GlobalOptions, name: string, options: KindOption & { with: string; write: boolean }): Promise<void> {
  return withClient(globals, async (client, output) => {
    const grantee = await resolveGrantee(client, options.with);
    const info = await client.request(Methods.shareObject, { name, with: grantee, write: options.write, ...(options.kind ? { kind: options.kind } : {}) });
    output.result(info, () => `shared ${info.kind} ${info.name} with ${granteeText(grantee)}${options.write ? ' (read and write)' : ' (read only)'}`);
  });
}

export function unshare(globals: GlobalOptions, name: string, options: KindOption & { with: string }): Promise<void> {
  return withClient(globals, async (client, output) => {
    const grantee = await resolveGrantee(client, options.with);
    const info = await client.request(Methods.unshareObject, { name, with: grantee, ...(options.kind ? { kind: options.kind } : {}) });
    output.result(info, () => `${info.kind} ${info.name} is no longer shared with ${granteeText(grantee)}`);
  });
}

export function publish(globals: GlobalOptions, name: string, options: KindOption): Promise<void> {
  return withClient(globals, async (client, output) => {
    const info = await client.request(Methods.shareObject, { name, with: { kind: 'team' }, write: false, ...(options.kind ? { kind: options.kind } : {}) });
    output.result(info, () => `published ${info.kind} ${info.name} to the team`);
  });
}

export function retention(globals: GlobalOptions, name: string, options: { keep?: number; default?: boolean }): Promise<void> {
  if (options.keep !== undefined && options.default) throw new UsageError('give --keep N or --default, not both');
  const keep = options.default ? null : options.keep;
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.retention, { name, ...(keep !== undefined ? { keep } : {}) });
    output.result(result, () => {
      const what = result.keep === null ? 'keeps the data of every version' : `keeps the data of its last ${result.keep} versions`;
      const whose = result.keepIsOwn ? 'its own setting' : "the gateway's setting";
      const when = keep !== undefined ? '; older versions lose their data at its next save or at framegate gc' : '';
      return `${result.name} ${what} (${whose})${when}`;
    });
  });
}

export function gc(globals: GlobalOptions, options: { dryRun: boolean }): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.gc, { dryRun: options.dryRun });
    output.result(result, () => {
      if (result.dropped.length === 0) return 'nothing to reclaim: every version with data is kept by retention, lineage or a pinned query';
      const verb = result.dryRun ? 'would drop' : 'dropped';
      const lines = result.dropped.map((d) => `  ${d.name}@${d.version}  ${formatSize(d.bytes)}`);
      return `${verb} the data of ${result.dropped.length} version${result.dropped.length === 1 ? '' : 's'} (${formatSize(result.bytes)}); their records stay:\n${lines.join('\n')}`;
    });
  });
}
