/**
 * Share…, Unshare…, Publish and Delete for every kind of object (frames, saved queries, notes),
 * through `objects/*`, over the Ui so tests drive them without VS Code. The object is the one a
 * tree item or argument names, or one the user picks among those they manage.
 */
import { Methods, type Grantee, type ObjectInfo, type ObjectKind, type WhoAmIResult } from '../protocol';
import type { CommandContext } from './commands';
import { accessPickItems, grantText, sameGrantee, sharedMessage, sharePickItems, unsharedMessage, unsharePickItems } from './sharing';
import type { TreeNode } from './tree-nodes';
import { formatBytes } from './units';

export interface ObjectRef {
  name: string;
  kind?: ObjectKind;
}

/** The object a command argument names: a name, a tree item (or its node), a column's frame, or a version (`NAME@N`). */
export function objectRefOf(arg: unknown): ObjectRef | undefined {
  if (typeof arg === 'string' && arg !== '') return { name: arg };
  if (typeof arg !== 'object' || arg === null) return undefined;
  const node = (arg as { node?: TreeNode }).node ?? (arg as TreeNode);
  switch (node.kind) {
    case 'frame':
      return { name: node.frame.name, kind: 'frame' };
    case 'query':
      return { name: node.query.name, kind: 'query' };
    case 'note':
      return { name: node.note.name, kind: 'note' };
    case 'column':
      return { name: node.frame, kind: 'frame' };
    case 'versions':
      return { name: node.frame.name, kind: 'frame' };
    case 'version':
      return { name: `${node.frame.name}@${node.version.version}`, kind: 'frame' };
    default:
      return undefined;
  }
}

/** `alice.totals`, `the query alice.big`, `the note alice.howto`. */
export function objectText(object: Pick<ObjectInfo, 'kind' | 'name'>): string {
  return object.kind === 'frame' ? object.name : `the ${object.kind} ${object.name}`;
}

/** A Quick Pick line about an object: rows, version, owner. */
export function objectPickDescription(object: ObjectInfo): string {
  const what = object.kind === 'frame' ? `${object.rowCount.toLocaleString('en-US')} rows · v${object.version}` : `${object.kind} · v${object.version}`;
  return `${what} · ${object.owner}`;
}

export interface PickObjectOptions {
  /** Only objects the caller may share, unshare and delete; `verb` names what for messages. */
  manage?: { verb: string };
  /** Only objects of these kinds. */
  kinds?: readonly ObjectKind[];
}

function notManageable(object: ObjectInfo, verb: string): string | undefined {
  return object.canManage ? undefined : `Framegate: only the owner of ${object.name} (${object.owner}) or an admin may ${verb} it.`;
}

/** The object a command works on: the one `arg` names, or one the user picks (full names). */
export async function pickObject(ctx: CommandContext, title: string, arg: unknown, options: PickObjectOptions = {}): Promise<ObjectInfo | undefined> {
  const client = ctx.connection.requireClient();
  const ref = objectRefOf(arg);
  if (ref !== undefined) {
    const object = await client.request(Methods.getObject, ref.kind ? { name: ref.name, kind: ref.kind } : { name: ref.name });
    const refused = options.manage && notManageable(object, options.manage.verb);
    if (refused) {
      ctx.ui.error(refused);
      return undefined;
    }
    return object;
  }
  const { objects } = await client.request(Methods.listObjects, {});
  const candidates = objects.filter((o) => (!options.manage || o.canManage) && (!options.kinds || options.kinds.includes(o.kind)));
  const kinds = options.kinds?.length === 1 ? `${options.kinds[0]}s` : 'frames, queries or notes';
  if (candidates.length === 0) {
    ctx.ui.info(options.manage ? `You have no ${kinds} you may ${options.manage.verb}.` : `The gateway has no ${kinds} you can see yet.`);
    return undefined;
  }
  const items = candidates
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((object) => ({ label: object.name, description: objectPickDescription(object), object }));
  return (await ctx.ui.pickOne(items, { title, placeHolder: options.kinds?.length === 1 ? `Choose a ${options.kinds[0]}` : 'Choose a frame, query or note' }))?.object;
}

/** A grantee given as a command argument (scripts, tests): `{kind, name}` as in the protocol. */
function granteeOf(arg: unknown): Grantee | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const { kind, name } = arg as { kind?: unknown; name?: unknown };
  if (kind === 'team') return { kind };
  if ((kind === 'user' || kind === 'group') && typeof name === 'string' && name !== '') return { kind, name };
  return undefined;
}

function requireMe(ctx: CommandContext): WhoAmIResult {
  ctx.connection.requireClient();
  const me = ctx.connection.me;
  if (!me) throw new Error('Framegate: not signed in yet; try again once connected.');
  return me;
}

/**
 * Share…: whom (the gateway's users and groups, or the whole team), then read only or read &
 * write. With `with` and `write` given (scripts, tests) it asks nothing.
 */
