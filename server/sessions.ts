/**
 * The connected sessions, and the one place that decides who hears about a change: a frame
 * notification goes only to sessions whose user may read the frame (before or after the change),
 * so nobody learns of a frame they cannot see.
 */
import type { FramesChangedNotification } from '../protocol';
import { accessTo, type Principal } from './catalog/access';
import type { Catalog } from './catalog/catalog';
import type { ObjectRecord } from './catalog/objects';

/** What the registry needs of a session. */
export interface RegisteredSession {
  readonly userId: number;
  notifyFramesChanged(notification: FramesChangedNotification): void;
  /** Closes the connection with a WebSocket close code and reason. */
  disconnect(code: number, reason: string): void;
  close(): Promise<void>;
}

export class SessionRegistry {
  private readonly sessions = new Set<RegisteredSession>();

  constructor(private readonly catalog: Catalog) {}

  add(session: RegisteredSession): void {
    this.sessions.add(session);
  }

  remove(session: RegisteredSession): void {
    this.sessions.delete(session);
  }

  get size(): number {
    return this.sessions.size;
  }

  all(): RegisteredSession[] {
    return [...this.sessions];
  }

  /** Sessions whose user may read `object` now. */
  readersOf(object: ObjectRecord): Set<RegisteredSession> {
    const grants = this.catalog.objects.grants(object.id);
    const principals = new Map<number, Principal | undefined>();
    const readers = new Set<RegisteredSession>();
    for (const session of this.sessions) {
      if (!principals.has(session.userId)) principals.set(session.userId, this.catalog.identity.principal(session.userId));
      const principal = principals.get(session.userId);
      if (principal && accessTo(principal, object, grants).read) readers.add(session);
    }
    return readers;
  }

  /**
   * Tells the readers of `object` that it changed. `before`: who could read it before the change
   * (for unshare and delete, which take readers away).
   */
  framesChanged(object: ObjectRecord, notification: FramesChangedNotification, before: Set<RegisteredSession> = new Set()): void {
    const audience = object.deletedAt === null ? new Set([...before, ...this.readersOf(object)]) : before;
    for (const session of audience) session.notifyFramesChanged(notification);
  }

  /** Disconnects every session of a user (their token stopped working). */
  disconnectUser(userId: number, code: number, reason: string): void {
    for (const session of this.sessions) if (session.userId === userId) session.disconnect(code, reason);
  }
}
