/**
 * `framegate watch`: prints the gateway's live events as they come (one JSON object per line with
 * --json) until interrupted (Ctrl-C: exit 0) or the gateway ends the connection (its shutdown:
 * exit 0; a kick or being too slow to read: exit 1 with the gateway's reason).
 */
import { CloseCodes } from '../../rpc/channel';
import { Notifications } from '../../protocol';
import { DisconnectedError } from '../errors';
import { eventText } from '../render-objects';
import { withClient, type GlobalOptions } from './client';

export function watch(globals: GlobalOptions): Promise<void> {
  return withClient(globals, async (client, output) => {
    const closed = new Promise<{ code: number; reason: string }>((resolve) => client.onClose((code, reason) => resolve({ code, reason })));
    client.onNotification(Notifications.event, (event) => output.result(event, () => eventText(event)));
    let stop: () => void = () => undefined;
    const interrupted = new Promise<'interrupted'>((resolve) => {
      stop = () => resolve('interrupted');
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    if (process.stderr.isTTY) process.stderr.write(`watching ${client.url} (Ctrl-C to stop)\n`);
    try {
      const outcome = await Promise.race([closed, interrupted]);
      if (outcome === 'interrupted') return;
      if (outcome.code !== CloseCodes.goingAway && outcome.code !== CloseCodes.normal) throw new DisconnectedError(outcome.code, outcome.reason);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  });
}
