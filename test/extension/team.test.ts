/**
 * Working as a team, against a real gateway: bob hears what alice does as pop-ups with buttons
 * (and not what he muted), the tree lists again on every event, notes, saved queries and lineage
 * through their commands, and an admin's Sessions… disconnects someone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Methods, type ObjectInfo } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { manageSessions } from '../../extension/admin-commands';
import { ConnectionManager } from '../../extension/connection';
import { LiveEvents } from '../../extension/live-events';
import { silentLogger } from '../../extension/log';
import type { MuteRule } from '../../extension/mutes';
import type { NoticeAction } from '../../extension/notices';
import * as objects from '../../extension/object-actions';
import { RecordingGrids, ScriptedUi } from './support/scripted-ui';
import { startGatewayProcess, tempGatewayDirs, waitFor, type GatewayDirs, type GatewayProcess } from './support/gateway-process';

let dirs: GatewayDirs;
let gateway: GatewayProcess;
const connections: ConnectionManager[] = [];
const lives: LiveEvents[] = [];

async function connectAs(token: string): Promise<ConnectionManager> {
  const connection = new ConnectionManager({ connect: (url) => GatewayClient.connect(url, { token }), log: silentLogger });
  connections.push(connection);
  await connection.connect(gateway.url);
  return connection;
}

/** A window's live events: pop-ups recorded, each answered with `answer` (a button label, or dismissed). */
function listen(connection: ConnectionManager, { mutes = [] as MuteRule[], answer = undefined as string | undefined } = {}) {
  const shown: Array<{ text: string; buttons: string[] }> = [];
  const acted: NoticeAction[] = [];
  let listed = new Map<string, ObjectInfo>();
  let reloads = 0;
  const live = new LiveEvents({
    connection,
    tree: {
      reload: async () => {
        reloads++;
        const { objects } = await connection.requireClient().request(Methods.listObjects, {});
        listed = new Map(objects.map((o) => [o.name.toLowerCase(), o]));
      },
      known: (name) => listed.get(name.toLowerCase()),
    },
    grids: { applyEvent: () => Promise.resolve([]) },
    notifier: {
      show: (_level, text, buttons) => {
        shown.push({ text, buttons });
        return Promise.resolve(answer);
      },
    },
    mutes: () => mutes,
    act: (action) => {
      acted.push(action);
      return Promise.resolve();
    },
    log: silentLogger,
  });
  lives.push(live);
  return { shown, acted, live, reloads: () => reloads };
}

let alice: ConnectionManager;
let bob: ConnectionManager;

before(async () => {
  dirs = tempGatewayDirs();
  gateway = await startGatewayProcess(dirs);
  alice = await connectAs(await gateway.addUser('alice'));
  bob = await connectAs(await gateway.addUser('bob'));
  const sales = tableFromArrays({ region: ['EU', 'US', 'EU'], amount: Float64Array.from([1, 2, 3]) });
  await (alice.requireClient() as GatewayClient).upload({ name: 'sales' }, tableToIPC(sales, 'stream'));
});

after(async () => {
  for (const live of lives) live.dispose();
  for (const connection of connections) connection.dispose();
  await gateway?.stop();
  dirs?.remove();
});

test('bob hears "alice published alice.sales" with Preview, which opens it; what he muted lists the tree but pops up nothing', async () => {
  const heard = listen(bob, { answer: 'Preview' });
  const muted = listen(bob, { mutes: [{ kind: 'person', name: 'alice' }] });
  await alice.requireClient().request(Methods.shareObject, { name: 'alice.sales', with: { kind: 'team' }, write: false });
  await waitFor(() => heard.acted.length > 0, 'the Preview button ran');
  assert.deepEqual(heard.shown[0], { text: 'alice published alice.sales (3 rows)', buttons: ['Preview', 'Mute…'] });
  assert.deepEqual(heard.acted, [{ kind: 'preview', name: 'alice.sales' }]);
  await waitFor(() => muted.reloads() > 0, 'the muted window lists again');
  await muted.live.settled();
  assert.deepEqual(muted.shown, []);
  for (const l of [heard, muted]) l.live.dispose();
});

test('a note added on a frame reaches its readers with Show Note; the note opens, and its author hears nothing', async () => {
  const bobHears = listen(bob);
  const aliceHears = listen(alice);
  const ui = new ScriptedUi([{ input: '# Where sales come from\nThe EU shop only.' }]);
  const documents = { texts: [] as string[], notes: [] as string[] };
  const ctx = { connection: alice, ui, grids: new RecordingGrids(), log: silentLogger };
  const note = await objects.addNote(ctx, 'alice.sales');
  assert.equal(note?.attachedTo, 'alice.sales');
  await waitFor(() => bobHears.shown.length > 0, 'bob hears of the note');
  assert.deepEqual(bobHears.shown[0], { text: 'alice added a note on alice.sales: “# Where sales come from”', buttons: ['Show Note', 'Mute…'] });
  const bobCtx = {
    connection: bob,
    ui: new ScriptedUi(),
    grids: new RecordingGrids(),
    log: silentLogger,
    documents: { openText: (t: string) => Promise.resolve(void documents.texts.push(t)), openNote: (n: string) => Promise.resolve(void documents.notes.push(n)) },
  };
  await objects.showNote(bobCtx, note.name);
  assert.deepEqual(documents.notes, [note.name]);
  await aliceHears.live.settled();
  assert.deepEqual(aliceHears.shown, [], 'nothing of what you did yourself');
  bobHears.live.dispose();
  aliceHears.live.dispose();
});

