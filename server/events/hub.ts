/**
 * Who hears about what: the one place that turns a change into events and picks their audience.
 * An event goes only to sessions whose user may see its subject (before or after the change, as
 * the change says), so nobody learns of something they cannot see. Each event is serialized once
 * per variant and pushed into every recipient's bounded outbox; a slow client delays nobody.
 *
 * Also sends the older `frames/changed` notification for frames, to the audience it always had.
 */
import { performance } from 'node:perf_hooks';
import { Notifications, qualifiedName, type EventSubject, type FramesChangedNotification, type GatewayEvent, type GatewayEventBody, type Grantee } from '../../protocol';
import type { Access, Principal } from '../catalog/access';
import type { Catalog } from '../catalog/catalog';
import type { ObjectRecord } from '../catalog/records';
import type { Logger } from '../logger';

/** What the hub needs of a connected session. */
export interface EventTarget {
  readonly userId: number;
  /** Queues a serialized notification for the client; never waits. */
  pushEvent(text: string): void;
}

/** The sessions connected now. */
export interface EventTargets {
  all(): Iterable<EventTarget>;
}

/** Every session's access to one object at one moment. */
export type AccessSnapshot = Map<EventTarget, Access>;

type LegacyAction = FramesChangedNotification['action'];

const NO_ACCESS: Access = { read: false, write: false, manage: false, scope: 'admin' };

function subjectOf(object: ObjectRecord): EventSubject {
  return { kind: object.kind, name: qualifiedName(object.namespace, object.name) };
}

function level(access: Access): 'none' | 'read' | 'write' {
  return access.write ? 'write' : access.read ? 'read' : 'none';
}

export class EventHub {
  private seq = 0;

  constructor(
    private readonly targets: EventTargets,
    private readonly catalog: Catalog,
    private readonly logger: Logger,
  ) {}

  /** Every session's access to `object` now: take it before a change that may take access away. */
  snapshot(object: ObjectRecord): AccessSnapshot {
    const grants = this.catalog.grants.of(object.id);
    const principals = new Map<number, Principal | undefined>();
    const accessOf = new Map<number, Access>();
    const snapshot: AccessSnapshot = new Map();
    for (const target of this.targets.all()) {
      let access = accessOf.get(target.userId);
      if (!access) {
        if (!principals.has(target.userId)) principals.set(target.userId, this.catalog.identity.principal(target.userId));
        const principal = principals.get(target.userId);
        access = principal && object.deletedAt === null ? this.catalog.resolver.access(principal, object, grants) : NO_ACCESS;
        accessOf.set(target.userId, access);
      }
      snapshot.set(target, access);
    }
    return snapshot;
  }

  /** A new version (the first one: a new object) of `object`, saved by `by`. */
  versionAdded(object: ObjectRecord, version: number, created: boolean, by: string, legacy?: LegacyAction): void {
    const started = performance.now();
    const after = this.snapshot(object);
    const readers = [...after].filter(([, a]) => a.read).map(([t]) => t);
    const attachedTo = object.attachedTo === null ? undefined : this.catalog.objects.byId(object.attachedTo);
    const body: GatewayEventBody = created
      ? { type: 'object.created', object: subjectOf(object), version, ...(attachedTo ? { attachedTo: qualifiedName(attachedTo.namespace, attachedTo.name) } : {}) }
      : { type: 'object.version', object: subjectOf(object), version };
    this.emit(by, [[readers, body]], started);
    if (legacy) this.legacy(object, legacy, by, readers);
  }

  /** `object` was shared with `to`; `before`: everyone's access before. */
  shared(object: ObjectRecord, to: Grantee, write: boolean, by: string, before: AccessSnapshot): void {
    const started = performance.now();
    const after = this.snapshot(object);
    const body: GatewayEventBody = to.kind === 'team' ? { type: 'object.published', object: subjectOf(object), write } : { type: 'object.shared', object: subjectOf(object), to, write };
    const recipients = [...after]
      .filter(([target, now]) => {
        const was = before.get(target) ?? NO_ACCESS;
        if (to.kind === 'team') return now.read;
        return now.manage || (now.read && !was.read) || (now.write && !was.write);
      })
      .map(([t]) => t);
    this.emit(by, [[recipients, body]], started);
    if (object.kind === 'frame') this.legacy(object, 'shared', by, [...after].filter(([, a]) => a.read).map(([t]) => t));
  }

