/** Gateway commands: serve (run one here), info, shutdown. */
import { Methods } from '../../protocol';
import type { EngineKind, GatewayConfig } from '../../server/config';
import { loadServe } from '../lazy';
import { formatCount } from '../output';
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
  threads?: number;
  engine: EngineKind;
  sparkRemote?: string;
  sparkDatabase?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure: boolean;
  logLevel: string;
}

export async function serve(options: ServeOptions): Promise<void> {
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
    threads: options.threads,
    engine: options.engine,
    sparkRemote: options.sparkRemote,
    sparkDatabase: options.sparkDatabase,
    tlsCert: options.tlsCert,
    tlsKey: options.tlsKey,
    insecure: options.insecure,
    logLevel: options.logLevel,
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
        `import dirs: ${info.importDirs.length ? info.importDirs.join(', ') : '(none)'}`,
      ].join('\n'),
    );
  });
}

export function shutdown(globals: GlobalOptions): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.shutdown, {});
    output.result(result, () => `gateway at ${client.url} is stopping`);
  });
}
