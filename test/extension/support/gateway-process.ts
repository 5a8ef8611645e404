/**
 * A real gateway for the extension tests (`node dist/cli.js serve` as a child process, so a test
 * can kill it and start it again on the same port), over the shared test/support helper, with
 * an import dir and a config dir of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayProcess as startShared, type GatewayProcess as SharedGatewayProcess } from '../../support/gateway-process';

export interface GatewayProcess extends SharedGatewayProcess {
  importDir: string;
}

export interface GatewayDirs {
  dataDir: string;
  importDir: string;
  /** FRAMEGATE_CONFIG_DIR: the admin's credentials, kept across restarts on the same data dir. */
  configDir: string;
  remove(): void;
}

export function tempGatewayDirs(): GatewayDirs {
  const dataDir = mkdtempSync(join(tmpdir(), 'framegate-ext-data-'));
  const importDir = mkdtempSync(join(tmpdir(), 'framegate-ext-import-'));
  const configDir = mkdtempSync(join(tmpdir(), 'framegate-ext-config-'));
  return {
    dataDir,
    importDir,
    configDir,
    remove: () => {
      for (const dir of [dataDir, importDir, configDir]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `framegate serve` on the dirs and resolves once it logged its `listening` line. A restart
 * on the same dirs finds the first run's admin credentials in `dirs.configDir`.
 */
export async function startGatewayProcess(dirs: GatewayDirs, { port = 0, demo = false }: { port?: number; demo?: boolean } = {}): Promise<GatewayProcess> {
  const args = ['--import-dir', dirs.importDir, ...(demo ? ['--demo'] : [])];
  const gateway = await startShared({ dataDir: dirs.dataDir, configDir: dirs.configDir, port, args });
  return { ...gateway, importDir: dirs.importDir };
}

/** Polls `condition` until it holds (no fixed sleeps in tests). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
