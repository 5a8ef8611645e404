/**
 * Gateway configuration: what `framegate serve` accepts, with its defaults. Kept apart from the
 * CLI parsing so tests (and other embedders) can start a gateway from a plain object.
 */
import { resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT } from '../protocol';

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
  /** Queries running longer are interrupted. */
  queryTimeoutMs: number;
  memoryLimit?: string;
  threads?: number;
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
}

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;
export const DEFAULT_DATA_DIR = './.framegate';

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
  engine: 'duckdb',
  insecure: false,
  logLevel: process.env.FRAMEGATE_LOG_LEVEL ?? 'info',
};

/** Fills defaults and makes paths absolute (the engine resolves files against them). */
export function resolveConfig(partial: Partial<GatewayConfig>): GatewayConfig {
  const config: GatewayConfig = { ...defaultConfig, ...stripUndefined(partial) };
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) throw new Error('--tls-cert and --tls-key go together');
  if (config.engine === 'spark' && !config.sparkRemote) throw new Error('--engine spark needs --spark-remote sc://HOST:PORT (the Spark Connect server)');
  return {
    ...config,
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
