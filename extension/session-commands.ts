/**
 * Who you are on which gateway: Connect, Sign In, Sign Out, the status bar menu, and what happens
 * when the gateway refuses the token. Over Ui and small interfaces, without `vscode`.
 */
import { Methods, type WhoAmIResult } from '../protocol';
import { AuthError, ConnectError, GatewayClient } from '../rpc/client';
import type { Credentials } from './auth';
import type { Ui } from './commands';
import { gatewayLabel, validateGatewayUrl } from './config';
import type { ConnectionManager, ConnectionState } from './connection';
import type { Disposable } from './emitter';
import type { Logger } from './log';
import { statusMenuItems, type StatusAction } from './status';

/** Checks a token: connects with it, asks `whoami`, closes. Throws AuthError when refused. */
export type VerifyFn = (url: string, token: string) => Promise<WhoAmIResult>;

export const verifyWithGateway: VerifyFn = async (url, token) => {
  const client = await GatewayClient.connect(url, { token, connectTimeoutMs: 10_000 });
  try {
    return await client.request(Methods.whoami, {});
  } finally {
    client.close();
  }
};

export interface SessionContext {
  ui: Ui;
  log: Logger;
  connection: Pick<ConnectionManager, 'connect' | 'disconnect' | 'state' | 'url'>;
  credentials: Credentials;
  settings: {
    /** `framegate.url`. */
    url(): string;
    /** Makes `url` the gateway to connect to from now on. */
    setUrl(url: string): PromiseLike<void>;
  };
  verify: VerifyFn;
}

function identity(me: WhoAmIResult): string {
  return me.admin ? `${me.user} (admin)` : me.user;
}

/** Connects to `framegate.url`. An explicit Connect may use the credentials file again after a sign-out. */
export async function connect(ctx: SessionContext, { retry = false, explicit = true }: { retry?: boolean; explicit?: boolean } = {}): Promise<void> {
  const url = ctx.settings.url().trim();
  const invalid = validateGatewayUrl(url);
  if (invalid) throw new Error(`framegate.url: ${invalid}`);
  if (explicit) await ctx.credentials.allowFile(url);
  await ctx.connection.connect(url, { retry });
}

/**
 * Sign In: the gateway URL (prefilled from framegate.url) and the token (hidden), checked with the
 * gateway (`whoami`) before it is stored in SecretStorage; then connects with it. A refused token
 * or an unreachable gateway is said in plain words and nothing is stored. With `given` (scripts,
 * tests) the values given are not asked for.
 */
export async function signIn(ctx: SessionContext, given: { url?: string; token?: string } = {}): Promise<WhoAmIResult | undefined> {
  const url = (
    given.url ??
    (await ctx.ui.input({
      title: 'Framegate: Sign In (1/2)',
      prompt: 'The WebSocket URL of the gateway',
      value: ctx.connection.url ?? ctx.settings.url(),
      placeHolder: 'ws://127.0.0.1:7878',
      validate: validateGatewayUrl,
    }))
  )?.trim();
  if (url === undefined) return undefined;
  const invalid = validateGatewayUrl(url);
  if (invalid) throw new Error(invalid);
  const token = (
    given.token ??
    (await ctx.ui.input({
      title: 'Framegate: Sign In (2/2)',
      prompt: `Your token for ${gatewayLabel(url)}, as your admin gave it to you (framegate user add prints it)`,
      password: true,
      validate: (value) => (value.trim() === '' ? 'Paste the token your admin gave you.' : undefined),
    }))
  )?.trim();
  if (token === undefined) return undefined;
  if (token === '') throw new Error('Framegate: the token is empty.');

  let me: WhoAmIResult;
  try {
    me = await ctx.verify(url, token);
  } catch (error) {
    ctx.log.warn('signIn.failed', { url, error });
    if (error instanceof AuthError) ctx.ui.error(`Framegate: ${gatewayLabel(url)} did not accept this token: ${error.message}`);
    else if (error instanceof ConnectError) ctx.ui.error(`Framegate: cannot reach the gateway at ${url}. Is it running? (${error.message})`);
    else throw error;
    return undefined;
  }
  await ctx.credentials.save(url, token);
  ctx.log.info('signIn', { url, user: me.user, admin: me.admin });
  // Connect first, then point the setting at the gateway: the setting's change handler then sees
  // the connection already there and does not connect again.
  await ctx.connection.connect(url);
  if (ctx.settings.url().trim() !== url) await ctx.settings.setUrl(url);
  ctx.ui.info(`Framegate: signed in to ${gatewayLabel(url)} as ${identity(me)}.`);
  return me;
}

/** Sign Out: forgets the stored token of the gateway and disconnects. */
export async function signOut(ctx: SessionContext): Promise<void> {
  const url = (ctx.connection.url ?? ctx.settings.url()).trim();
  if (validateGatewayUrl(url)) {
    ctx.connection.disconnect();
    return;
  }
  await ctx.credentials.forget(url);
  ctx.connection.disconnect();
  ctx.log.info('signOut', { url });
  const fileToo = ctx.credentials.fromFile(url) !== undefined;
  ctx.ui.info(
    `Framegate: signed out of ${gatewayLabel(url)}.` +
      (fileToo ? ' This machine\'s Framegate credentials file also has a token for it ("framegate logout" removes it); Connect would use it.' : ''),
  );
}

/** What the user is told when the gateway wants a sign-in. */
export function signInMessage(state: Extract<ConnectionState, { kind: 'signInRequired' }>): string {
  return `Framegate: ${gatewayLabel(state.url)} needs you to sign in: ${state.message}`;
}

/**
 * Says it once each time the connection enters `signInRequired` (not on every retry, there are
 * none), with a "Sign In" button that runs `startSignIn`.
 */
export function offerSignIn(
  connection: Pick<ConnectionManager, 'onDidChangeState' | 'state'>,
  ui: Pick<Ui, 'warn'>,
  startSignIn: () => void,
): Disposable {
  let previous = connection.state.kind;
  return connection.onDidChangeState((state) => {
    const entered = state.kind === 'signInRequired' && previous !== 'signInRequired';
    previous = state.kind;
    if (!entered) return;
    void ui.warn(signInMessage(state), 'Sign In').then((choice) => {
      if (choice === 'Sign In') startSignIn();
    });
  });
}

/** The status bar click: a menu of what makes sense now; resolves to the action chosen. */
export async function statusMenu(ui: Pick<Ui, 'pickOne'>, state: ConnectionState): Promise<StatusAction | undefined> {
  const picked = await ui.pickOne(statusMenuItems(state), { title: 'Framegate', placeHolder: 'Choose an action' });
  return picked?.action;
}
