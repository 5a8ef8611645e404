/**
 * How the CLI fails: one line on stderr, `framegate: <message> (<Kind>)`, and an exit code that
 * tells scripts what went wrong.
 */
import { FramegateError } from '../protocol';
import { AuthError, ConnectError } from '../rpc/client';

export const ExitCodes = {
  ok: 0,
  /** The gateway answered with an error (frame not found, invalid SQL, …), or a local file failed. */
  gateway: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** No gateway at the URL. */
  connect: 3,
  /** The gateway refused the connection: no token, or a wrong or revoked one. */
  auth: 4,
} as const;

/** A bad command line noticed after parsing (e.g. an unknown output file type). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A local file could not be read or written. */
export class LocalFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalFileError';
  }
}

/** A long-running command (watch) whose connection the gateway closed for a reason of its own (kicked, too slow). */
export class DisconnectedError extends Error {
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(`the gateway closed the connection (${code}): ${reason || 'no reason given'}`);
    this.name = 'DisconnectedError';
  }
}

export function describeError(error: unknown): { line: string; exitCode: number } {
  if (error instanceof DisconnectedError) return { line: `framegate: ${error.message} (Disconnected)`, exitCode: ExitCodes.gateway };
  if (error instanceof ConnectError) return { line: `framegate: ${error.message} (CannotConnect)`, exitCode: ExitCodes.connect };
  if (error instanceof AuthError && error.status === 503) return { line: `framegate: ${error.url}: ${error.message} (Unavailable)`, exitCode: ExitCodes.connect };
  if (error instanceof AuthError) return { line: `framegate: ${error.url}: ${error.message} (${error.status === 401 ? 'Unauthorized' : 'Refused'})`, exitCode: ExitCodes.auth };
  if (error instanceof UsageError) return { line: `framegate: ${error.message} (UsageError)`, exitCode: ExitCodes.usage };
  if (error instanceof LocalFileError) return { line: `framegate: ${error.message} (LocalFileError)`, exitCode: ExitCodes.gateway };
  if (error instanceof FramegateError) return { line: `framegate: ${error.message} (${error.kind})`, exitCode: ExitCodes.gateway };
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return { line: `framegate: ${message}${code ? ` (${code})` : ''}`, exitCode: ExitCodes.gateway };
}
