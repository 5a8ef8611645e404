/** Shared helpers for the engine tests: a real DuckDB engine in a temp dir, removed afterwards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { FramegateError } from '../../../protocol';
import { openDuckDBEngine, type DuckDBEngine, type EngineOptions, type EngineTuning } from '../../../server/engine';

export interface TempEngine {
  engine: DuckDBEngine;
  dir: string;
  dataDir: string;
  importDir: string;
  options: EngineOptions;
  cleanup(): Promise<void>;
}

export function tempDir(prefix = 'fg-engine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function openTempEngine(overrides: Partial<EngineOptions> = {}, tuning: EngineTuning = {}): Promise<TempEngine> {
  const dir = tempDir();
  const importDir = join(dir, 'import');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(importDir);
  const options: EngineOptions = { dataDir: join(dir, 'data'), importDirs: [importDir], queryTimeoutMs: 10_000, threads: 2, ...overrides };
  const engine = await openDuckDBEngine(options, tuning);
  let closed = false;
  return {
    engine,
    dir,
    dataDir: options.dataDir,
    importDir,
    options,
    async cleanup() {
      if (!closed) await engine.close();
      closed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const owner = { owner: 'alice', replace: false };
export const replace = { owner: 'alice', replace: true };

export function decode(ipc: Uint8Array): Table {
  return tableFromIPC(ipc);
}

/** Asserts a promise fails with a FramegateError of `kind`; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, kind: string, message?: RegExp): Promise<FramegateError> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof FramegateError)) throw new Error(`expected FramegateError ${kind}, got ${String(error)}`);
    if (error.kind !== kind) throw new Error(`expected ${kind}, got ${error.kind}: ${error.message}`);
    if (message && !message.test(error.message)) throw new Error(`message ${JSON.stringify(error.message)} does not match ${String(message)}`);
    return error;
  }
  throw new Error(`expected FramegateError ${kind}, but it succeeded`);
}
