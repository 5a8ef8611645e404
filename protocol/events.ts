/**
 * Live events: the gateway pushes one notification, `events/event`, whose params are a
 * `GatewayEvent`, to every connected client that may see its subject, and to nobody else. Every
 * event names who did it (`by`) and carries a gateway-wide sequence number, increasing by one per
 * event the gateway emits (a client sees gaps: those are events about things it cannot see).
 *
 * Delivery: each client has a bounded queue of events not yet written to its socket. A client
 * that stops reading never delays the others; once its queue is full it is disconnected with close
 * code 4008 and a reason saying so (it can reconnect and list again).
 */
import type { ObjectKind } from './objects';
import type { Grantee } from './types';

/** What an event is about. */
export interface EventSubject {
  kind: ObjectKind;
  /** Full name, `namespace.name`. */
  name: string;
}

export interface EventBase {
  /** Gateway-wide, increasing by one per event emitted (since the gateway started). */
  seq: number;
  /** ISO-8601 time. */
  at: string;
  /** The user who did it. */
  by: string;
}

export type GatewayEventBody =
  /** A new object you can see: a frame, a query, or a note (then `attachedTo` is its frame). */
  | { type: 'object.created'; object: EventSubject; version: number; attachedTo?: string }
  /** A new version of an object you can see. */
  | { type: 'object.version'; object: EventSubject; version: number }
  /**
   * Shared: sent to whoever gains access by it (`to` is then the grant that reaches them: them, a
   * group of theirs) and to the object's managers (owner and admins).
   */
  | { type: 'object.shared'; object: EventSubject; to: Grantee; write: boolean }
  /** Shared with the whole team: sent to everyone who can see it now. */
  | { type: 'object.published'; object: EventSubject; write: boolean }
  /** A share taken back: sent to whoever loses access by it (`access` is what they have left) and to managers. */
  | { type: 'object.unshared'; object: EventSubject; from: Grantee; access: 'none' | 'read' | 'write' }
  /** Deleted (every version): sent to whoever could see it. */
  | { type: 'object.deleted'; object: EventSubject }
  /** One version's data or content removed (`framegate rm NAME@N`, or retention). */
  | { type: 'version.removed'; object: EventSubject; version: number; reason: 'removed' | 'retention' }
  /** The gateway stops taking work now and closes every connection at `deadline`. */
  | { type: 'gateway.shutdown'; deadline: string; graceSeconds: number };

export type GatewayEvent = EventBase & GatewayEventBody;
export type GatewayEventType = GatewayEventBody['type'];

export const GATEWAY_EVENT_TYPES: readonly GatewayEventType[] = [
  'object.created',
  'object.version',
  'object.shared',
  'object.published',
  'object.unshared',
  'object.deleted',
  'version.removed',
  'gateway.shutdown',
];
