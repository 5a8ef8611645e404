/** users/*, tokens/rotate, groups/*: the catalog's Identity decides who may. */
import { CloseCodes } from '../../rpc/channel';
import type { HandlerTable } from './context';

const TOKEN_GONE = 'your token was rotated or revoked: sign in again';

export const userHandlers: HandlerTable<'listUsers' | 'addUser' | 'removeUser' | 'updateUser' | 'rotateToken' | 'addGroup' | 'removeGroup'> = {
  listUsers: (_params, { services }) => Promise.resolve(services.catalog.identity.list()),
  addUser: ({ name, admin, teamWriter }, { principal, services }) => services.catalog.identity.addUser(principal, name, { admin, teamWriter }),
  removeUser: ({ name }, { principal, services }) => {
    const { removed, userId } = services.catalog.identity.removeUser(principal, name);
    services.sessions.disconnectUser(userId, CloseCodes.unauthorized, 'your user was removed from this gateway');
    return Promise.resolve({ removed });
  },
  updateUser: ({ name, admin, teamWriter }, { principal, services }) =>
    Promise.resolve(services.catalog.identity.updateUser(principal, name, { ...(admin !== undefined ? { admin } : {}), ...(teamWriter !== undefined ? { teamWriter } : {}) })),
  rotateToken: async ({ user }, { principal, services }) => {
    const { userId, ...result } = await services.catalog.identity.rotateToken(principal, user);
    // The reply (with the new token) goes out before the connections of the old one close.
    services.sessions.disconnectUser(userId, CloseCodes.unauthorized, TOKEN_GONE);
    return result;
  },
  addGroup: ({ name, members }, { principal, services }) => Promise.resolve(services.catalog.identity.addGroup(principal, name, members)),
  removeGroup: ({ name, members }, { principal, services }) => Promise.resolve(services.catalog.identity.removeGroup(principal, name, members)),
};
