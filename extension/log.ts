/**
 * Logs for people reading the "Framegate" output channel: one line per event, at its level
 * (VS Code's LogOutputChannel adds the time and level and lets the user filter by level), as the
 * event name and its fields as `key=value`. Errors carry their code and detail here, so messages
 * shown to the user can stay in the user's terms (errors.ts).
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The part of vscode.LogOutputChannel used here. */
export type LevelSink = Record<LogLevel, (message: string) => void>;

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

function errorText(error: Error): string {
  const { code, detail, kind: named } = error as Error & { code?: unknown; detail?: unknown; kind?: unknown };
  const kind = typeof named === 'string' ? named : error.name;
  let text = `${kind}${typeof code === 'number' || typeof code === 'string' ? `(${code})` : ''}: ${error.message}`;
  if (detail !== undefined) text += ` detail=${JSON.stringify(detail, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
  return text;
}

/** One field's value as log text: strings bare unless they need quotes, errors with code and detail. */
export function fieldText(value: unknown): string {
  if (value instanceof Error) return `[${errorText(value)}]`;
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? typeof value;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function formatEvent(event: string, fields: Record<string, unknown> = {}): string {
  const parts = Object.entries(fields).map(([key, value]) => `${key}=${fieldText(value)}`);
  return parts.length === 0 ? event : `${event} ${parts.join(' ')}`;
}

export function createLogger(sink: LevelSink): Logger {
  return {
    debug: (event, fields) => sink.debug(formatEvent(event, fields)),
    info: (event, fields) => sink.info(formatEvent(event, fields)),
    warn: (event, fields) => sink.warn(formatEvent(event, fields)),
    error: (event, fields) => sink.error(formatEvent(event, fields)),
  };
}

/** A sink that keeps `level message` lines, for tests and for hosts without a log channel. */
export function lineSink(write: (line: string) => void): LevelSink {
  return {
    debug: (message) => write(`debug ${message}`),
    info: (message) => write(`info ${message}`),
    warn: (message) => write(`warn ${message}`),
    error: (message) => write(`error ${message}`),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger(lineSink(() => undefined));
