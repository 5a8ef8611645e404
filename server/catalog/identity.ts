/**
 * Users, groups and tokens as principals manage them: admins manage users and groups; anyone may
 * rotate their own token and list who is there (to choose whom to share with).
 */
import { ErrorCodes, FramegateError, type AddUserResult, type GroupInfo, type RemovedResult, type TokenResult, type UserInfo } from '../../protocol';
import type { Principal } from './access';
import { CatalogMemo } from './memo';
import { inTransaction, type Db } from './store';
import type { TokenStore } from './tokens';
import type { Groups, UserRecord, Users } from './users';

function requireAdmin(principal: Principal, what: string): void {
  if (!principal.admin) throw new FramegateError(ErrorCodes.Forbidden, `only admins may ${what}`);
}

export class Identity {
  private readonly principals: CatalogMemo<Principal | null> | undefined;

  constructor(
    private readonly db: Db,
    readonly users: Users,
    readonly groups: Groups,
    readonly tokens: TokenStore,
    version?: () => string,
  ) {
    this.principals = version && new CatalogMemo(version);
  }

  /** Who a user is now (undefined once removed); remembered until the catalog changes. */
  principal(userId: number): Principal | undefined {
    if (!this.principals) return this.principalNow(userId);
    return this.principals.get(String(userId), () => this.principalNow(userId) ?? null) ?? undefined;
  }

  private principalNow(userId: number): Principal | undefined {
    const user = this.users.byId(userId);
    if (!user || user.removedAt !== null) return undefined;
    return { userId: user.id, name: user.name, admin: user.admin, teamWriter: user.teamWriter, groupIds: this.groups.idsOf(user.id) };
  }

  list(): { users: UserInfo[]; groups: GroupInfo[] } {
    return { users: this.users.list().map((u) => this.users.info(u)), groups: this.groups.list() };
  }

  async addUser(principal: Principal, name: string, flags: { admin: boolean; teamWriter: boolean }): Promise<AddUserResult> {
    requireAdmin(principal, 'add users');
    const prepared = await this.tokens.create();
    return inTransaction(this.db, () => {
      const user = this.users.add(name, flags);
      const { token } = this.tokens.save(user.id, prepared);
      return { user: user.name, token, info: this.users.info(user) };
    });
  }

  /** Removes a user; their connections should then be closed (their token no longer works). */
  removeUser(principal: Principal, name: string): RemovedResult & { userId: number } {
    requireAdmin(principal, 'remove users');
    const user = inTransaction(this.db, () => {
      const found = this.users.active(name);
      if (found.id === principal.userId) throw new FramegateError(ErrorCodes.InvalidParams, 'you cannot remove yourself; another admin can');
      this.tokens.revokeAll(found.id);
      this.users.remove(found.id);
      return found;
    });
    return { removed: user.name, userId: user.id };
  }

  updateUser(principal: Principal, name: string, flags: { admin?: boolean; teamWriter?: boolean; storageLimit?: number | null }): UserInfo {
    requireAdmin(principal, 'change users');
    return inTransaction(this.db, () => {
      const user = this.users.active(name);
      if (flags.admin === false && user.admin && this.users.countAdmins() === 1) {
        throw new FramegateError(ErrorCodes.InvalidParams, `${user.name} is the last admin; make someone else admin first`);
      }
      return this.users.info(this.users.update(user.id, flags));
    });
  }

  /** A new token for `target` (default: the caller). The old one stops working at once. */
  async rotateToken(principal: Principal, target: string | undefined): Promise<TokenResult & { userId: number }> {
    const user: UserRecord = target === undefined ? this.users.byId(principal.userId)! : this.users.active(target);
    if (user.id !== principal.userId) requireAdmin(principal, "rotate other users' tokens");
    const prepared = await this.tokens.create();
    const { token } = inTransaction(this.db, () => this.tokens.save(user.id, prepared));
    return { user: user.name, token, userId: user.id };
  }

  addGroup(principal: Principal, name: string, members: string[]): GroupInfo {
    requireAdmin(principal, 'manage groups');
    return inTransaction(this.db, () => {
      const ids = members.map((m) => this.users.active(m).id);
      const group = this.groups.ensure(name);
      this.groups.addMembers(group.id, ids);
      return this.groups.info(group);
    });
  }

  removeGroup(principal: Principal, name: string, members: string[] | undefined): GroupInfo | RemovedResult {
    requireAdmin(principal, 'manage groups');
    return inTransaction(this.db, () => {
      const group = this.groups.require(name);
      if (members === undefined) {
        this.groups.remove(group.id);
        return { removed: group.name };
      }
      this.groups.removeMembers(
        group.id,
        members.map((m) => this.users.active(m).id),
      );
      return this.groups.info(group);
    });
  }
}
