/** Heavy work of a request: it waits its turn in the scheduler and gets what is left of the request's timeout. */
import type { RunLimits } from '../engine/engine';
import type { RequestContext } from './context';

export function heavy<T>({ principal, services, request }: RequestContext, work: (limits: RunLimits) => Promise<T>): Promise<T> {
  const timeoutMs = services.config.queryTimeoutMs;
  const deadline = request.arrivedAt + timeoutMs;
  return services.scheduler.run({ user: principal.name, deadline, timeoutMs, signal: request.signal }, () => work({ timeoutMs: deadline - Date.now() }));
}
