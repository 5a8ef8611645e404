/**
 * Saved gateway credentials, for the local OS user only (like Jupyter's runtime files or `gh`'s
 * hosts file): `credentials.json` in the user's config directory, mode 0600, keyed by gateway URL.
 * A gateway writes its first admin's token here; `framegate login` adds one; the CLI, the VS Code
 * extension and the Python client read it when no token is given.
 *
 * Location: $FRAMEGATE_CONFIG_DIR, else $XDG_CONFIG_HOME/framegate (~/.config/framegate) on
 * Linux, ~/Library/Application Support/framegate on macOS, %APPDATA%\framegate on Windows.
 *
 * Format: {"version": 1, "gateways": {"ws://127.0.0.1:7878": {"user": "…", "token": "…", "savedAt": "…"}}}
 */
import { chmodSync, mkdirSync, openSync, readFileSync, renameSync, closeSync, writeSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface SavedCredential {
  user: string;
  token: string;
  savedAt: string;
}

interface CredentialsFile {
  version: 1;
  gateways: Record<string, SavedCredential>;
}

export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.FRAMEGATE_CONFIG_DIR) return env.FRAMEGATE_CONFIG_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'framegate');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'framegate');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'framegate');
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'credentials.json');
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * The key of a gateway URL: scheme, host and port only, lower case, the loopback names folded into
 * 127.0.0.1 (a gateway on loopback is the same one under any of them).
 */
export function gatewayKey(url: string): string {
  const parsed = new URL(url);
  const host = LOOPBACK_NAMES.has(parsed.hostname.toLowerCase()) ? '127.0.0.1' : parsed.hostname.toLowerCase();
  const port = parsed.port || (parsed.protocol === 'wss:' ? '443' : '80');
  return `${parsed.protocol}//${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

function readFile(path: string): CredentialsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, gateways: {} };
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<CredentialsFile>;
  return { version: 1, gateways: parsed.gateways && typeof parsed.gateways === 'object' ? parsed.gateways : {} };
}

/** Writes the whole file anew: a temp file created 0600, then renamed over the old one. */
function writeFileAtomic(path: string, content: CredentialsFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(content, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  chmodSync(path, 0o600);
}

export function readCredential(url: string, env: NodeJS.ProcessEnv = process.env): SavedCredential | undefined {
  let key: string;
  try {
    key = gatewayKey(url);
  } catch {
    return undefined;
  }
  const entry = readFile(credentialsPath(env)).gateways[key];
  return entry && typeof entry.token === 'string' ? entry : undefined;
}

export function saveCredential(url: string, credential: { user: string; token: string }, env: NodeJS.ProcessEnv = process.env): string {
  const path = credentialsPath(env);
  const file = readFile(path);
  file.gateways[gatewayKey(url)] = { user: credential.user, token: credential.token, savedAt: new Date().toISOString() };
  writeFileAtomic(path, file);
  return path;
}

/** True when there was an entry for the URL. */
export function removeCredential(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const path = credentialsPath(env);
  const file = readFile(path);
  const key = gatewayKey(url);
  if (!(key in file.gateways)) return false;
  delete file.gateways[key];
  if (Object.keys(file.gateways).length === 0) rmSync(path, { force: true });
  else writeFileAtomic(path, file);
  return true;
}
