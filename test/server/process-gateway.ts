/**
 * `startTestGateway` for runs on another engine than DuckDB (test/support/test-engine.ts): the
 * same TestGateway, served by a real `framegate serve` child process (with the engine's flags)
 * instead of an in-process gateway. The config becomes serve's flags; `logs` are the process's
 * JSON log lines (at debug level, as in process); `gateway` stands for the process.
 */
import { rmSync } from 'node:fs';
import { resolveConfig, type GatewayConfig } from '../../server/config';
import type { Gateway } from '../../server/gateway';
import { startGatewayProcess } from '../support/gateway-process';
import type { LogEntry, TestGateway } from './support';

/** Keys whose flag is not the kebab-case of the key. */
const FLAG_OF: Partial<Record<keyof GatewayConfig, string>> = { importDirs: '--import-dir', allowedOrigins: '--allow-origin' };
/** Set by startGatewayProcess itself, or by this module. */
const GIVEN = new Set<keyof GatewayConfig>(['host', 'port', 'dataDir', 'logLevel', 'importDirs']);

function flagsOf(config: Partial<GatewayConfig>): string[] {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(config) as [keyof GatewayConfig, unknown][]) {
    if (GIVEN.has(key) || value === undefined) continue;
    const flag = FLAG_OF[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (typeof value === 'boolean') {
      if (value) flags.push(flag);
    } else if (Array.isArray(value)) {
      for (const item of value as (string | number)[]) flags.push(flag, String(item));
    } else if (typeof value === 'string' || typeof value === 'number') {
      flags.push(flag, String(value));
    } else {
      throw new Error(`no serve flag for the config key ${key}`);
    }
  }
  return flags;
}

export async function startProcessTestGateway(
  config: Partial<GatewayConfig>,
  dirs: { dataDir: string; importDir: string; configDir: string },
  keepDirs: boolean,
  reuseAdminToken?: string,
): Promise<TestGateway> {
  const served = await startGatewayProcess({
    dataDir: dirs.dataDir,
    configDir: dirs.configDir,
    adminName: 'root',
    ...(reuseAdminToken ? { adminToken: reuseAdminToken } : {}),
    port: config.port ?? 0,
    args: ['--import-dir', dirs.importDir, '--log-level', 'debug', ...flagsOf(config)],
  });
  const stopped = new Promise<void>((resolve) => {
    if (served.child.exitCode !== null || served.child.signalCode !== null) resolve();
    else served.child.once('exit', () => resolve());
  });
  const gateway: Gateway = {
    url: served.url,
    port: served.port,
    config: resolveConfig({ ...config, dataDir: dirs.dataDir, importDirs: [dirs.importDir], port: served.port }),
    bootstrap: { user: served.adminUser, token: served.adminToken },
    close: () => served.stop(),
    // The process stops gracefully on SIGTERM, with the grace period of its own configuration.
    shutdown: (graceSeconds) => {
      served.child.kill('SIGTERM');
      return new Date(Date.now() + graceSeconds * 1000);
    },
    stopped,
  };
  return {
    gateway,
    url: served.url,
    dataDir: dirs.dataDir,
    importDir: dirs.importDir,
    configDir: dirs.configDir,
    adminToken: served.adminToken,
    get logs(): LogEntry[] {
      return served.log.flatMap((line) => {
        try {
          return [JSON.parse(line) as LogEntry];
        } catch {
          return [];
        }
      });
    },
    connect: (token = served.adminToken) => served.connect(token),
    addUser: (name, flags = {}) => served.addUser(name, flags),
    dispose: async () => {
      await served.stop();
      rmSync(dirs.configDir, { recursive: true, force: true });
      if (!keepDirs) {
        rmSync(dirs.dataDir, { recursive: true, force: true });
        rmSync(dirs.importDir, { recursive: true, force: true });
      }
    },
  };
}
