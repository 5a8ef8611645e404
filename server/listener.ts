/**
 * The HTTP(S) server a gateway listens on: `wss://` with a certificate and key, plain `ws://`
 * otherwise, which is refused beyond loopback (tokens would cross the network in clear) unless
 * the operator insists with --insecure.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { isLoopbackHost, type GatewayConfig } from './config';

function answerPlainHttp(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(426, { 'content-type': 'text/plain' });
  response.end('This is a Framegate gateway: connect with a WebSocket client (framegate CLI or VS Code extension).\n');
}

export function createListener(config: GatewayConfig): Server {
  if (!isLoopbackHost(config.host) && !config.tlsCert && !config.insecure) {
    throw new Error(
      `refusing to listen on ${config.host} without TLS: tokens would cross the network in clear. Give --tls-cert and --tls-key (or --insecure to accept that)`,
    );
  }
  if (config.tlsCert && config.tlsKey) {
    return createHttpsServer({ cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) }, answerPlainHttp);
  }
  return createHttpServer(answerPlainHttp);
}

export async function listen(server: Server, config: GatewayConfig): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is in use (another gateway?)' : code === 'EADDRNOTAVAIL' ? 'no such local address' : (code ?? (error as Error).message);
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${why}`, { cause: error });
  }
  return (server.address() as AddressInfo).port;
}

function formatUrl(scheme: string, host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The URL clients use, and the URLs they may know the gateway by (for saved credentials). */
export function gatewayUrls(config: GatewayConfig, port: number): { url: string; aliases: string[] } {
  const scheme = config.tlsCert ? 'wss' : 'ws';
  const url = formatUrl(scheme, config.host, port);
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  return { url, aliases: wildcard ? [formatUrl(scheme, '127.0.0.1', port), formatUrl(scheme, hostname(), port)] : [] };
}
