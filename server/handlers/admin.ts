/** admin/*: sessions, kick, cancel, the audit log, storage per user. Admins only, every one. */
import { ErrorCodes, FramegateError } from '../../protocol';
import { CloseCodes } from '../../rpc/channel';
import type { Principal } from '../catalog/access';
import type { HandlerTable } from './context';

function requireAdmin(principal: Principal, what: string): void {
  if (!principal.admin) throw new FramegateError(ErrorCodes.Forbidden, `only admins may ${what}`);
}

export const adminHandlers: HandlerTable<'sessions' | 'kick' | 'cancel' | 'audit' | 'storage'> = {
  sessions: (_params, { principal, services }) => {
    requireAdmin(principal, 'list sessions');
    return Promise.resolve({ sessions: services.sessions.all().map((s) => s.describe()) });
  },

  kick: ({ session: id }, { principal, services }) => {
    requireAdmin(principal, 'disconnect sessions');
    const session = services.sessions.byId(id);
    if (!session) throw new FramegateError(ErrorCodes.InvalidParams, `no session ${id} is connected (framegate admin sessions)`);
    services.catalog.audit.record({ principal, action: 'kick', detail: { session: id, user: session.user } });
    session.disconnect(CloseCodes.kicked, `disconnected by admin ${principal.name}`);
    return Promise.resolve({ kicked: id, user: session.user });
  },

  cancel: ({ query }, { principal, services }) => {
    requireAdmin(principal, 'cancel requests');
    const entry = services.running.get(query);
    const session = entry && services.sessions.byId(entry.sessionId);
    if (!entry || !session) throw new FramegateError(ErrorCodes.InvalidParams, `no request ${query} is running (framegate admin sessions)`);
    entry.cancelledBy = principal.name;
    services.catalog.audit.record({ principal, action: 'cancel', detail: { query, session: entry.sessionId, user: entry.user, method: entry.method } });
    session.interrupt();
    return Promise.resolve({ cancelled: query, session: entry.sessionId, user: entry.user });
  },

  audit: (filter, { principal, services }) => {
    requireAdmin(principal, 'read the audit log');
    return Promise.resolve(services.catalog.audit.query(filter));
  },

  storage: (_params, { principal, services }) => {
    requireAdmin(principal, 'see storage per user');
    const { catalog } = services;
    const use = new Map(catalog.objects.storageByUser().map((u) => [u.userId, u]));
    const users = catalog.identity.users.list().map((user) => ({
      user: user.name,
      usedBytes: use.get(user.id)?.bytes ?? 0,
      versions: use.get(user.id)?.versions ?? 0,
      limitBytes: catalog.storageLimitOf(user.id),
    }));
    // Storage saved by users since removed still counts, under their name.
    for (const [userId, u] of use) {
      if (users.some((x) => x.user === catalog.describer.userName(userId))) continue;
      users.push({ user: catalog.describer.userName(userId), usedBytes: u.bytes, versions: u.versions, limitBytes: null });
    }
    return Promise.resolve({ users, totalBytes: users.reduce((sum, u) => sum + u.usedBytes, 0) });
  },
};
