/** The extension's settings, read through a getter so tests need no VS Code. */
import { DEFAULT_URL } from '../protocol';

export interface FramegateSettings {
  url: string;
  autoConnect: boolean;
}

/** `get(key)` returns the user's value, or undefined when unset. */
export type SettingGetter = (key: 'url' | 'autoConnect') => unknown;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function readSettings(get: SettingGetter): FramegateSettings {
  const autoConnect = get('autoConnect');
  return {
    url: text(get('url')) ?? DEFAULT_URL,
    autoConnect: typeof autoConnect === 'boolean' ? autoConnect : true,
  };
}

/** Why a gateway URL is unusable, or undefined when it is fine. */
export function validateGatewayUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return `"${url}" is not a URL; expected something like ws://127.0.0.1:7878`;
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return `a gateway URL starts with ws:// or wss://, not ${parsed.protocol}//`;
  return undefined;
}

/**
 * A gateway as people name it: `127.0.0.1:7878` for ws://, the whole `wss://host:port` for TLS
 * (so the difference stays visible). Falls back to the text given when it is not a URL.
 */
export function gatewayLabel(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port ? `:${parsed.port}` : '';
    return parsed.protocol === 'ws:' ? `${parsed.hostname}${port}` : `${parsed.protocol}//${parsed.hostname}${port}`;
  } catch {
    return url;
  }
}
