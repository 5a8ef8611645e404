/** Users and groups in the catalog (no access rules here: see access.ts). */
import { ErrorCodes, FramegateError, normalizeIdentifier, TEAM_NAMESPACE, type GroupInfo, type UserInfo } from '../../protocol';
import { now, type Db } from './store';

export interface UserRecord {
  id: number;
  name: string;
  admin: boolean;
  teamWriter: boolean;
  createdAt: string;
  removedAt: string | null;
  /** Their own storage limit in bytes; null: the gateway's. */
  storageLimit: number | null;
}

interface UserRow {
  id: number;
  name: string;
  admin: number;
  team_writer: number;
  created_at: string;
  removed_at: string | null;
  storage_limit: number | null;
}

/** Names no user or group may take: the team namespace, the `team` grantee, engines' own schemas. */
const RESERVED_NAMES = new Set([TEAM_NAMESPACE, 'team', 'all', 'public', 'system', 'temp', 'memory', 'catalog', 'information_schema', 'pg_catalog']);
const RESERVED_PREFIXES = ['_fg', 'duckdb_', 'pragma_', 'sqlite_', 'pg_', 'spark_'];

export function reservedNameReason(name: string): string | null {
  const lower = normalizeIdentifier(name);
  if (RESERVED_NAMES.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p))) return `the name ${name} is reserved`;
  return null;
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    name: row.name,
    admin: row.admin === 1,
    teamWriter: row.team_writer === 1,
    createdAt: row.created_at,
    removedAt: row.removed_at,
    storageLimit: row.storage_limit,
  };
}

export class Users {
  constructor(private readonly db: Db) {}

  byName(name: string): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as UserRow | undefined;
    return row && toRecord(row);
  }

  /** An active (not removed) user, or UserNotFound. */
  active(name: string): UserRecord {
    const user = this.byName(name);
    if (!user || user.removedAt !== null) throw new FramegateError(ErrorCodes.UserNotFound, `no user named ${name}`, { name });
    return user;
  }

  byId(id: number): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toRecord(row);
  }

  list(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users WHERE removed_at IS NULL ORDER BY name').all() as UserRow[]).map(toRecord);
  }

  /** Active admins, oldest first. */
  admins(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users WHERE admin = 1 AND removed_at IS NULL ORDER BY id').all() as UserRow[]).map(toRecord);
  }

  countAdmins(): number {
    return Number((this.db.prepare('SELECT count(*) AS n FROM users WHERE admin = 1 AND removed_at IS NULL').get() as { n: number }).n);
  }

  /**
   * Adds a user and their namespace, or brings back a removed user of that name (their frames
   * are still theirs). Throws NameTaken when an active user, a group or a namespace has the name.
   */
  add(name: string, flags: { admin: boolean; teamWriter: boolean }): UserRecord {
    const reserved = reservedNameReason(name);
    if (reserved) throw new FramegateError(ErrorCodes.InvalidParams, reserved);
    const existing = this.byName(name);
    if (existing && existing.removedAt === null) throw new FramegateError(ErrorCodes.NameTaken, `a user named ${existing.name} exists`, { name });
    if (this.db.prepare('SELECT 1 FROM groups WHERE name = ?').get(name)) throw new FramegateError(ErrorCodes.NameTaken, `a group is named ${name}`, { name });
    const namespaceOwner = this.db.prepare('SELECT owner_id FROM namespaces WHERE name = ?').get(name) as { owner_id: number | null } | undefined;
    if (namespaceOwner && namespaceOwner.owner_id !== (existing?.id ?? -1)) {
      throw new FramegateError(ErrorCodes.NameTaken, `a namespace named ${name} exists`, { name });
    }
    if (existing) {
      this.db.prepare('UPDATE users SET removed_at = NULL, admin = ?, team_writer = ? WHERE id = ?').run(Number(flags.admin), Number(flags.teamWriter), existing.id);
      return this.byId(existing.id)!;
    }
    const lower = normalizeIdentifier(name);
    const info = this.db.prepare('INSERT INTO users (name, admin, team_writer, created_at) VALUES (?, ?, ?, ?)').run(lower, Number(flags.admin), Number(flags.teamWriter), now());
    const id = Number(info.lastInsertRowid);
    if (!namespaceOwner) this.db.prepare('INSERT INTO namespaces (name, owner_id, created_at) VALUES (?, ?, ?)').run(lower, id, now());
    return this.byId(id)!;
  }

  update(id: number, flags: { admin?: boolean; teamWriter?: boolean; storageLimit?: number | null }): UserRecord {
    if (flags.admin !== undefined) this.db.prepare('UPDATE users SET admin = ? WHERE id = ?').run(Number(flags.admin), id);
    if (flags.teamWriter !== undefined) this.db.prepare('UPDATE users SET team_writer = ? WHERE id = ?').run(Number(flags.teamWriter), id);
    if (flags.storageLimit !== undefined) this.db.prepare('UPDATE users SET storage_limit = ? WHERE id = ?').run(flags.storageLimit, id);
    return this.byId(id)!;
  }

  /** Marks a user removed and takes them out of every group and share. Their frames stay. */
  remove(id: number): void {
    this.db.prepare('UPDATE users SET removed_at = ?, admin = 0 WHERE id = ?').run(now(), id);
    this.db.prepare('DELETE FROM group_members WHERE user_id = ?').run(id);
    this.db.prepare("DELETE FROM grants WHERE grantee_kind = 'user' AND grantee_id = ?").run(id);
  }

  groupsOf(userId: number): string[] {
    return (this.db.prepare('SELECT g.name FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY g.name').all(userId) as { name: string }[]).map(
      (r) => r.name,
    );
  }

  info(user: UserRecord): UserInfo {
    return { name: user.name, admin: user.admin, teamWriter: user.teamWriter, groups: this.groupsOf(user.id), createdAt: user.createdAt, storageLimitBytes: user.storageLimit };
  }
}

