/** Every method's handler, keyed like `Methods`: the compiler checks that none is missing. */
import { adminHandlers } from './admin';
import { chartHandlers } from './charts';
import type { HandlerTable } from './context';
import { dataHandlers } from './data';
import { frameHandlers } from './frames';
import { gatewayHandlers } from './gateway';
import { insightHandlers } from './insight';
import { objectHandlers } from './objects';
import { queryHandlers } from './query';
import { savedChartHandlers } from './saved-charts';
import { sqlHandlers } from './sql';
import { sharedObjectHandlers } from './shared-objects';
import { userHandlers } from './users';

export const handlers: HandlerTable = {
  ...gatewayHandlers,
  ...frameHandlers,
  ...dataHandlers,
  ...insightHandlers,
  ...chartHandlers,
  ...queryHandlers,
  ...sqlHandlers,
  ...userHandlers,
  ...objectHandlers,
  ...sharedObjectHandlers,
  ...savedChartHandlers,
  ...adminHandlers,
};
export type { GatewayServices, RequestContext, RequestControl, Connection, ResultLineage } from './context';
