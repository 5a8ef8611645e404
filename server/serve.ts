/**
 * `framegate serve`: runs a gateway in this process until a shutdown request or SIGINT/SIGTERM,
 * then stops it gracefully (running work gets `SIGNAL_GRACE_SECONDS` to finish) and exits 0.
 */
import type { GatewayConfig } from './config';
import { startGateway, type Gateway } from './gateway';
import { createLogger } from './logger';

/** What a signal leaves running work to finish; a second signal exits at once. */
export const SIGNAL_GRACE_SECONDS = 10;

export async function serve(options: Partial<GatewayConfig>): Promise<never> {
  const logger = createLogger(options.logLevel ?? process.env.FRAMEGATE_LOG_LEVEL ?? 'info');

  // Signal handlers go in before the gateway starts: whoever waits for the "listening" line may
  // signal right after it, and a signal during start-up must still mean a clean stop.
  let gateway: Gateway | undefined;
  let stopRequested = false;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    // A second signal means the user does not want to wait for a clean stop.
    if (signals > 1) {
      logger.warn({ event: 'forced-exit', signal }, 'second signal: exiting now');
      process.exit(130);
    }
    logger.info({ event: 'signal', signal }, 'stopping on signal');
    stopRequested = true;
    gateway?.shutdown(SIGNAL_GRACE_SECONDS, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A stray rejection is a bug, but not a reason to drop every client: log it loudly and go on.
  process.on('unhandledRejection', (reason) => logger.error({ event: 'unhandled-rejection', err: reason }, 'unhandled promise rejection'));

  try {
    gateway = await startGateway(options, { logger });
  } catch (error) {
    logger.fatal({ event: 'start-failed', err: error }, `gateway did not start: ${(error as Error).message}`);
    process.exit(1);
  }
  if (stopRequested) gateway.shutdown(SIGNAL_GRACE_SECONDS, 'signal');

  await gateway.stopped;
  process.exit(0);
}
