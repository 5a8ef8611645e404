/** Gateway commands: serve (run one here), info, shutdown. */
import { Methods } from '../../protocol';
import type { EngineKind, GatewayConfig } from '../../server/config';
import { resolve } from 'node:path';
import { loadCheck, loadServe } from '../lazy';
import { formatCount, Output } from '../output';
import { shortTime } from '../render-objects';
import { withClient, type GlobalOptions } from './client';

export interface ServeOptions {
  host: string;
  port: number;
  dataDir: string;
  importDir: string[];
  allowOrigin: string[];
  demo: boolean;
  maxMessageBytes: number;
  maxUploadBytes: number;
  queryTimeoutMs: number;
  memoryLimit?: string;
  maxQueries: number;
  maxQueriesPerUser: number;
  uploadIdleTimeoutMs: number;
  threads?: number;
  engine: EngineKind;
  sparkRemote?: string;
  sparkDatabase?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure: boolean;
  logLevel: string;
  keepVersions?: number;
  storageLimit?: number;
  eventQueue: number;
  /** Check the data dir and exit instead of serving. */
  check: boolean;
}

/** Thrown to end the command with an exit code after its output (doctor found problems). */
export class ExitWith extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitWith';
  }
}

/** `framegate doctor --data-dir DIR` and `serve --check`: is the data dir whole? Exit 1 when it is not. */
export async function doctor(dataDir: string, json: boolean): Promise<void> {
  const { formatReport, inspectDataDir } = loadCheck();
  const report = await inspectDataDir(resolve(dataDir));
  new Output(json).result(report, () => formatReport(report));
  if (report.problems.length > 0) throw new ExitWith(1);
}

export async function serve(options: ServeOptions): Promise<void> {
  if (options.check) return doctor(options.dataDir, false);
  const config: Partial<GatewayConfig> = {
    host: options.host,
    port: options.port,
    dataDir: options.dataDir,
    importDirs: options.importDir,
    allowedOrigins: options.allowOrigin,
    demo: options.demo,
    maxMessageBytes: options.maxMessageBytes,
    maxUploadBytes: options.maxUploadBytes,
    queryTimeoutMs: options.queryTimeoutMs,
    memoryLimit: options.memoryLimit,
    maxQueries: options.maxQueries,
    maxQueriesPerUser: options.maxQueriesPerUser,
    uploadIdleTimeoutMs: options.uploadIdleTimeoutMs,
    threads: options.threads,
    engine: options.engine,
    sparkRemote: options.sparkRemote,
    sparkDatabase: options.sparkDatabase,
    tlsCert: options.tlsCert,
    tlsKey: options.tlsKey,
    insecure: options.insecure,
    logLevel: options.logLevel,
    keepVersions: options.keepVersions,
    storageLimitBytes: options.storageLimit,
    eventQueueLimit: options.eventQueue,
  };
  const { serve: runGateway } = loadServe();
  await runGateway(config);
}

export function info(globals: GlobalOptions): Promise<void> {
  return withClient(globals, async (client, output) => {
    const info = await client.request(Methods.info, {});
    output.result(info, () =>
      [
        `${info.name} ${info.version} (protocol ${info.protocolVersion}) at ${client.url}`,
        `engine: ${info.engine}`,
        `max message: ${formatCount(info.maxMessageBytes)} bytes, max upload: ${formatCount(info.maxUploadBytes)} bytes, query timeout: ${formatCount(info.queryTimeoutMs)} ms`,
        `memory budget: ${formatCount(info.memoryLimitBytes)} bytes (${formatCount(info.memoryUsedBytes)} held by the gateway now, ${formatCount(info.memoryCachedBytes)} of them cached frame data), queries per user at once: ${info.maxQueriesPerUser}`,
        `import dirs: ${info.importDirs.length ? info.importDirs.join(', ') : '(none)'}`,
      ].join('\n'),
    );
  });
}

export function shutdown(globals: GlobalOptions, options: { grace?: number }): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.shutdown, options.grace === undefined ? {} : { graceSeconds: options.grace });
    output.result(result, () => `gateway at ${client.url} is stopping: it takes no new work; running work may finish until ${shortTime(result.deadline)} UTC (${result.graceSeconds} s), then it is cancelled`);
  });
}
