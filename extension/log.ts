/** Structured logs: one JSON object per line, written to the "Framegate" output channel. */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LineSink {
  appendLine(line: string): void;
}

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

function serializable(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return code === undefined ? { name: value.name, message: value.message } : { name: value.name, message: value.message, code };
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

export function createLogger(sink: LineSink, now: () => Date = () => new Date()): Logger {
  const write = (level: LogLevel, event: string, fields: Record<string, unknown> = {}): void => {
    const record: Record<string, unknown> = { time: now().toISOString(), level, event };
    for (const [key, value] of Object.entries(fields)) record[key] = serializable(value);
    sink.appendLine(JSON.stringify(record));
  };
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ appendLine: () => undefined });
