/**
 * Gateway configuration: what `framegate serve` accepts, with its defaults. Kept apart from the
 * CLI parsing so tests (and other embedders) can start a gateway from a plain object.
 */
import { resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT } from '../protocol';
import { formatBytes } from './memory/budget';
import { defaultMemoryLimit, MIN_MEMORY_LIMIT, parseByteSize } from './memory/size';

export type EngineKind = 'duckdb' | 'spark';

export interface GatewayConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Folder holding the persistent catalog. */
  dataDir: string;
  /** Folders whose files clients may load; absolute after `resolveConfig`. */
  importDirs: string[];
  /** Seed the demo frame `sales` if absent. */
  demo: boolean;
  /** Largest single WebSocket message. */
  maxMessageBytes: number;
  /**
   * Largest upload: attachment bytes a connection may hold at once, assembled from messages that
   * each fit under maxMessageBytes. Uploads are held in memory until saved.
   */
  maxUploadBytes: number;
  /** An upload that gets no new part for this long, or is not saved this long after its last part, is dropped. */
  uploadIdleTimeoutMs: number;
  /** Every query is answered within this, from its arrival (waiting its turn included) to its last row. */
  queryTimeoutMs: number;
  /**
   * The budget for everything the gateway holds (engine included), e.g. "4GB"; half of the
   * machine's memory when omitted. Resolved into `memoryLimitBytes`.
   */
  memoryLimit?: string;
  /** `memoryLimit` in bytes (set by `resolveConfig`). */
  memoryLimitBytes: number;
  threads?: number;
  /** Heavy requests (queries, saves, loads, uploads) running at once, gateway-wide. */
  maxQueries: number;
  /** Heavy requests of one user running at once; more wait their turn (up to MAX_QUEUED_PER_USER). */
  maxQueriesPerUser: number;
  /** Which engine holds the data. */
  engine: EngineKind;
  /** The Spark Connect server of `engine: 'spark'`, `sc://HOST:PORT[/;token=…]`. */
  sparkRemote?: string;
  /** Prefix of the Spark databases the engine keeps (default `framegate`); one gateway per prefix. */
  sparkDatabase?: string;
  /** Certificate and key (PEM files) to serve `wss://`; both or neither. */
  tlsCert?: string;
  tlsKey?: string;
  /** Allow a non-loopback host without TLS (tokens would cross the network in clear). */
  insecure: boolean;
  /**
   * Browser origins allowed to connect. Browsers send an Origin header and Node clients do not, so
   * by default any web page the user visits is refused: it could otherwise reach a gateway on
   * localhost (cross-site WebSocket hijacking).
   */
  allowedOrigins: string[];
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  logLevel: string;
  /** Versions per frame that keep their data, unless a frame says otherwise; absent: all. */
  keepVersions?: number;
  /** Storage per user in bytes, unless a user's own limit says otherwise; absent: none. */
  storageLimitBytes?: number;
  /** Events that may wait for one client before it is disconnected as not reading (close 4008). */
  eventQueueLimit: number;
  /** Socket buffer above which a client's events wait in its queue (a knob for tests). */
  eventHighWaterBytes: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;
export const DEFAULT_UPLOAD_IDLE_TIMEOUT_MS = 60_000;
export const DEFAULT_DATA_DIR = './.framegate';
export const DEFAULT_EVENT_QUEUE_LIMIT = 1_000;
export const DEFAULT_EVENT_HIGH_WATER_BYTES = 256 * 1024;
export const DEFAULT_MAX_QUERIES = 4;
export const DEFAULT_MAX_QUERIES_PER_USER = 2;
/** Heavy requests of one user that may wait for their turn; the next one is LimitReached. */
export const MAX_QUEUED_PER_USER = 8;

export const defaultConfig: GatewayConfig = {
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  dataDir: DEFAULT_DATA_DIR,
  importDirs: [],
  allowedOrigins: [],
  demo: false,
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
  queryTimeoutMs: DEFAULT_QUERY_TIMEOUT_MS,
  uploadIdleTimeoutMs: DEFAULT_UPLOAD_IDLE_TIMEOUT_MS,
  memoryLimitBytes: 0,
  maxQueries: DEFAULT_MAX_QUERIES,
  maxQueriesPerUser: DEFAULT_MAX_QUERIES_PER_USER,
  engine: 'duckdb',
  insecure: false,
  logLevel: process.env.FRAMEGATE_LOG_LEVEL ?? 'info',
  eventQueueLimit: DEFAULT_EVENT_QUEUE_LIMIT,
  eventHighWaterBytes: DEFAULT_EVENT_HIGH_WATER_BYTES,
};

/** Fills defaults and makes paths absolute (the engine resolves files against them). */
export function resolveConfig(partial: Partial<GatewayConfig>): GatewayConfig {
  const config: GatewayConfig = { ...defaultConfig, ...stripUndefined(partial) };
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) throw new Error('--tls-cert and --tls-key go together');
  if (config.engine === 'spark' && !config.sparkRemote) throw new Error('--engine spark needs --spark-remote sc://HOST:PORT (the Spark Connect server)');
  const memoryLimitBytes = config.memoryLimit !== undefined ? parseByteSize(config.memoryLimit) : config.memoryLimitBytes || defaultMemoryLimit();
  if (memoryLimitBytes < MIN_MEMORY_LIMIT) throw new Error(`--memory-limit ${config.memoryLimit ?? memoryLimitBytes} is below the least the gateway runs with (${formatBytes(MIN_MEMORY_LIMIT)})`);
  return {
    ...config,
    memoryLimitBytes,
    dataDir: resolve(config.dataDir),
    importDirs: config.importDirs.map((dir) => resolve(dir)),
    ...(config.tlsCert ? { tlsCert: resolve(config.tlsCert) } : {}),
    ...(config.tlsKey ? { tlsKey: resolve(config.tlsKey) } : {}),
  };
}

/** Loopback addresses and names: a gateway there is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h.startsWith('127.');
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
