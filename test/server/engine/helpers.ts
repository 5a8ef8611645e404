/** Shared helpers for the engine tests: a real DuckDB engine in a temp dir, removed afterwards. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createImportPolicy, openDuckDBEngine, type DuckDBEngine, type EngineOptions, type EngineTuning } from '../../../server/engine';
import { TestCatalog } from './test-catalog';

export interface TempEngine {
  engine: DuckDBEngine;
  catalog: TestCatalog;
  dir: string;
  dataDir: string;
  importDir: string;
  options: EngineOptions;
  cleanup(): Promise<void>;
}

export function tempDir(prefix = 'fg-engine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TempOptions extends Partial<Omit<EngineOptions, 'importPolicy'>> {
  /** Import dirs (default: one fresh `import/` folder). */
  importDirs?: string[];
}

/** Engine options over a fresh temp dir: `data/` and `import/`. */
export function tempOptions(dir: string, overrides: TempOptions = {}): EngineOptions & { importDir: string } {
  const importDir = join(dir, 'import');
  mkdirSync(importDir, { recursive: true });
  const dataDir = overrides.dataDir ?? join(dir, 'data');
  const { importDirs = [importDir], ...rest } = overrides;
  return { queryTimeoutMs: 10_000, threads: 2, ...rest, dataDir, importDir, importPolicy: createImportPolicy(importDirs, dataDir) };
}

export async function openTempEngine(overrides: TempOptions = {}, tuning: EngineTuning = {}): Promise<TempEngine> {
  const dir = tempDir();
  const options = tempOptions(dir, overrides);
  const engine = await openDuckDBEngine(options, tuning);
  let closed = false;
  return {
    engine,
    catalog: new TestCatalog(engine),
    dir,
    dataDir: options.dataDir,
    importDir: options.importDir,
    options,
    async cleanup() {
      if (!closed) await engine.close();
      closed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { decode, rejectsWith, rejectsWithOneOf } from './expect';
