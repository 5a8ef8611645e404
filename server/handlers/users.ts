/** users/*, tokens/rotate, groups/*: the catalog's Identity decides who may; admins' changes are audited. */
import { CloseCodes } from '../../rpc/channel';
import type { HandlerTable, RequestContext } from './context';

const TOKEN_GONE = 'your token was rotated or revoked: sign in again';

function audit(context: RequestContext, detail: Record<string, unknown>): void {
  context.services.catalog.audit.record({ principal: context.principal, action: 'user', detail });
}

export const userHandlers: HandlerTable<'listUsers' | 'addUser' | 'removeUser' | 'updateUser' | 'rotateToken' | 'addGroup' | 'removeGroup'> = {
  listUsers: (_params, { services }) => Promise.resolve(services.catalog.identity.list()),
  addUser: async ({ name, admin, teamWriter }, context) => {
    const added = await context.services.catalog.identity.addUser(context.principal, name, { admin, teamWriter });
    audit(context, { added: added.user, admin, teamWriter });
    return added;
  },
  removeUser: ({ name }, context) => {
    const { removed, userId } = context.services.catalog.identity.removeUser(context.principal, name);
    audit(context, { removed });
    context.services.sessions.disconnectUser(userId, CloseCodes.unauthorized, 'your user was removed from this gateway');
    return Promise.resolve({ removed });
  },
  updateUser: ({ name, admin, teamWriter, storageLimitBytes }, context) => {
    const flags = {
      ...(admin !== undefined ? { admin } : {}),
      ...(teamWriter !== undefined ? { teamWriter } : {}),
      ...(storageLimitBytes !== undefined ? { storageLimit: storageLimitBytes } : {}),
    };
    const user = context.services.catalog.identity.updateUser(context.principal, name, flags);
    audit(context, { updated: user.name, ...flags });
    return Promise.resolve(user);
  },
  rotateToken: async ({ user }, context) => {
    const { userId, ...result } = await context.services.catalog.identity.rotateToken(context.principal, user);
    audit(context, { rotated: result.user });
    // The reply (with the new token) goes out before the connections of the old one close.
    context.services.sessions.disconnectUser(userId, CloseCodes.unauthorized, TOKEN_GONE);
    return result;
  },
  addGroup: ({ name, members }, context) => {
    const group = context.services.catalog.identity.addGroup(context.principal, name, members);
    audit(context, { group: group.name, added: members });
    return Promise.resolve(group);
  },
  removeGroup: ({ name, members }, context) => {
    const result = context.services.catalog.identity.removeGroup(context.principal, name, members);
    audit(context, { group: name, ...(members ? { removedMembers: members } : { removedGroup: true }) });
    return Promise.resolve(result);
  },
};
