/** Every method's handler, keyed like `Methods`: the compiler checks that none is missing. */
import type { HandlerTable } from './context';
import { dataHandlers } from './data';
import { frameHandlers } from './frames';
import { gatewayHandlers } from './gateway';
import { queryHandlers } from './query';
import { userHandlers } from './users';

export const handlers: HandlerTable = { ...gatewayHandlers, ...frameHandlers, ...dataHandlers, ...queryHandlers, ...userHandlers };
export type { GatewayServices, RequestContext, RequestControl, Connection, ResultLineage } from './context';
