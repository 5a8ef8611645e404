/**
 * Test helpers for the gateway: an in-process gateway on a free port with real DuckDB in a temp
 * data dir and a captured log, Arrow fixtures, raw WebSocket exchanges and condition waits.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import pino from 'pino';
import WebSocket from 'ws';
import assert from 'node:assert/strict';
import { FramegateError, Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import type { GatewayConfig } from '../../server/config';
import { startGateway, type Gateway } from '../../server/gateway';
import { testEngine } from '../support/test-engine';
import { startProcessTestGateway } from './process-gateway';

export interface LogEntry {
  level: number;
  event?: string;
  method?: string;
  outcome?: string;
  ms?: number;
  [key: string]: unknown;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  dataDir: string;
  importDir: string;
  /** Where the gateway wrote its first admin's credentials (FRAMEGATE_CONFIG_DIR). */
  configDir: string;
  /** The first admin ("root") and their token. */
  adminToken: string;
  logs: LogEntry[];
  /** Adds a user (as root) and returns their token. */
  addUser(name: string, flags?: { admin?: boolean; teamWriter?: boolean }): Promise<string>;
  /** A client connected with `token` (root's by default). */
  connect(token?: string): Promise<GatewayClient>;
  /** Closes the gateway (idempotent) and removes its temp dirs. */
  dispose(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A real gateway (real DuckDB) on 127.0.0.1:0 whose JSON log lines are collected in `logs`; on
 * another engine under test (test/support/test-engine.ts), a `framegate serve` process on it.
 */
/** `adminToken`: when reopening a data dir whose admin exists already (no new one is made then). */
export async function startTestGateway(config: Partial<GatewayConfig> = {}, keepDirs = false, reuseAdminToken?: string): Promise<TestGateway> {
  const dataDir = config.dataDir ?? tempDir('framegate-gw-data-');
  const importDir = config.importDirs?.[0] ?? tempDir('framegate-gw-import-');
  const logs: LogEntry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as LogEntry);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const configDir = tempDir('framegate-gw-config-');
  if (testEngine() !== 'duckdb') {
    return startProcessTestGateway({ queryTimeoutMs: 30_000, ...config }, { dataDir, importDir, configDir }, keepDirs, reuseAdminToken);
  }
  const gateway = await startGateway(
    { host: '127.0.0.1', port: 0, queryTimeoutMs: 30_000, ...config, dataDir, importDirs: [importDir] },
    { logger, env: { FRAMEGATE_CONFIG_DIR: configDir }, adminName: 'root' },
  );
  const adminToken = gateway.bootstrap?.token ?? reuseAdminToken ?? '';
  const connect = (token = adminToken) => GatewayClient.connect(gateway.url, { token });
  return {
    gateway,
    url: gateway.url,
    dataDir,
    importDir,
    configDir,
    adminToken,
    logs,
    connect,
    addUser: async (name, flags = {}) => {
      const admin = await connect();
      try {
        return (await admin.request(Methods.addUser, { name, ...flags })).token;
      } finally {
        admin.close();
      }
    },
    dispose: async () => {
      await gateway.close();
      rmSync(configDir, { recursive: true, force: true });
      if (!keepDirs) {
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(importDir, { recursive: true, force: true });
      }
    },
  };
}

/** Arrow IPC stream of `n` rows: id INT (0..n-1), label VARCHAR ("row-i"), value DOUBLE (i * 1.5). */
export function sampleIpc(n: number, labelPrefix = 'row-'): Uint8Array {
  const table = tableFromArrays({
    id: Int32Array.from({ length: n }, (_, i) => i),
    label: Array.from({ length: n }, (_, i) => `${labelPrefix}${i}`),
    value: Float64Array.from({ length: n }, (_, i) => i * 1.5),
  });
  return tableToIPC(table, 'stream');
}

/** Rows of an Arrow IPC stream as plain objects (bigint turned into number). */
export function decodeRows(ipc: Uint8Array): Array<Record<string, unknown>> {
  const table = tableFromIPC(ipc);
  return table.toArray().map((row: { toJSON(): Record<string, unknown> }) =>
    Object.fromEntries(Object.entries(row.toJSON()).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
  );
}

/** Polls `check` (which may be async) until it gives a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A bare WebSocket, for sending what a well-behaved client never would. */
export async function rawSocket(url: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
  await once(socket, 'open');
  return socket;
}

/** Sends raw text and resolves with the next text message, parsed. */
export async function rawExchange(socket: WebSocket, text: string): Promise<{ id?: unknown; error?: { code: number; message: string; data?: unknown }; result?: unknown }> {
  const reply = once(socket, 'message');
  socket.send(text);
  const [data] = (await reply) as [Buffer];
  return JSON.parse(data.toString()) as { id?: unknown; error?: { code: number; message: string; data?: unknown } };
}

export async function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  if (socket.readyState === WebSocket.CLOSED) throw new Error('socket already closed');
  const [code, reason] = (await once(socket, 'close')) as [number, Buffer];
  return { code, reason: reason.toString() };
}

/** Runs `work` and returns the FramegateError it must throw. */
export async function failure(work: () => Promise<unknown>): Promise<FramegateError> {
  try {
    await work();
  } catch (error) {
    assert.ok(error instanceof FramegateError, `expected a FramegateError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}
