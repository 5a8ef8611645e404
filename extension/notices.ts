/**
 * What the user is told of live events and of the gateway closing the connection: one pop-up per
 * piece of news that concerns them, in their terms, with the buttons that act on it. Plain data;
 * live-events.ts shows them.
 *
 * Who hears what (the tree updates for every event, whatever is popped up):
 * - nothing of what you did yourself, nor of what the mute setting silences (mutes.ts);
 * - nothing of objects you see only because you are an admin;
 * - published objects, new versions and new objects (notes on frames you read, queries, frames in
 *   the team namespace) with what they are; shares that reach you (you, or a group of yours);
 *   a share taken back that leaves you nothing; deletions;
 * - the gateway's shutdown, always, with its deadline.
 */
import type { GatewayEvent, Grantee, ObjectInfo, ObjectKind, WhoAmIResult } from '../protocol';
import { CloseCodes } from '../rpc/channel';
import { gatewayLabel } from './config';
import { muteCandidates, mutingRule, type MuteRule } from './mutes';
import { compactRows } from './units';

/** What a pop-up's button does. */
export type NoticeAction =
  | { kind: 'preview'; name: string }
  | { kind: 'showNote'; name: string }
  | { kind: 'openQuery'; name: string }
  | { kind: 'runQuery'; name: string }
  /** Offers these mute patterns (mutes.ts) and adds the one chosen to the setting. */
  | { kind: 'mute'; patterns: string[] }
  | { kind: 'reconnect' };

export interface NoticeButton {
  label: string;
  action: NoticeAction;
}

export interface Notice {
  level: 'info' | 'warning';
  text: string;
  buttons: NoticeButton[];
}

export interface NoticeContext {
  me: WhoAmIResult;
  mutes: readonly MuteRule[];
  /** The object as the gateway describes it to you after the event (undefined: you cannot see it). */
  info?: ObjectInfo;
  /** The object as the tree knew it before the event (for an admin: whether they saw it only as one). */
  known?: ObjectInfo;
  now: Date;
}

/** `sales` in your own namespace, the full name (what SQL needs) everywhere else. */
export function displayName(fullName: string, me: Pick<WhoAmIResult, 'namespace'>): string {
  const prefix = `${me.namespace}.`;
  return fullName.toLowerCase().startsWith(prefix.toLowerCase()) ? fullName.slice(prefix.length) : fullName;
}

function subjectText(kind: ObjectKind, name: string): string {
  return kind === 'frame' ? name : `the ${kind} ${name}`;
}

/** ` (1.2M rows)` for a frame whose info is known. */
function sizeText(info: ObjectInfo | undefined): string {
  return info?.kind === 'frame' ? ` (${compactRows(info.rowCount)})` : '';
}

