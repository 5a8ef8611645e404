/** Admin commands: admin sessions, kick, cancel, audit, storage. The gateway checks that you are one. */
import { Methods, type AuditAction } from '../../protocol';
import { auditText, sessionsText, storageText } from '../render-admin';
import { withClient, type GlobalOptions } from './client';

export function sessions(globals: GlobalOptions): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.sessions, {});
    output.result(result, () => sessionsText(output, result.sessions));
  });
}

export function kick(globals: GlobalOptions, session: string): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.kick, { session });
    output.result(result, () => `disconnected ${result.kicked} (${result.user})`);
  });
}

export function cancel(globals: GlobalOptions, query: string): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.cancel, { query });
    output.result(result, () => `cancelled ${result.cancelled} of ${result.user} (session ${result.session})`);
  });
}

export interface AuditOptions {
  user?: string;
  since?: string;
  until?: string;
  action?: AuditAction;
  object?: string;
  limit: number;
}

export function audit(globals: GlobalOptions, options: AuditOptions): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.audit, {
      limit: options.limit,
      ...(options.user ? { user: options.user } : {}),
      ...(options.since ? { since: options.since } : {}),
      ...(options.until ? { until: options.until } : {}),
      ...(options.action ? { action: options.action } : {}),
      ...(options.object ? { object: options.object } : {}),
    });
    output.result(result, () => auditText(output, result.entries, result.more));
  });
}

export function storage(globals: GlobalOptions): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.storage, {});
    output.result(result, () => storageText(output, result));
  });
}