  /** The share with `from` was taken back; `before`: everyone's access before. */
  unshared(object: ObjectRecord, from: Grantee, by: string, before: AccessSnapshot): void {
    const started = performance.now();
    const after = this.snapshot(object);
    const variants = new Map<'none' | 'read' | 'write', EventTarget[]>();
    for (const [target, was] of before) {
      const now = after.get(target) ?? NO_ACCESS;
      if (!(now.manage || (was.read && !now.read) || (was.write && !now.write))) continue;
      const left = level(now);
      variants.set(left, [...(variants.get(left) ?? []), target]);
    }
    const sends = [...variants].map(([access, targets]): [EventTarget[], GatewayEventBody] => [targets, { type: 'object.unshared', object: subjectOf(object), from, access }]);
    this.emit(by, sends, started);
    if (object.kind === 'frame') this.legacy(object, 'unshared', by, [...new Set([...readersOf(before), ...readersOf(after)])]);
  }

  /** `object` was deleted; `before`: everyone's access before. */
  deleted(object: ObjectRecord, by: string, before: AccessSnapshot): void {
    const started = performance.now();
    const readers = readersOf(before);
    const body: GatewayEventBody = { type: 'object.deleted', object: subjectOf(object) };
    this.emit(by, [[readers, body]], started);
    if (object.kind === 'frame') this.legacy(object, 'deleted', by, readers);
  }

  versionRemoved(object: ObjectRecord, version: number, reason: 'removed' | 'retention', by: string): void {
    const started = performance.now();
    const body: GatewayEventBody = { type: 'version.removed', object: subjectOf(object), version, reason };
    this.emit(by, [[readersOf(this.snapshot(object)), body]], started);
  }

  /** Everyone connected: the gateway stops taking work now and closes connections at `deadline`. */
  shutdown(deadline: Date, graceSeconds: number, by: string): void {
    const body: GatewayEventBody = { type: 'gateway.shutdown', deadline: deadline.toISOString(), graceSeconds };
    this.emit(by, [[[...this.targets.all()], body]], performance.now());
  }

  /**
   * One event (one sequence number), in one or more variants, each serialized once. The debug log
   * line says what the broadcast cost: `ms` from the start of the audience's check to the last
   * push, `pushMs` the pushes alone.
   */
  private emit(by: string, sends: Array<[EventTarget[], GatewayEventBody]>, started: number): void {
    const pushing = performance.now();
    const seq = ++this.seq;
    const at = new Date().toISOString();
    let recipients = 0;
    let type: string | undefined;
    for (const [targets, body] of sends) {
      type ??= body.type;
      if (targets.length === 0) continue;
      const event: GatewayEvent = { seq, at, by, ...body };
      const text = JSON.stringify({ jsonrpc: '2.0', method: Notifications.event.method, params: event });
      for (const target of targets) target.pushEvent(text);
      recipients += targets.length;
    }
    const done = performance.now();
    const round = (x: number) => Math.round(x * 1000) / 1000;
    this.logger.debug({ event: 'broadcast', type, seq, recipients, ms: round(done - started), pushMs: round(done - pushing) }, 'event broadcast');
  }

  private legacy(object: ObjectRecord, action: LegacyAction, by: string, readers: EventTarget[]): void {
    if (readers.length === 0) return;
    const params: FramesChangedNotification = { action, name: qualifiedName(object.namespace, object.name), by };
    const text = JSON.stringify({ jsonrpc: '2.0', method: Notifications.framesChanged.method, params });
    for (const target of readers) target.pushEvent(text);
  }
}

function readersOf(snapshot: AccessSnapshot): EventTarget[] {
  return [...snapshot].filter(([, a]) => a.read).map(([t]) => t);
}