test('Save Query… then Run Query opens a result grid of the query; Show Lineage names the query and the frame it read', async () => {
  const ui = new ScriptedUi();
  const ctx = { connection: alice, ui, grids: new RecordingGrids(), log: silentLogger };
  // From the palette: the SQL is offered to edit (prefilled), then the name.
  ui.script({ input: "SELECT sum(amount) AS total FROM alice.sales WHERE region = 'EU'" });
  ui.script({ input: 'eu_total' });
  ui.inputs.length = 0;
  const saved = await objects.saveQuery(ctx, { prefill: 'SELECT 1' });
  assert.equal(ui.inputs[0]?.value, 'SELECT 1');
  assert.equal(saved?.name, 'alice.eu_total');
  // A second save with the same name asks before adding a version.
  ui.script({ input: 'eu_total' }, { confirm: true });
  const again = await objects.saveQuery(ctx, { sql: "SELECT sum(amount) AS total, count(*) AS n FROM alice.sales WHERE region = 'EU'" });
  assert.equal(again?.version, 2);

  const ran = await objects.runQuery(ctx, 'alice.eu_total');
  assert.equal(ran?.rowCount, 1);
  const grid = ctx.grids.opened.at(-1)!;
  assert.deepEqual([grid.title, grid.origin], ['alice.eu_total@2', { kind: 'query', name: 'alice.eu_total' }]);
  const { ipc } = await alice.requireClient().window({ source: grid.source, offset: 0, limit: 10 });
  assert.ok(ipc.byteLength > 0);

  await alice.requireClient().request(Methods.save, { name: 'eu', from: { result: ran.id } });
  const texts: string[] = [];
  const lineageCtx = { ...ctx, documents: { openText: (t: string) => Promise.resolve(void texts.push(t)), openNote: () => Promise.resolve() } };
  const text = await objects.showLineage(lineageCtx, 'alice.eu');
  assert.equal(texts[0], text);
  assert.match(text!, /^# Lineage of alice\.eu@1/);
  assert.match(text!, /^- \*\*alice\.eu@1\*\* by alice, .*by running the saved query alice\.eu_total@2/m);
  assert.match(text!, /^ {2}- \*\*alice\.sales@1\*\* by alice, .*uploaded by alice/m);
});

test("an admin's Sessions… disconnects bob: his window says so and does not reconnect by itself", async () => {
  const carol = await connectAs(await gateway.addUser('carol'));
  const carolHears = listen(carol);
  const admin = await connectAs(gateway.adminToken);
  const ui = new ScriptedUi([{ pick: 'carol' }, { pick: 'Disconnect carol' }, { confirm: true }]);
  const done = await manageSessions({ connection: admin, ui, grids: new RecordingGrids(), log: silentLogger });
  assert.match(done ?? '', /^kicked s\d+$/);
  await waitFor(() => carol.state.kind === 'disconnected', 'carol is disconnected');
  await waitFor(() => carolHears.shown.length > 0, 'carol is told');
  assert.match(carolHears.shown[0]!.text, /disconnected .*Not reconnecting by itself/);
  assert.deepEqual(carolHears.shown[0]!.buttons, ['Reconnect']);
  // Nobody else may ask.
  const refused = new ScriptedUi();
  assert.equal(await manageSessions({ connection: bob, ui: refused, grids: new RecordingGrids(), log: silentLogger }), undefined);
  assert.match(refused.errors[0] ?? '', /only an admin/);
});

test('Remove Version drops an older version after asking; the version stays listed as removed; the latest cannot go', async () => {
  const client = alice.requireClient() as GatewayClient;
  const table = (n: number) => tableToIPC(tableFromArrays({ n: Int32Array.from({ length: n }, (_, i) => i) }), 'stream');
  await client.upload({ name: 'scratch' }, table(2));
  await client.upload({ name: 'scratch', replace: true }, table(4));
  const ui = new ScriptedUi([{ confirm: false }, { confirm: true }]);
  const ctx = { connection: alice, ui, grids: new RecordingGrids(), log: silentLogger };
  assert.equal(await objects.removeVersion(ctx, 'alice.scratch@1'), undefined, 'declined: nothing removed');
  const removed = await objects.removeVersion(ctx, 'alice.scratch@1');
  assert.deepEqual([removed?.deleted, removed?.version], ['alice.scratch', 1]);
  const { versions } = await client.request(Methods.versions, { name: 'alice.scratch' });
  assert.deepEqual(versions.map((v) => [v.version, v.state.kind]), [[1, 'removed'], [2, 'present']]);
  ui.script({ confirm: true });
  await assert.rejects(objects.removeVersion(ctx, 'alice.scratch@2'));
  await assert.rejects(objects.removeVersion(ctx, 'alice.scratch'), /choose a version/);
});
