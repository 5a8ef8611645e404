/** gateway/info, auth/whoami, gateway/shutdown. */
import { ErrorCodes, FramegateError, PROTOCOL_VERSION, TEAM_NAMESPACE } from '../../protocol';
import { GATEWAY_VERSION } from '../version';
import type { HandlerTable } from './context';

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
      maxQueriesPerUser: config.maxQueriesPerUser,
    }),

  whoami: (_params, { principal, services }) =>
    Promise.resolve({
      user: principal.name,
      admin: principal.admin,
      teamWriter: principal.teamWriter,
      groups: services.catalog.identity.users.groupsOf(principal.userId),
      namespace: principal.name,
      teamNamespace: TEAM_NAMESPACE,
    }),

  shutdown: (_params, { principal, services }) => {
    if (!principal.admin) throw new FramegateError(ErrorCodes.Forbidden, 'only admins may stop the gateway');
    services.logger.info({ event: 'shutdown-requested', user: principal.name }, 'shutdown requested');
    services.requestShutdown();
    return Promise.resolve({ stopping: true as const });
  },
};
