/**
 * The gate in front of every WebSocket: browser origins, then the bearer token, checked on the
 * HTTP upgrade before any protocol message is read. Refusals are plain HTTP answers with a JSON
 * body (`UpgradeRefusal`) that the CLI and the extension show as they are; failures from one
 * address slow its later attempts down.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { UpgradeRefusal } from '../../protocol';
import type { VerifiedToken } from '../catalog/tokens';
import type { Logger } from '../logger';
import type { FailureLimiter } from './rate-limit';

export interface UpgradeGateOptions {
  allowedOrigins: readonly string[];
  verify(token: string): Promise<VerifiedToken | null>;
  limiter: FailureLimiter;
  logger: Logger;
  /** Starting: not yet ready to take connections (the first admin is still being made); stopping: never again. */
  phase(): 'starting' | 'serving' | 'stopping';
  /** Completes the upgrade of an authenticated request. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer, who: VerifiedToken): void;
  /** Told of every connection refused at the door (for the audit log). */
  refused?(remoteAddress: string, reason: string): void;
}

export const MISSING_TOKEN_MESSAGE =
  'this gateway needs a token: run "framegate login URL" (or set FRAMEGATE_TOKEN), or Sign In from VS Code';
export const REJECTED_TOKEN_MESSAGE =
  'the gateway did not accept your token: it is wrong, was rotated or revoked, or its user was removed; ask an admin for a new one and run "framegate login"';

/** The token of `Authorization: Bearer TOKEN`, if there is one. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export function refuse(socket: Duplex, status: number, refusal: UpgradeRefusal): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(refusal);
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...(status === 401 ? ['WWW-Authenticate: Bearer realm="framegate"'] : []),
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}

function delay(ms: number, socket: Duplex): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function createUpgradeGate(options: UpgradeGateOptions): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { logger, limiter } = options;
  const gate = async (request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    const address = request.socket.remoteAddress ?? 'unknown';
    const origin = request.headers.origin;
    if (origin !== undefined && !options.allowedOrigins.includes(origin)) {
      logger.warn({ event: 'origin-refused', origin, remoteAddress: address }, 'refused a browser origin');
      options.refused?.(address, `browser origin ${origin}`);
      refuse(socket, 403, { error: 'Forbidden', message: `origin ${origin} is not allowed (see --allow-origin)` });
      return;
    }
    const phase = options.phase();
    if (phase !== 'serving') {
      refuse(socket, 503, { error: 'Unavailable', message: phase === 'starting' ? 'the gateway is starting; try again in a moment' : 'the gateway is shutting down' });
      return;
    }
    await delay(limiter.delayFor(address), socket);
    if (socket.destroyed) return;
    const token = bearerToken(request);
    const who = token === undefined ? null : await options.verify(token);
    if (socket.destroyed) return;
    if (!who) {
      limiter.failed(address);
      const reason = token === undefined ? 'no token' : 'token not accepted';
      logger.warn({ event: 'auth-refused', remoteAddress: address, reason }, 'refused a connection');
      options.refused?.(address, reason);
      refuse(socket, 401, { error: 'Unauthorized', message: token === undefined ? MISSING_TOKEN_MESSAGE : REJECTED_TOKEN_MESSAGE });
      return;
    }
    limiter.succeeded(address);
    options.accept(request, socket, head, who);
  };
  return (request, socket, head) => {
    // A client that hangs up mid-check must not become an unhandled error.
    socket.on('error', (error) => logger.debug({ event: 'upgrade-socket-error', err: error.message }, 'socket error during upgrade'));
    gate(request, socket, head).catch((error: unknown) => {
      logger.error({ event: 'upgrade-failed', err: error }, 'upgrade failed');
      refuse(socket, 500, { error: 'Forbidden', message: 'the gateway failed to check this connection' });
    });
  };
}
