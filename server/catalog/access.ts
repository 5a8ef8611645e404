/**
 * Who may do what with an object of any kind. One place decides, and every path of the gateway
 * (list, schema, window, select, SQL, save, load, upload, export, versions, lineage, delete, share,
 * queries, notes, events) asks it.
 *
 * - read: admins; the owner; everyone for objects in the team namespace or published to the team;
 *   users a grant names, directly or through a group. A note attached to a frame is also readable
 *   by whoever may read that frame (it is a remark about it).
 * - write (save new versions): admins; the owner; team writers in the team namespace; write grants.
 * - manage (share, unshare, delete, remove versions, retention): admins and the owner.
 *
 * `readableWhere` is the read rule as SQL, for listings that filter in the catalog's own query
 * (completion on a big catalog); a test holds it to `accessTo` case by case.
 */
import { TEAM_NAMESPACE, type FrameScope } from '../../protocol';
import type { GrantRecord, ObjectRecord } from './records';

export interface Principal {
  userId: number;
  name: string;
  admin: boolean;
  teamWriter: boolean;
  groupIds: readonly number[];
  /** The connection acting, for the audit log (absent for the gateway's own work). */
  via?: { session: string; remoteAddress?: string };
}

export interface Access {
  read: boolean;
  write: boolean;
  manage: boolean;
  scope: FrameScope;
  /** The grant that shares it with the principal (for `shared`). */
  via?: GrantRecord;
}

const NONE: Access = { read: false, write: false, manage: false, scope: 'admin' };

function reaches(principal: Principal, grant: GrantRecord): boolean {
  if (grant.granteeKind === 'team') return true;
  if (grant.granteeKind === 'user') return grant.granteeId === principal.userId;
  return principal.groupIds.includes(grant.granteeId);
}

/**
 * What `principal` may do with `object`, given the object's grants and, for a note attached to a
 * frame, what they may do with that frame (`attached`).
 */
export function accessTo(principal: Principal, object: ObjectRecord, grants: readonly GrantRecord[], attached?: Access): Access {
  const own = object.ownerId === principal.userId;
  const inTeam = object.namespace === TEAM_NAMESPACE;
  const reaching = grants.filter((g) => g.objectId === object.id && reaches(principal, g));
  const personal = reaching.find((g) => g.granteeKind === 'user') ?? reaching.find((g) => g.granteeKind === 'group');
  const published = inTeam || grants.some((g) => g.objectId === object.id && g.granteeKind === 'team');
  const throughFrame = attached?.read === true;
  const read = principal.admin || own || published || reaching.length > 0 || throughFrame;
  if (!read) return NONE;
  const write = principal.admin || own || (inTeam && principal.teamWriter) || reaching.some((g) => g.write);
  const manage = principal.admin || own;
  const scope: FrameScope = own
    ? 'mine'
    : personal
      ? 'shared'
      : published
        ? 'team'
        : throughFrame
          ? attached.scope === 'mine'
            ? 'shared'
            : attached.scope
          : 'admin';
  return { read, write, manage, scope, ...(personal ? { via: personal } : {}) };
}

/** A SQL condition with its parameters, to put in a WHERE clause as it is. */
export interface SqlCondition {
  sql: string;
  params: (string | number)[];
}

/**
 * `accessTo(...).read` as a condition on the objects row aliased `o` (or `alias`), for objects
 * attached to none (frames: a note's read through its frame is not in it, so notes are left out).
 */
export function readableWhere(principal: Principal, alias = 'o'): SqlCondition {
  const o = alias;
  if (principal.admin) return { sql: `${o}.attached_to IS NULL`, params: [] };
  const groups = principal.groupIds.length ? ` OR (g.grantee_kind = 'group' AND g.grantee_id IN (${principal.groupIds.map(() => '?').join(', ')}))` : '';
  return {
    sql: `${o}.attached_to IS NULL AND (${o}.owner_id = ? OR ${o}.namespace = ? OR EXISTS (
            SELECT 1 FROM grants g WHERE g.object_id = ${o}.id AND (g.grantee_kind = 'team' OR (g.grantee_kind = 'user' AND g.grantee_id = ?)${groups})))`,
    params: [principal.userId, TEAM_NAMESPACE, principal.userId, ...principal.groupIds],
  };
}

/** Whether the object is published (in the team namespace, or shared with the whole team). */
export function isPublished(object: ObjectRecord, grants: readonly GrantRecord[]): boolean {
  return object.namespace === TEAM_NAMESPACE || grants.some((g) => g.objectId === object.id && g.granteeKind === 'team');
}

/** May `principal` create new objects in `namespace` (whose owner is `namespaceOwner`)? */
export function canCreateIn(principal: Principal, namespace: string, namespaceOwner: number | null | undefined): boolean {
  if (principal.admin) return namespace === TEAM_NAMESPACE || namespaceOwner !== undefined;
  if (namespace === TEAM_NAMESPACE) return principal.teamWriter;
  return namespaceOwner === principal.userId;
}
