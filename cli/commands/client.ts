/**
 * How client commands reach the gateway: the URL (--url / FRAMEGATE_URL), the token (--token /
 * FRAMEGATE_TOKEN, else the one saved for that URL by `framegate login` or by a gateway started
 * here), one connection per command.
 */
import { readFileSync } from 'node:fs';
import { GatewayClient } from '../../rpc/client';
import { readCredential } from '../../rpc/credentials';
import { Output } from '../output';

export interface GlobalOptions {
  url: string;
  token?: string;
  /** A PEM file of certificates to trust for wss:// (a gateway with a private CA). */
  ca?: string;
  json: boolean;
}

/** Connection options from the global options: the token and, for wss://, extra trusted certificates. */
export function clientOptions(globals: GlobalOptions, token = tokenFor(globals)): { token?: string; ca?: Buffer } {
  return { ...(token ? { token } : {}), ...(globals.ca ? { ca: readFileSync(globals.ca) } : {}) };
}

/** The token to use for `url`: given, or saved for it. */
export function tokenFor(globals: Pick<GlobalOptions, 'url' | 'token'>): string | undefined {
  return globals.token ?? readCredential(globals.url)?.token;
}

export async function withClient<T>(globals: GlobalOptions, work: (client: GatewayClient, output: Output) => Promise<T>): Promise<T> {
  const client = await GatewayClient.connect(globals.url, clientOptions(globals));
  try {
    return await work(client, new Output(globals.json));
  } finally {
    client.close();
  }
}
