/**
 * libuv's thread pool, on which the engine runs every call. Its size is fixed when it is first
 * used (UV_THREADPOOL_SIZE, 4 when unset); `framegate serve` sets a larger one before anything
 * starts (cli/thread-pool.ts).
 */

/** Threads kept free of heavy work, for windows, exports and the engine's small calls. */
export const RESERVED_THREADS = 2;

/** The pool size `framegate serve` asks for. */
export const SERVE_THREAD_POOL_SIZE = 16;

export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const size = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? Math.min(size, 1024) : 4;
}

/** Heavy tasks that may run at once: as configured, but always leaving RESERVED_THREADS free. */
export function heavySlots(maxQueries: number, poolSize = threadPoolSize()): number {
  return Math.max(1, Math.min(maxQueries, poolSize - RESERVED_THREADS));
}
