/**
 * `npm run bench` (part): how fast live events reach people. A real gateway process, 1, 100 and
 * 500 connected clients (of up to 100 distinct users, in this process), and a publisher that
 * shares a frame with the team and takes it back, over and over. For every publish it measures
 * when each client received its `object.published` event, from the moment the publish request was
 * sent: p50 and p99 over all receipts, and the last client's. Baselines from the same run: the
 * publish request's own round trip, and the gateway's cost of one broadcast per recipient (from
 * its debug log: audience checked, event serialized once, pushed to each client's queue).
 * Prints a table and writes test-artifacts/bench-notify.json (`BENCH_NOTIFY_SAMPLES` scales it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import CliTable from 'cli-table3';
import { Methods, Notifications, type GatewayEvent } from '../protocol';
import type { GatewayClient } from '../rpc/client';
import { removeDir, startGatewayProcess, type GatewayProcess } from '../test/support/gateway-process';
import { percentile } from './support';

const SAMPLES = Number(process.env.BENCH_NOTIFY_SAMPLES ?? 40);
const AUDIENCES = [1, 100, 500];
const MAX_USERS = 100;


interface Listener {
  client: GatewayClient;
  /** Receipt time (performance.now) of each published event, by sequence number. */
  published: Map<number, number>;
}

/** Resolves once every listener has received one more published event than before. */
class Arrivals {
  private expected = 0;
  private count = 0;
  private done: (() => void) | undefined;

  expect(listeners: number): Promise<void> {
    this.expected = listeners;
    this.count = 0;
    return new Promise((resolve) => (this.done = resolve));
  }

  arrived(): void {
    if (++this.count === this.expected) this.done?.();
  }
}

const arrivals = new Arrivals();

/** Broadcasts of `object.published` the gateway logged since `from` (its debug lines). */
function broadcasts(gateway: GatewayProcess, from: number): Array<{ recipients: number; ms: number; pushMs: number }> {
  const found: Array<{ recipients: number; ms: number; pushMs: number }> = [];
  for (const line of gateway.log.slice(from)) {
    if (!line.includes('"broadcast"')) continue;
    const entry = JSON.parse(line) as { type?: string; recipients?: number; ms?: number; pushMs?: number };
    if (entry.type === 'object.published' && entry.recipients && entry.ms !== undefined) found.push({ recipients: entry.recipients, ms: entry.ms, pushMs: entry.pushMs ?? 0 });
  }
  return found;
}

async function measure(gateway: GatewayProcess, publisher: GatewayClient, listeners: Listener[]) {
  const latencies: number[] = [];
  const lasts: number[] = [];
  const roundTrips: number[] = [];
  const logFrom = gateway.log.length;
  for (let i = 0; i < SAMPLES; i++) {
    const everyone = arrivals.expect(listeners.length);
    const sent = performance.now();
    const frame = await publisher.request(Methods.shareObject, { name: 'main_board', with: { kind: 'team' } });
    roundTrips.push(performance.now() - sent);
    await everyone;
    // This publish's event is the latest each listener received.
    const receipts = listeners.map((l) => Math.max(...l.published.values()) - sent);
    latencies.push(...receipts);
    lasts.push(Math.max(...receipts));
    await publisher.request(Methods.unshareObject, { name: frame.name, with: { kind: 'team' } });
  }
  const logged = broadcasts(gateway, logFrom);
  const perRecipientUs = logged.map((b) => (b.ms * 1000) / b.recipients);
  return {
    clients: listeners.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    lastP50: percentile(lasts, 50),
    publishRoundTripP50: percentile(roundTrips, 50),
    broadcastMsP50: percentile(
      logged.map((b) => b.ms),
      50,
    ),
    broadcastUsPerClient: percentile(perRecipientUs, 50),
    pushUsPerClient: percentile(
      logged.map((b) => (b.pushMs * 1000) / b.recipients),
      50,
    ),
  };
}

async function main(): Promise<void> {
  const gateway = await startGatewayProcess({ args: ['--log-level', 'debug'] });
  const listeners: Listener[] = [];
  const publisher = await gateway.connect(await gateway.addUser('publisher'));
  try {
    await publisher.request(Methods.save, { name: 'main_board', from: { sql: 'SELECT 1 AS one' } });
    console.error(`making ${Math.min(MAX_USERS, Math.max(...AUDIENCES))} users…`);
    const tokens: string[] = [];
    for (let u = 0; u < Math.min(MAX_USERS, Math.max(...AUDIENCES)); u++) tokens.push(await gateway.addUser(`reader${u}`));
    const rows: Array<Awaited<ReturnType<typeof measure>>> = [];
    for (const audience of AUDIENCES) {
      while (listeners.length < audience) {
        const client = await gateway.connect(tokens[listeners.length % tokens.length]);
        const listener: Listener = { client, published: new Map() };
        client.onNotification(Notifications.event, (e: GatewayEvent) => {
          if (e.type !== 'object.published') return;
          listener.published.set(e.seq, performance.now());
          arrivals.arrived();
        });
        listeners.push(listener);
      }
      console.error(`${audience} clients connected; ${SAMPLES} publishes…`);
      rows.push(await measure(gateway, publisher, listeners));
    }
    const base = rows[0]!;
    const out = new CliTable({
      head: ['clients', 'event p50 ms', 'event p99 ms', 'last client p50 ms', 'p50 vs 1 client', 'publish round trip p50 ms', 'broadcast p50 ms', 'per client µs', 'of which push µs'],
      style: { head: [], border: [] },
    });
    for (const r of rows) {
      out.push([
        String(r.clients),
        r.p50.toFixed(2),
        r.p99.toFixed(2),
        r.lastP50.toFixed(2),
        `${(r.p50 / base.p50).toFixed(2)}×`,
        r.publishRoundTripP50.toFixed(2),
        r.broadcastMsP50.toFixed(3),
        r.broadcastUsPerClient.toFixed(1),
        r.pushUsPerClient.toFixed(1),
      ]);
    }
    console.log(`\nFramegate live events: publish → object.published at each client, ${SAMPLES} publishes per row (clients of up to ${MAX_USERS} users, in one process)\n`);
    console.log(out.toString());
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/bench-notify.json', JSON.stringify({ samples: SAMPLES, rows }, null, 2));
  } finally {
    for (const l of listeners) l.client.close();
    publisher.close();
    await gateway.stop();
    removeDir(gateway.dataDir);
    removeDir(gateway.configDir);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
