/**
 * The gateway: one WebSocket server in front of the catalog (who, what, who may) and one engine
 * (the data). Owns the lifecycle: open the data dir, listen, authenticate every connection at the
 * upgrade, one Session per connection, a graceful stop (tell every client, take no new work, let
 * running work finish until a deadline, then cancel it) on a shutdown request or signal, and a
 * clean close (every session, then the engine and the catalog).
 */
import type { IncomingMessage } from 'node:http';
import { userInfo } from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCodes } from '../rpc/channel';
import { saveCredential } from '../rpc/credentials';
import { RpcPeer } from '../rpc/peer';
import { wsChannel } from '../rpc/ws-channel';
import { FailureLimiter } from './auth/rate-limit';
import { createUpgradeGate } from './auth/upgrade';
import type { BootstrapResult } from './catalog/catalog';
import type { VerifiedToken } from './catalog/tokens';
import { resolveConfig, type GatewayConfig } from './config';
import type { Engine } from './engine/engine';
import { createListener, gatewayUrls, listen } from './listener';
import { createLogger, type Logger } from './logger';
import { createServices } from './services';
import { Session } from './session';
import { openState, seedDemo } from './startup';

export interface Gateway {
  /** `ws://host:port` (or `wss://`), with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly config: GatewayConfig;
  /** Set when this start created the first admin: their name and token (also in the credentials file). */
  readonly bootstrap?: BootstrapResult;
  /** Stops the gateway now: cancels what runs, closes every connection, then the engine and the catalog. Idempotent. */
  close(): Promise<void>;
  /**
   * Stops the gateway gracefully: tells every client (`gateway.shutdown`), takes no new work, lets
   * running work finish for `graceSeconds`, cancels what is left, then closes. Returns the deadline.
   */
  shutdown(graceSeconds: number, by: string): Date;
  /** Settles once the gateway has stopped, whether by close() or by a `gateway/shutdown` request. */
  readonly stopped: Promise<void>;
}

export interface GatewayDependencies {
  /** Use this engine instead of opening one from the config (the gateway still closes it). */
  engine?: Engine;
  logger?: Logger;
  /** Environment for the credentials file location (FRAMEGATE_CONFIG_DIR, XDG_CONFIG_HOME). */
  env?: NodeJS.ProcessEnv;
  /** Name of the first admin of a new data dir; FRAMEGATE_ADMIN_NAME, else the OS user. */
  adminName?: string;
}

/** Pings find clients that vanished without closing (sleeping laptops, dropped networks). */
const HEARTBEAT_MS = 30_000;
/** How long a stopping gateway waits for clients to answer its close frame. */
const CLOSE_GRACE_MS = 2_000;
/** How long cancelled work may take to unwind after the shutdown deadline. */
const CANCEL_GRACE_MS = 5_000;

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

/** The OS user as a Framegate user name. */
function osUserName(): string {
  try {
    const name = userInfo().username.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 63);
    return /^[a-z_]/.test(name) ? name : `_${name}`.slice(0, 63);
  } catch {
    return 'admin';
  }
}

