/**
 * The gateway: one WebSocket server, one Session per connection, one engine shared by all.
 * Owns the lifecycle: start (open engine, seed demo, listen), broadcast catalog changes, and a
 * clean stop (close every session, then the engine) on shutdown request or close().
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FramesChangedNotification } from '../protocol';
import { CloseCodes } from '../rpc/channel';
import { RpcPeer } from '../rpc/peer';
import { wsChannel } from '../rpc/ws-channel';
import { resolveConfig, type GatewayConfig } from './config';
import type { Engine } from './engine/engine';
import { openDuckDBEngine, seedDemo } from './engine';
import { createLogger, type Logger } from './logger';
import { Session } from './session';

export interface Gateway {
  /** `ws://host:port`, with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly config: GatewayConfig;
  /** Stops the gateway: closes every connection, then the engine. Idempotent. */
  close(): Promise<void>;
  /** Settles once the gateway has stopped, whether by close() or by a `gateway/shutdown` request. */
  readonly stopped: Promise<void>;
}

export interface GatewayDependencies {
  /** Use this engine instead of opening DuckDB from the config (the gateway still closes it). */
  engine?: Engine;
  logger?: Logger;
}

const MAX_USER_LENGTH = 128;
/** Pings find clients that vanished without closing (sleeping laptops, dropped networks). */
const HEARTBEAT_MS = 30_000;
/** How long a stopping gateway waits for clients to answer its close frame. */
const CLOSE_GRACE_MS = 2_000;

/** The connecting user, from the `user` query parameter of the WebSocket URL. */
function userOf(request: IncomingMessage): string {
  const user = new URL(request.url ?? '/', 'ws://gateway').searchParams.get('user')?.trim();
  return user ? user.slice(0, MAX_USER_LENGTH) : 'anonymous';
}

/** Resolves once every socket has closed, or after `graceMs`, whichever comes first. */
function allClosed(sockets: WebSocket[], graceMs: number): Promise<void> {
  const open = sockets.filter((socket) => socket.readyState !== socket.CLOSED);
  if (open.length === 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, graceMs);
    let left = open.length;
    for (const socket of open) {
      socket.once('close', () => {
        if (--left === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

function formatUrl(host: string, port: number): string {
  return `ws://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function startGateway(options: Partial<GatewayConfig>, dependencies: GatewayDependencies = {}): Promise<Gateway> {
  const config = resolveConfig(options);
  const logger = dependencies.logger ?? createLogger(config.logLevel);
  const engine =
    dependencies.engine ??
    (await openDuckDBEngine({
      dataDir: config.dataDir,
      importDirs: config.importDirs,
      queryTimeoutMs: config.queryTimeoutMs,
      memoryLimit: config.memoryLimit,
      threads: config.threads,
    }));
  try {
    if (config.demo) await seedDemo(engine);
  } catch (error) {
    await engine.close();
    throw error;
  }

  const sessions = new Set<Session>();
  let stopping: Promise<void> | undefined;
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));

  const broadcast = (notification: FramesChangedNotification) => {
    for (const session of sessions) session.notify(notification);
  };

  const httpServer = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' });
    response.end('This is a Framegate gateway: connect with a WebSocket client (framegate CLI or VS Code extension).\n');
  });
  const wss = new WebSocketServer({
    server: httpServer,
    maxPayload: config.maxMessageBytes,
    verifyClient: ({ origin, req }, done) => {
      if (origin === undefined || config.allowedOrigins.includes(origin)) return done(true);
      logger.warn({ event: 'origin-refused', origin, remoteAddress: req.socket.remoteAddress }, 'refused a browser origin');
      done(false, 403, `origin ${origin} is not allowed (see --allow-origin)`);
    },
  });
  // ws re-emits the HTTP server's errors; a failure to listen is reported once, by startGateway.
  wss.on('error', (error) => {
    if (httpServer.listening) logger.error({ event: 'server-error', err: error }, 'WebSocket server error');
  });

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const user = userOf(request);
    const remoteAddress = request.socket.remoteAddress;
    if (stopping) {
      socket.close(CloseCodes.goingAway, 'gateway shutting down');
      return;
    }
    // ws reports oversize (1009) and malformed frames (1002) as an 'error' then closes the socket;
    // without a listener the error would take the whole gateway down.
    socket.on('error', (error) => logger.warn({ event: 'socket-error', user, err: error.message }, 'client socket error'));
    socket.on('close', (code, reason) => logger.info({ event: 'disconnected', user, code, reason: reason.toString() }, 'client disconnected'));

    const peer = new RpcPeer(wsChannel(socket, { heartbeatMs: HEARTBEAT_MS }), {
      maxAttachmentBytes: config.maxUploadBytes,
      onProtocolError: (message) => logger.warn({ event: 'protocol-error', user, message }, 'rejected a malformed message'),
    });
    const session = new Session(peer, {
      engine,
      config,
      logger,
      user,
      remoteAddress,
      broadcast,
      // After the reply has been handed to the socket (it is written before setImmediate runs).
      requestShutdown: () => setImmediate(() => void close()),
    });
    sessions.add(session);
    peer.onClose(() => sessions.delete(session));
    peer.listen();
    logger.info({ event: 'connected', user, remoteAddress }, 'client connected');
  });

  const close = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ event: 'stopping' }, 'gateway stopping');
      const serverClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      for (const client of wss.clients) client.close(CloseCodes.goingAway, 'gateway shutting down');
      await Promise.all([...sessions].map((session) => session.close()));
      // Give clients a moment to finish the close handshake (so they see 1001, not a dropped
      // connection), then cut whatever is left so close() never hangs.
      await allClosed([...wss.clients], CLOSE_GRACE_MS);
      for (const client of wss.clients) client.terminate();
      httpServer.closeAllConnections();
      await serverClosed;
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      try {
        await engine.close();
      } catch (error) {
        logger.error({ event: 'engine-close-failed', err: error }, 'engine close failed');
      }
      logger.info({ event: 'stopped' }, 'gateway stopped');
      markStopped();
    })();
    return stopping;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await engine.close();
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is in use (another gateway?)' : code === 'EADDRNOTAVAIL' ? 'no such local address' : (code ?? (error as Error).message);
    throw new Error(`cannot listen on ${config.host}:${config.port}: ${why}`, { cause: error });
  }

  const port = (httpServer.address() as AddressInfo).port;
  const url = formatUrl(config.host, port);
  // Scripts and tests wait for this line: it is written whatever the log level.
  logger.child({}, { level: 'info' }).info({ event: 'listening', url, dataDir: config.dataDir, importDirs: config.importDirs, engine: engine.description }, 'gateway listening');
  return { url, port, config, close, stopped };
}