export async function share(ctx: CommandContext, arg?: unknown, withArg?: unknown, writeArg?: unknown): Promise<ObjectInfo | undefined> {
  const me = requireMe(ctx);
  const object = await pickObject(ctx, 'Framegate: Share', arg, { manage: { verb: 'share' } });
  if (!object) return undefined;
  const client = ctx.connection.requireClient();
  let to = granteeOf(withArg);
  if (!to) {
    const directory = await client.request(Methods.listUsers, {});
    const items = sharePickItems(object, directory, me);
    if (items.length === 0) {
      ctx.ui.info(`There is nobody on this gateway to share ${object.name} with yet.`);
      return undefined;
    }
    const picked = await ctx.ui.pickOne(items, { title: `Share ${object.name} with…`, placeHolder: 'A colleague, a group, or the whole team' });
    if (!picked) return undefined;
    to = picked.grantee;
  }
  let write = typeof writeArg === 'boolean' ? writeArg : undefined;
  if (write === undefined) {
    const target = to;
    const access = await ctx.ui.pickOne(accessPickItems(target), { title: `What may ${grantText({ to: target, write: false }, { access: false })} do with ${object.name}?` });
    if (!access) return undefined;
    write = access.write;
  }
  const shared = await client.request(Methods.shareObject, { name: object.name, kind: object.kind, with: to, write });
  ctx.log.info('object.shared', { name: shared.name, kind: shared.kind, with: to, write });
  ctx.ui.info(sharedMessage(shared.name, to, write));
  return shared;
}

/** Unshare…: one of the object's current grants (or the one given as argument). */
export async function unshare(ctx: CommandContext, arg?: unknown, withArg?: unknown): Promise<ObjectInfo | undefined> {
  const object = await pickObject(ctx, 'Framegate: Unshare', arg, { manage: { verb: 'unshare' } });
  if (!object) return undefined;
  let to = granteeOf(withArg);
  if (!to) {
    const items = unsharePickItems(object);
    if (items.length === 0) {
      ctx.ui.info(object.published && (object.grants ?? []).length === 0 ? `${object.name} is in the team namespace: everyone reads it.` : `${object.name} is not shared with anyone.`);
      return undefined;
    }
    const picked = await ctx.ui.pickOne(items, { title: `Stop sharing ${object.name} with…` });
    if (!picked) return undefined;
    to = picked.grant.to;
  } else if (!(object.grants ?? []).some((g) => sameGrantee(g.to, to!))) {
    ctx.ui.info(`${object.name} is not shared with ${grantText({ to, write: false }, { access: false })}.`);
    return undefined;
  }
  const unshared = await ctx.connection.requireClient().request(Methods.unshareObject, { name: object.name, kind: object.kind, with: to });
  ctx.log.info('object.unshared', { name: unshared.name, kind: unshared.kind, with: to });
  ctx.ui.info(unsharedMessage(unshared.name, to));
  return unshared;
}

/** Publish: share with the whole team, read only. */
export async function publish(ctx: CommandContext, arg?: unknown): Promise<ObjectInfo | undefined> {
  const object = await pickObject(ctx, 'Framegate: Publish', arg, { manage: { verb: 'publish' } });
  if (!object) return undefined;
  if (object.published) {
    ctx.ui.info(`${object.name} is already published to the whole team.`);
    return object;
  }
  const to: Grantee = { kind: 'team' };
  const published = await ctx.connection.requireClient().request(Methods.shareObject, { name: object.name, kind: object.kind, with: to, write: false });
  ctx.log.info('object.shared', { name: published.name, kind: published.kind, with: to, write: false });
  ctx.ui.info(sharedMessage(published.name, to, false));
  return published;
}

/** The question Delete asks: what goes, and who loses it. */
export function objectDeleteConfirmation(object: ObjectInfo): string {
  const audience = object.published ? 'Everyone on the team loses it.' : (object.grants ?? []).length > 0 ? 'Everyone it is shared with loses it.' : 'All its versions go.';
  const what =
    object.kind === 'frame'
      ? `frame "${object.name}" (${object.rowCount.toLocaleString('en-US')} rows, ${formatBytes(object.storedBytes)}, owner ${object.owner})`
      : `${object.kind} "${object.name}" (${object.versionCount} ${object.versionCount === 1 ? 'version' : 'versions'}, owner ${object.owner})`;
  return `Delete ${what}? ${audience}`;
}

export async function deleteObject(ctx: CommandContext, arg?: unknown): Promise<boolean> {
  const object = await pickObject(ctx, 'Framegate: Delete', arg, { manage: { verb: 'delete' } });
  if (!object) return false;
  if (!(await ctx.ui.confirm(objectDeleteConfirmation(object), 'Delete'))) return false;
  await ctx.connection.requireClient().request(Methods.deleteObject, { name: object.name, kind: object.kind });
  ctx.log.info('object.deleted', { name: object.name, kind: object.kind });
  ctx.ui.info(`Deleted ${objectText(object)}.`);
  return true;
}