export interface GroupRecord {
  id: number;
  name: string;
}

export class Groups {
  constructor(private readonly db: Db) {}

  byName(name: string): GroupRecord | undefined {
    return this.db.prepare('SELECT id, name FROM groups WHERE name = ?').get(name) as GroupRecord | undefined;
  }

  require(name: string): GroupRecord {
    const group = this.byName(name);
    if (!group) throw new FramegateError(ErrorCodes.GroupNotFound, `no group named ${name}`, { name });
    return group;
  }

  /** The group, created if it does not exist. Throws NameTaken when a user has the name. */
  ensure(name: string): GroupRecord {
    const found = this.byName(name);
    if (found) return found;
    const reserved = reservedNameReason(name);
    if (reserved) throw new FramegateError(ErrorCodes.InvalidParams, reserved);
    if (this.db.prepare('SELECT 1 FROM users WHERE name = ?').get(name)) throw new FramegateError(ErrorCodes.NameTaken, `a user is named ${name}`, { name });
    const info = this.db.prepare('INSERT INTO groups (name, created_at) VALUES (?, ?)').run(normalizeIdentifier(name), now());
    return { id: Number(info.lastInsertRowid), name: normalizeIdentifier(name) };
  }

  addMembers(groupId: number, userIds: number[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)');
    for (const userId of userIds) insert.run(groupId, userId);
  }

  removeMembers(groupId: number, userIds: number[]): void {
    const remove = this.db.prepare('DELETE FROM group_members WHERE group_id = ? AND user_id = ?');
    for (const userId of userIds) remove.run(groupId, userId);
  }

  /** Removes a group and every share made to it. */
  remove(groupId: number): void {
    this.db.prepare("DELETE FROM grants WHERE grantee_kind = 'group' AND grantee_id = ?").run(groupId);
    this.db.prepare('DELETE FROM groups WHERE id = ?').run(groupId);
  }

  nameOf(id: number): string {
    return (this.db.prepare('SELECT name FROM groups WHERE id = ?').get(id) as { name: string } | undefined)?.name ?? `group ${id}`;
  }

  idsOf(userId: number): number[] {
    return (this.db.prepare('SELECT group_id FROM group_members WHERE user_id = ?').all(userId) as { group_id: number }[]).map((r) => r.group_id);
  }

  info(group: GroupRecord): GroupInfo {
    const members = this.db
      .prepare('SELECT u.name FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? AND u.removed_at IS NULL ORDER BY u.name')
      .all(group.id) as { name: string }[];
    return { name: group.name, members: members.map((m) => m.name) };
  }

  list(): GroupInfo[] {
    return (this.db.prepare('SELECT id, name FROM groups ORDER BY name').all() as GroupRecord[]).map((g) => this.info(g));
  }
}
