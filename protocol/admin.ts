/** Administration (admins only): who is connected and what runs, the audit log, storage per user. */
import type { ObjectKind } from './objects';

/** A request a session is running now. */
export interface RunningRequest {
  /** Gateway-wide id, for `admin/cancel`: `q` and a number. */
  id: string;
  method: string;
  startedAt: string;
  /** What it is about, shortened: the SQL, or the object named. */
  what?: string;
}

export interface SessionInfo {
  /** For `admin/kick`: `s` and a number, unique while the gateway runs. */
  id: string;
  user: string;
  remoteAddress?: string;
  connectedAt: string;
  running: RunningRequest[];
  /** Events waiting to be written to this client (bounded; see events.ts). */
  queuedEvents: number;
}

export interface AdminSessionsResult {
  sessions: SessionInfo[];
}

export interface KickResult {
  kicked: string;
  user: string;
}

export interface CancelResult {
  cancelled: string;
  session: string;
  user: string;
}

/**
 * What the audit log records. `read`: a frame version's rows were read (a query, a select, an
 * export, a session's first window of it), or a note or query read; `refused`: an access the
 * gateway refused (a hidden object, a write or manage without the right, an admin-only method, a
 * token at the door).
 */
export type AuditAction =
  | 'read'
  | 'save'
  | 'share'
  | 'unshare'
  | 'delete'
  | 'remove-version'
  | 'retention'
  | 'gc'
  | 'refused'
  | 'user'
  | 'kick'
  | 'cancel'
  | 'shutdown';

export interface AuditEntry {
  id: number;
  at: string;
  /** Who; null for a connection refused at the door (no valid token). */
  user: string | null;
  action: AuditAction;
  kind?: ObjectKind;
  /** Full object name. */
  object?: string;
  version?: number;
  /** Action-specific detail: the method, the grantee, what was read through, why it was refused. */
  detail?: Record<string, unknown>;
  remoteAddress?: string;
}

export interface AuditResult {
  /** Oldest first: from `since` on when it was given, else the most recent `limit` lines. */
  entries: AuditEntry[];
  /** More lines matched than `limit` (later ones with `since`, earlier ones without). */
  more: boolean;
}

export interface UserStorage {
  user: string;
  /** Engine storage of the frame versions they saved that still have their data. */
  usedBytes: number;
  versions: number;
  /** Their limit (their own, else the gateway's); null: none. */
  limitBytes: number | null;
}

export interface StorageResult {
  users: UserStorage[];
  totalBytes: number;
}
