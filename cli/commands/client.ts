/**
 * How client commands reach the gateway: the URL (--url / FRAMEGATE_URL), the token (--token /
 * FRAMEGATE_TOKEN, else the one saved for that URL by `framegate login` or by a gateway started
 * here), one connection per command.
 */
import { GatewayClient } from '../../rpc/client';
import { readCredential } from '../../rpc/credentials';
import { Output } from '../output';

export interface GlobalOptions {
  url: string;
  token?: string;
  json: boolean;
}

/** The token to use for `url`: given, or saved for it. */
export function tokenFor(globals: Pick<GlobalOptions, 'url' | 'token'>): string | undefined {
  return globals.token ?? readCredential(globals.url)?.token;
}

export async function withClient<T>(globals: GlobalOptions, work: (client: GatewayClient, output: Output) => Promise<T>): Promise<T> {
  const token = tokenFor(globals);
  const client = await GatewayClient.connect(globals.url, token ? { token } : {});
  try {
    return await work(client, new Output(globals.json));
  } finally {
    client.close();
  }
}
