/**
 * Imported first by the `framegate` bin: libuv reads UV_THREADPOOL_SIZE once, when its pool starts,
 * and the gateway's engine runs every call there (see server/scheduling/thread-pool.ts).
 */
import { SERVE_THREAD_POOL_SIZE } from '../server/scheduling/thread-pool';

process.env.UV_THREADPOOL_SIZE ??= String(SERVE_THREAD_POOL_SIZE);
