/**
 * Where the extension's token for a gateway comes from, without `vscode`: VS Code's SecretStorage
 * (what Sign In stores, keyed by the gateway's URL key), else the machine's credentials file
 * (rpc/credentials.ts: the token a local gateway wrote for its first admin, or `framegate login`),
 * so a gateway started on this machine works with no set-up. Tokens never go to settings or logs.
 */
import { ErrorCodes } from '../protocol';
import { AuthError } from '../rpc/client';
import type { ConnectFn, Gateway } from './connection';
import type { Logger } from './log';
import { gatewayKey, readCredential, type SavedCredential } from '../rpc/credentials';
import { isFramegateError } from './errors';

/** The part of vscode.SecretStorage used here. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** The part of vscode.Memento (globalState) used here. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export type TokenSource = 'signIn' | 'credentialsFile';

export interface ResolvedToken {
  token: string;
  source: TokenSource;
  /** The user the credentials file names (the file records it; SecretStorage keeps only the token). */
  user?: string;
}

/** The SecretStorage key of a gateway's token. Throws on a URL that is not one. */
export function secretKey(url: string): string {
  return `framegate.token:${gatewayKey(url)}`;
}

function signedOutKey(url: string): string {
  return `framegate.signedOut:${gatewayKey(url)}`;
}

/**
 * What a failure to connect means for the retry loop:
 * - `signIn`: the gateway refused the token or its absence (HTTP 401, or Unauthorized from a call):
 *   retrying cannot help, the user must sign in;
 * - `refused`: the gateway refused the connection for another reason that retrying cannot fix
 *   (HTTP 403: a browser origin it does not allow);
 * - `network`: anything else (unreachable, timed out, restarting, rate-limited): retry with backoff.
 */
export type FailureKind = 'signIn' | 'refused' | 'network';

export function failureKind(error: unknown): FailureKind {
  if (error instanceof AuthError) {
    if (error.status === 401) return 'signIn';
    if (error.status === 403) return 'refused';
    return 'network';
  }
  if (isFramegateError(error, ErrorCodes.Unauthorized)) return 'signIn';
  return 'network';
}

export interface CredentialsOptions {
  secrets: SecretStore;
  state: StateStore;
  /** Reads the machine's credentials file; rpc/credentials.ts `readCredential` by default. */
  readFile?: (url: string) => SavedCredential | undefined;
}

export class Credentials {
  private readonly readFile: (url: string) => SavedCredential | undefined;

  constructor(private readonly options: CredentialsOptions) {
    this.readFile = options.readFile ?? ((url) => readCredential(url));
  }

  /**
   * The token to connect to `url` with: the signed-in one, else the credentials file's, unless
   * the user signed out of this gateway (then only a new Sign In or an explicit Connect uses it).
   */
  async tokenFor(url: string): Promise<ResolvedToken | undefined> {
    const secret = await this.options.secrets.get(secretKey(url));
    if (secret) return { token: secret, source: 'signIn' };
    if (this.isSignedOut(url)) return undefined;
    return this.fromFile(url);
  }

  /** The credentials file's entry for `url`, if it has one (a read error counts as none). */
  fromFile(url: string): ResolvedToken | undefined {
    let saved: SavedCredential | undefined;
    try {
      saved = this.readFile(url);
    } catch {
      return undefined;
    }
    return saved ? { token: saved.token, source: 'credentialsFile', user: saved.user } : undefined;
  }

  /** Stores a verified token for `url` and clears a sign-out. */
  async save(url: string, token: string): Promise<void> {
    await this.options.secrets.store(secretKey(url), token);
    await this.options.state.update(signedOutKey(url), undefined);
  }

  /** Forgets the stored token and remembers the sign-out, so the credentials file is not used behind the user's back. */
  async forget(url: string): Promise<void> {
    await this.options.secrets.delete(secretKey(url));
    await this.options.state.update(signedOutKey(url), true);
  }

  /** An explicit Connect: the credentials file may be used again. */
  async allowFile(url: string): Promise<void> {
    if (this.isSignedOut(url)) await this.options.state.update(signedOutKey(url), undefined);
  }

  isSignedOut(url: string): boolean {
    try {
      return this.options.state.get<boolean>(signedOutKey(url)) === true;
    } catch {
      return false;
    }
  }
}

/**
 * The connection's connect function: each attempt looks the token up again (a Sign In or a
 * gateway writing its credentials file meanwhile is picked up by the next retry). Without any
 * token it still connects: an unreachable gateway is then retried like any other, and one that is
 * up answers 401 with its own words, which leads to Sign In.
 */
export function connectWithCredentials(credentials: Credentials, open: (url: string, token: string | undefined) => Promise<Gateway>, log: Logger): ConnectFn {
  return async (url) => {
    const found = await credentials.tokenFor(url);
    log.info('token', { url, source: found?.source ?? 'none', ...(found?.user ? { user: found.user } : {}) });
    return open(url, found?.token);
  };
}
