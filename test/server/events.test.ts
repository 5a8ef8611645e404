/**
 * Live events through a real gateway, four people (alice, bob, carol and the admin root), real
 * WebSockets: every event reaches exactly those who may see its subject and nobody else, names who
 * did it, and comes in order; a client that stops reading has a bounded queue, is disconnected with
 * a clear close code and reason, and never holds up the others.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type WebSocket from 'ws';
import { Methods, Notifications, type GatewayEvent } from '../../protocol';
import type { GatewayClient } from '../../rpc/client';
import { closeOf, rawSocket, sampleIpc, startTestGateway, waitFor, type TestGateway } from './support';

type Who = 'alice' | 'bob' | 'carol' | 'root';

/** What an event says, in one short string: type, subject, and the detail that varies. */
function summary(e: GatewayEvent): string {
  switch (e.type) {
    case 'object.created':
      return `created ${e.object.kind} ${e.object.name}${e.attachedTo ? ` on ${e.attachedTo}` : ''} by ${e.by}`;
    case 'object.version':
      return `version ${e.version} of ${e.object.name} by ${e.by}`;
    case 'object.shared':
      return `shared ${e.object.name} with ${e.to.kind === 'team' ? 'team' : e.to.name}${e.write ? ' (write)' : ''} by ${e.by}`;
    case 'object.published':
      return `published ${e.object.name} by ${e.by}`;
    case 'object.unshared':
      return `unshared ${e.object.name} from ${e.from.kind === 'team' ? 'team' : e.from.name}, left ${e.access} by ${e.by}`;
    case 'object.deleted':
      return `deleted ${e.object.name} by ${e.by}`;
    case 'version.removed':
      return `removed ${e.object.name}@${e.version} by ${e.by}`;
    case 'gateway.shutdown':
      return `shutdown by ${e.by}`;
  }
}

describe('events reach exactly who may see them', () => {
  let gw: TestGateway;
  const clients = {} as Record<Who, GatewayClient>;
  const heard = { alice: [], bob: [], carol: [], root: [] } as Record<Who, GatewayEvent[]>;
  const people: Who[] = ['alice', 'bob', 'carol', 'root'];

  before(async () => {
    gw = await startTestGateway();
    clients.root = await gw.connect();
    for (const name of ['alice', 'bob', 'carol'] as const) clients[name] = await gw.connect(await gw.addUser(name, { teamWriter: name === 'alice' }));
    for (const who of people) clients[who].onNotification(Notifications.event, (e) => heard[who].push(e));
  });
  after(async () => {
    for (const who of people) clients[who]?.close();
    await gw?.dispose();
  });

  /** Runs `step`, then a sentinel everyone sees; returns what each heard between (the sentinel left out). */
  async function step(work: () => Promise<unknown>): Promise<Record<Who, string[]>> {
    const from = Object.fromEntries(people.map((who) => [who, heard[who].length])) as Record<Who, number>;
    await work();
    const sentinel = `sentinel_${Math.random().toString(36).slice(2, 8)}`;
    await clients.root.request(Methods.save, { name: `main.${sentinel}`, from: { sql: 'SELECT 1 AS one' } });
    // Events keep their order: once each client has the sentinel's, it has every earlier one meant for it.
    await waitFor(() => people.every((who) => heard[who].some((e) => e.type === 'object.created' && e.object.name === `main.${sentinel}`)), 'the sentinel event everywhere');
    return Object.fromEntries(
      people.map((who) => [
        who,
        heard[who]
          .slice(from[who])
          .filter((e) => !('object' in e && e.object.name === `main.${sentinel}`))
          .map(summary),
      ]),
    ) as Record<Who, string[]>;
  }

  test('a private frame: its owner and admins hear of it, nobody else', async () => {
    const seen = await step(() => clients.alice.upload({ name: 'private' }, sampleIpc(3)));
    assert.deepEqual(seen, { alice: ['created frame alice.private by alice'], bob: [], carol: [], root: ['created frame alice.private by alice'] });
  });

  test('sharing: whoever gains access and the managers hear of it; then of its new versions', async () => {
    const shared = await step(() => clients.alice.request(Methods.share, { name: 'private', with: { kind: 'user', name: 'bob' } }));
    assert.deepEqual(shared, { alice: ['shared alice.private with bob by alice'], bob: ['shared alice.private with bob by alice'], carol: [], root: ['shared alice.private with bob by alice'] });
    const saved = await step(() => clients.alice.request(Methods.save, { name: 'private', from: { sql: 'SELECT 2 AS two' }, replace: true }));
    const line = 'version 2 of alice.private by alice';
    assert.deepEqual(saved, { alice: [line], bob: [line], carol: [], root: [line] });
  });

  test('a note on a frame reaches whoever reads the frame; a query in a private namespace only its owner (and admins)', async () => {
    const note = await step(() => clients.bob.request(Methods.addNote, { on: 'alice.private', text: 'looks off' }));
    const line = 'created note bob.private_note1 on alice.private by bob';
    assert.deepEqual(note, { alice: [line], bob: [line], carol: [], root: [line] });
    const query = await step(() => clients.alice.request(Methods.saveQuery, { name: 'q', sql: 'SELECT * FROM private' }));
    assert.deepEqual(query, { alice: ['created query alice.q by alice'], bob: [], carol: [], root: ['created query alice.q by alice'] });
  });

  test('publishing reaches everyone; taking it back reaches those who lose access and the managers, with what they have left', async () => {
    const published = await step(() => clients.alice.request(Methods.shareObject, { name: 'private', with: { kind: 'team' } }));
    const line = 'published alice.private by alice';
    assert.deepEqual(published, { alice: [line], bob: [line], carol: [line], root: [line] });
    const unshared = await step(() => clients.alice.request(Methods.unshareObject, { name: 'private', with: { kind: 'team' } }));
    assert.deepEqual(unshared, {
      alice: ['unshared alice.private from team, left write by alice'],
      bob: [],
      carol: ['unshared alice.private from team, left none by alice'],
      root: ['unshared alice.private from team, left write by alice'],
    });
  });

  test('a version removed, then the frame deleted: heard by whoever could see it', async () => {
    const removed = await step(() => clients.alice.request(Methods.deleteObject, { name: 'private@1' }));
    const line = 'removed alice.private@1 by alice';
    assert.deepEqual(removed, { alice: [line], bob: [line], carol: [], root: [line] });
    const deleted = await step(() => clients.alice.request(Methods.delete, { name: 'private' }));
    const gone = 'deleted alice.private by alice';
    assert.deepEqual(deleted, { alice: [gone], bob: [gone], carol: [], root: [gone] });
  });

  test('sequence numbers only grow; the gaps are events about things the client cannot see', () => {
    for (const who of people) {
      const seqs = heard[who].map((e) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        `${who} in order`,
      );
      assert.equal(new Set(seqs).size, seqs.length, `${who}: no event twice`);
    }
    assert.ok(heard.carol.length < heard.root.length);
  });
});