function firstLine(text: string, max = 60): string {
  const line = (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Whether the grant `to` reaches you: you by name, or one of your groups. */
export function reachesMe(to: Grantee, me: Pick<WhoAmIResult, 'user' | 'groups'>): boolean {
  if (to.kind === 'team') return true;
  if (to.kind === 'user') return to.name.toLowerCase() === me.user.toLowerCase();
  return me.groups.some((g) => g.toLowerCase() === to.name.toLowerCase());
}

function openButtons(kind: ObjectKind, name: string): NoticeButton[] {
  switch (kind) {
    case 'frame':
      return [{ label: 'Preview', action: { kind: 'preview', name } }];
    case 'note':
      return [{ label: 'Show Note', action: { kind: 'showNote', name } }];
    case 'query':
      return [
        { label: 'Open Query', action: { kind: 'openQuery', name } },
        { label: 'Run Query', action: { kind: 'runQuery', name } },
      ];
    case 'chart':
      // Charts open from the CLI and the gateway (charts/open); the extension has no chart tab of its own yet.
      return [];
  }
}

/** Whether the notice for `event` needs the object's info from the gateway first (rows, whether it is yours to hear). */
export function needsInfo(event: GatewayEvent, me: Pick<WhoAmIResult, 'user'>): boolean {
  if (event.by.toLowerCase() === me.user.toLowerCase()) return false;
  return event.type === 'object.created' || event.type === 'object.version' || event.type === 'object.published' || event.type === 'object.shared';
}

function seconds(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}

/** The gateway's shutdown: when it closes, in the clock of the user and as a countdown. */
export function shutdownNotice(event: Extract<GatewayEvent, { type: 'gateway.shutdown' }>, now: Date): Notice {
  const deadline = new Date(event.deadline);
  const clock = deadline.toLocaleTimeString('en-US', { hour12: false });
  return {
    level: 'warning',
    text: `Framegate: the gateway is shutting down (${event.by}): it takes no new work, and what still runs is cancelled and connections close at ${clock} (in ${seconds(now, deadline)} s).`,
    buttons: [],
  };
}

/** The pop-up for `event`, or undefined when it is not news for you (see the module comment). */
export function eventNotice(event: GatewayEvent, ctx: NoticeContext): Notice | undefined {
  if (event.type === 'gateway.shutdown') return shutdownNotice(event, ctx.now);
  if (event.by.toLowerCase() === ctx.me.user.toLowerCase() || mutingRule(event, ctx.mutes)) return undefined;
  const { kind, name: fullName } = event.object;
  const name = displayName(fullName, ctx.me);
  const what = subjectText(kind, name);
  const mute: NoticeButton = { label: 'Mute…', action: { kind: 'mute', patterns: muteCandidates(event) } };
  const notice = (text: string, buttons: NoticeButton[] = []): Notice => ({ level: 'info', text: `${event.by} ${text}`, buttons: [...buttons, mute] });
  // What an admin sees only by being one: the admin hears of everything, so of none of that by
  // pop-up. (Anyone else is sent only events about what they may read.)
  if (ctx.me.admin && (ctx.info ?? ctx.known ?? { scope: 'admin' }).scope === 'admin') return undefined;
  switch (event.type) {
    case 'object.created': {
      if (!ctx.info) return undefined;
      if (kind === 'note') {
        const on = event.attachedTo ? ` on ${displayName(event.attachedTo, ctx.me)}` : ` ${name}`;
        const text = ctx.info.kind === 'note' ? `: “${firstLine(ctx.info.text)}”` : '';
        return notice(`added a note${on}${text}`, openButtons(kind, fullName));
      }
      return notice(`saved ${kind === 'query' ? `the query ${name}` : `the new frame ${name}`}${sizeText(ctx.info)}`, openButtons(kind, fullName));
    }
    case 'object.version':
      if (!ctx.info) return undefined;
      return notice(`saved v${event.version} of ${what}${sizeText(ctx.info)}`, openButtons(kind, fullName));
    case 'object.published':
      if (!ctx.info) return undefined;
      return notice(`published ${what}${sizeText(ctx.info)}`, openButtons(kind, fullName));
    case 'object.shared': {
      if (!ctx.info || !reachesMe(event.to, ctx.me)) return undefined;
      const whom = event.to.kind === 'group' ? `your group ${event.to.name}` : 'you';
      return notice(`shared ${what} with ${whom} (${event.write ? 'read & write' : 'read only'})${sizeText(ctx.info)}`, openButtons(kind, fullName));
    }
    case 'object.unshared':
      if (event.access !== 'none') return undefined;
      return notice(`stopped sharing ${what} with you`);
    case 'object.deleted':
      return notice(`deleted ${what}`);
    case 'version.removed':
      return undefined;
  }
}

/**
 * What the user is told when the gateway closed the connection with a code of its own, or
 * undefined for the codes other parts handle (4001 asks for a sign-in; a lost connection says so).
 */
export function closeNotice(code: number, reason: string, url: string): Notice | undefined {
  const where = gatewayLabel(url);
  switch (code) {
    case CloseCodes.kicked:
      return {
        level: 'warning',
        text: `Framegate: ${reason || 'an admin disconnected you'} (${where}). Not reconnecting by itself; reconnect when you are ready.`,
        buttons: [{ label: 'Reconnect', action: { kind: 'reconnect' } }],
      };
    case CloseCodes.slowConsumer:
      return {
        level: 'info',
        text: `Framegate: ${where} disconnected this window because it fell behind on live updates; reconnecting and listing everything again.`,
        buttons: [],
      };
    default:
      return undefined;
  }
}
