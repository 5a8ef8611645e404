/** gateway/info, auth/whoami, gateway/shutdown. */
import { ErrorCodes, FramegateError, PROTOCOL_VERSION, TEAM_NAMESPACE } from '../../protocol';
import { GATEWAY_VERSION } from '../version';
import type { HandlerTable } from './context';

/** How long running work may finish when `framegate shutdown` gives no --grace. */
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 30;

export const gatewayHandlers: HandlerTable<'info' | 'whoami' | 'shutdown'> = {
  info: (_params, { services: { config, engine, budget } }) =>
    Promise.resolve({
      name: 'framegate' as const,
      version: GATEWAY_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      engine: engine.description,
      maxMessageBytes: config.maxMessageBytes,
      maxUploadBytes: config.maxUploadBytes,
      queryTimeoutMs: config.queryTimeoutMs,
      importDirs: config.importDirs,
      memoryLimitBytes: config.memoryLimitBytes,
      memoryUsedBytes: budget.usedBytes,
      memoryCachedBytes: engine.cachedBytes(),
      maxQueriesPerUser: config.maxQueriesPerUser,
    }),

  whoami: (_params, { principal, services }) => {
    const use = services.catalog.objects.storageOf(principal.userId);
    return Promise.resolve({
      user: principal.name,
      admin: principal.admin,
      teamWriter: principal.teamWriter,
      groups: services.catalog.identity.users.groupsOf(principal.userId),
      namespace: principal.name,
      teamNamespace: TEAM_NAMESPACE,
      storage: { usedBytes: use.bytes, versions: use.versions },
      // The per-user cap on concurrent queries is the scheduler's; none is enforced in this build.
      limits: { storageBytes: services.catalog.storageLimitOf(principal.userId), concurrentQueries: null },
    });
  },

  shutdown: ({ graceSeconds = DEFAULT_SHUTDOWN_GRACE_SECONDS }, { principal, services }) => {
    if (!principal.admin) throw new FramegateError(ErrorCodes.Forbidden, 'only admins may stop the gateway');
    services.logger.info({ event: 'shutdown-requested', user: principal.name, graceSeconds }, 'shutdown requested');
    services.catalog.audit.record({ principal, action: 'shutdown', detail: { graceSeconds } });
    const deadline = services.requestShutdown(graceSeconds, principal.name);
    return Promise.resolve({ stopping: true as const, deadline: deadline.toISOString(), graceSeconds });
  },
};
