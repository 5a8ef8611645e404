/** The services every request handler shares, made once per gateway from its config and opened state. */
import { RunningRequests } from './admin/running';
import type { Catalog } from './catalog/catalog';
import { MAX_QUEUED_PER_USER, type GatewayConfig } from './config';
import type { Engine } from './engine/engine';
import { EventHub } from './events/hub';
import { FrameWriter } from './frames/writer';
import type { GatewayServices } from './handlers';
import { Lifecycle } from './lifecycle';
import type { Logger } from './logger';
import type { MemoryBudget } from './memory/budget';
import { QueryScheduler } from './scheduling/query-scheduler';
import { heavySlots } from './scheduling/thread-pool';
import { SessionRegistry } from './sessions';

export function createServices(
  config: GatewayConfig,
  logger: Logger,
  catalog: Catalog,
  engine: Engine,
  budget: MemoryBudget,
  requestShutdown: GatewayServices['requestShutdown'],
): GatewayServices {
  const sessions = new SessionRegistry();
  const lifecycle = new Lifecycle();
  return {
    config,
    logger,
    catalog,
    engine,
    writer: new FrameWriter(catalog, engine, logger, lifecycle),
    sessions,
    events: new EventHub(sessions, catalog, logger),
    running: new RunningRequests(),
    lifecycle,
    budget,
    scheduler: new QueryScheduler({ maxRunning: heavySlots(config.maxQueries), maxRunningPerUser: config.maxQueriesPerUser, maxQueuedPerUser: MAX_QUEUED_PER_USER }),
    requestShutdown,
  };
}
