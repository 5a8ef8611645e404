/** Structured logs: pino JSON lines on stderr (fd 2), so stdout stays free for command output. */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  // Synchronous writes: the `listening` line must be out before anyone waits on it, and the last
  // lines must not be lost when the process exits right after shutdown.
  return pino({ level, base: { name: 'framegate' } }, pino.destination({ dest: 2, sync: true }));
}
