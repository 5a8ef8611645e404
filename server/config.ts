/**
 * Gateway configuration: what `framegate serve` accepts, with its defaults. Kept apart from the
 * CLI parsing so tests (and other embedders) can start a gateway from a plain object.
 */
import { resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT } from '../protocol';

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
  /** When set, `gateway/shutdown` needs it; when not, shutdown is allowed from loopback only. */
  adminToken?: string;
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
  logLevel: process.env.FRAMEGATE_LOG_LEVEL ?? 'info',
};

/** Fills defaults and makes paths absolute (the engine resolves files against them). */
export function resolveConfig(partial: Partial<GatewayConfig>): GatewayConfig {
  const config: GatewayConfig = { ...defaultConfig, ...stripUndefined(partial) };
  return {
    ...config,
    dataDir: resolve(config.dataDir),
    importDirs: config.importDirs.map((dir) => resolve(dir)),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
