/** The extension's settings, read through a getter so tests need no VS Code. */
import { userInfo } from 'node:os';
import { DEFAULT_URL } from '../protocol';

export interface FramegateSettings {
  url: string;
  user: string;
  autoConnect: boolean;
}

/** `get(key)` returns the user's value, or undefined when unset. */
export type SettingGetter = (key: 'url' | 'user' | 'autoConnect') => unknown;

export function osUserName(): string {
  try {
    return userInfo().username || 'anonymous';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'anonymous';
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function readSettings(get: SettingGetter, defaultUser: () => string = osUserName): FramegateSettings {
  const autoConnect = get('autoConnect');
  return {
    url: text(get('url')) ?? DEFAULT_URL,
    user: text(get('user')) ?? defaultUser(),
    autoConnect: typeof autoConnect === 'boolean' ? autoConnect : true,
  };
}

/** Why a gateway URL is unusable, or undefined when it is fine. */
export function validateGatewayUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL; expected something like ws://127.0.0.1:7878`;
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return `a gateway URL starts with ws:// or wss://, not ${parsed.protocol}//`;
  return undefined;
}