test('a client that stops reading: its queue stays bounded, it is disconnected with 4008 and a reason, and the others hear everything', async (t) => {
  const LIMIT = 20;
  const gw = await startTestGateway({ eventQueueLimit: LIMIT, eventHighWaterBytes: 64 * 1024 });
  t.after(() => gw.dispose());
  const writer = await gw.connect(await gw.addUser('writer', { teamWriter: true }));
  t.after(() => writer.close());
  const listener = await gw.connect(await gw.addUser('listener'));
  t.after(() => listener.close());
  const admin = await gw.connect();
  t.after(() => admin.close());
  const heard: string[] = [];
  listener.onNotification(Notifications.event, (e) => {
    if (e.type === 'object.created' && e.object.kind === 'note') heard.push(e.object.name);
  });
  // A frame far larger than what the sockets between gateway and client can buffer.
  await writer.request(Methods.save, { name: 'main.board', from: { sql: "SELECT range AS i, repeat('x', 200) AS pad FROM range(400000)" } });

  // sleepy asks for all of it, then stops reading: the way a stuck client looks to a gateway.
  const stalled: WebSocket = await rawSocket(gw.url, await gw.addUser('sleepy'));
  const stalledClosed = closeOf(stalled);
  stalled.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: Methods.export.method, params: { source: { kind: 'frame', name: 'main.board' } } }));
  stalled.pause();
  const sleepy = async () => (await admin.request(Methods.sessions, {})).sessions.find((s) => s.user === 'sleepy');
  await waitFor(async () => (await sleepy())?.running.some((r) => r.method === Methods.export.method), 'the export to start');

  // Notes on the team frame: everyone hears of each one. Written until the gateway gives up on sleepy.
  let peak = 0;
  let written = 0;
  while (!gw.logs.some((l) => l.event === 'slow-consumer')) {
    await writer.request(Methods.addNote, { on: 'main.board', name: `n${written}`, text: 'note' });
    written++;
    peak = Math.max(peak, (await sleepy())?.queuedEvents ?? 0);
    assert.ok(written <= LIMIT * 50, `the gateway should have given up on a client that reads nothing (${written} events)`);
  }
  assert.ok(peak <= LIMIT, `queued events stayed within the bound (${peak} ≤ ${LIMIT})`);
  assert.ok(written > LIMIT, 'it was disconnected only once its queue was full');
  await waitFor(async () => (await sleepy()) === undefined, 'its session to go');
  // The others heard every event, in order, while sleepy was stalled.
  await waitFor(() => heard.length === written, `the listener's ${written} events`);
  assert.deepEqual(
    heard,
    Array.from({ length: written }, (_, i) => `writer.n${i}`),
  );
  stalled.resume();
  const { code, reason } = await stalledClosed;
  assert.equal(code, 4008);
  assert.match(reason, /you did not read events: \d+ were waiting/);
});
