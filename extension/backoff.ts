/** Reconnect delays: exponential, capped, with optional jitter so many clients do not retry in step. */

export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** Each retry waits this many times longer than the previous one... */
  factor: number;
  /** ...but never longer than this. */
  maxMs: number;
  /** 0 = none; 0.2 = each delay is randomly shortened by up to 20%. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, factor: 2, maxMs: 30_000, jitter: 0.2 };

/** Delay before retry number `attempt` (0-based). `random` is injectable for tests. */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponential = options.initialMs * Math.pow(options.factor, Math.max(0, attempt));
  const capped = Math.min(options.maxMs, exponential);
  return Math.round(capped * (1 - options.jitter * random()));
}

/** The first `count` delays, e.g. for logs and tests. */
export function backoffSchedule(count: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number[] {
  return Array.from({ length: count }, (_, attempt) => backoffDelay(attempt, options, random));
}