export async function startGateway(options: Partial<GatewayConfig>, dependencies: GatewayDependencies = {}): Promise<Gateway> {
  const config = resolveConfig(options);
  const logger = dependencies.logger ?? createLogger(config.logLevel);
  const server = createListener(config);
  const { catalog, engine, budget } = await openState(config, logger, dependencies.engine);
  let stopping: Promise<void> | undefined;
  let serving = false;
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));

  const shutdown = (graceSeconds: number, by: string): Date => {
    if (lifecycle.state !== 'running' || stopping) return lifecycle.deadline ?? new Date();
    const deadline = new Date(Date.now() + graceSeconds * 1000);
    lifecycle.drain(deadline);
    events.shutdown(deadline, graceSeconds, by);
    logger.info({ event: 'draining', by, deadline: deadline.toISOString(), running: lifecycle.running }, 'taking no new work; stopping once running work is done');
    void (async () => {
      if (!(await lifecycle.whenIdle(graceSeconds * 1000))) {
        lifecycle.passDeadline();
        logger.warn({ event: 'deadline-passed', running: lifecycle.running }, 'shutdown deadline passed: cancelling running work');
        for (const session of sessions.all()) session.interrupt();
        await lifecycle.whenIdle(CANCEL_GRACE_MS);
      }
      await close();
    })();
    return deadline;
  };

  const services = createServices(config, logger, catalog, engine, budget, (graceSeconds, by) => shutdown(graceSeconds, by));
  const { sessions, writer, events, lifecycle } = services;

  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes });
  wss.on('error', (error) => logger.error({ event: 'server-error', err: error }, 'WebSocket server error'));

  const onConnection = (socket: WebSocket, request: IncomingMessage, who: VerifiedToken) => {
    const remoteAddress = request.socket.remoteAddress;
    const principal = catalog.identity.principal(who.userId);
    if (stopping || !principal) {
      socket.close(stopping ? CloseCodes.goingAway : CloseCodes.unauthorized, stopping ? 'gateway shutting down' : 'user removed');
      return;
    }
    const user = principal.name;
    // ws reports oversize (1009) and malformed frames (1002) as an 'error' then closes the socket;
    // without a listener the error would take the whole gateway down.
    socket.on('error', (error) => logger.warn({ event: 'socket-error', user, err: error.message }, 'client socket error'));
    socket.on('close', (code, reason) => logger.info({ event: 'disconnected', user, code, reason: reason.toString() }, 'client disconnected'));
    const peer = new RpcPeer(wsChannel(socket, { heartbeatMs: HEARTBEAT_MS }), {
      maxAttachmentBytes: config.maxUploadBytes,
      attachmentIdleMs: config.uploadIdleTimeoutMs,
      reserve: (bytes, what) => services.budget.reserve(bytes, what),
      onProtocolError: (message) => logger.warn({ event: 'protocol-error', user, message }, 'rejected a malformed message'),
    });
    const session = new Session(
      peer,
      services,
      { id: sessions.nextId(), userId: who.userId, name: user, tokenId: who.tokenId, remoteAddress },
      { maxEvents: config.eventQueueLimit, highWaterBytes: config.eventHighWaterBytes },
    );
    sessions.add(session);
    peer.onClose(() => sessions.remove(session));
    peer.listen();
    logger.info({ event: 'connected', user, remoteAddress }, 'client connected');
  };

  server.on(
    'upgrade',
    createUpgradeGate({
      allowedOrigins: config.allowedOrigins,
      verify: (token) => catalog.identity.tokens.verify(token),
      limiter: new FailureLimiter(),
      logger,
      phase: () => (stopping || lifecycle.state !== 'running' ? 'stopping' : serving ? 'serving' : 'starting'),
      accept: (request, socket, head, who) => wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, request, who)),
      refused: (remoteAddress, reason) => {
        try {
          catalog.audit.record({ principal: null, action: 'refused', remoteAddress, detail: { reason } });
        } catch (error) {
          logger.error({ event: 'audit-failed', err: error }, 'could not write an audit line');
        }
      },
    }),
  );

  const close = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ event: 'stopping' }, 'gateway stopping');
      // From here on nothing more is recorded: a save still storing is dropped, not half-done.
      lifecycle.passDeadline();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of wss.clients) client.close(CloseCodes.goingAway, 'gateway shutting down');
      await Promise.all(sessions.all().map((session) => session.close()));
      // Give clients a moment to finish the close handshake (so they see 1001, not a dropped
      // connection), then cut whatever is left so close() never hangs.
      await allClosed([...wss.clients], CLOSE_GRACE_MS);
      for (const client of wss.clients) client.terminate();
      server.closeAllConnections();
      await serverClosed;
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      try {
        await engine.close();
      } catch (error) {
        logger.error({ event: 'engine-close-failed', err: error }, 'engine close failed');
      }
      // Requests still unwinding may touch the catalog (a failed save's audit, a drop): let them.
      await lifecycle.whenIdle(CLOSE_GRACE_MS);
      catalog.close();
      logger.info({ event: 'stopped' }, 'gateway stopped');
      markStopped();
    })();
    return stopping;
  };

  let port: number;
  let bootstrap: BootstrapResult | undefined;
  let urls: { url: string; aliases: string[] };
  try {
    port = await listen(server, config);
    urls = gatewayUrls(config, port);
    const env = dependencies.env ?? process.env;
    bootstrap =
      (await catalog.bootstrapAdmin(dependencies.adminName ?? env.FRAMEGATE_ADMIN_NAME ?? osUserName(), (admin) => {
        for (const url of [urls.url, ...urls.aliases]) saveCredential(url, admin, env);
      })) ?? undefined;
    if (bootstrap) logger.info({ event: 'admin-created', user: bootstrap.user }, `created the admin user ${bootstrap.user}; their token is saved for this OS user (see README: credentials)`);
    if (config.demo) {
      const owner = catalog.identity.principal(catalog.identity.users.admins()[0]!.id)!;
      if (await seedDemo(catalog, writer, engine, owner)) logger.info({ event: 'demo-seeded' }, 'seeded the demo frame main.sales');
    }
  } catch (error) {
    await close();
    throw error;
  }
  serving = true;
  // Scripts and tests wait for this line: it is written whatever the log level.
  logger
    .child({}, { level: 'info' })
    .info({ event: 'listening', url: urls.url, dataDir: config.dataDir, importDirs: config.importDirs, engine: engine.description }, 'gateway listening');
  return {
    url: urls.url,
    port,
    config,
    close,
    shutdown,
    stopped,
    ...(bootstrap ? { bootstrap } : {}),
  };
}
