/**
 * Working as a team in a real VS Code (code-server + Chromium), against a real gateway: bob is
 * signed in in the UI; alice works through her own GatewayClient. Bob sees "alice published
 * alice.sales" as a notification and opens it with its Preview button; a new version by alice
 * shows in his preview as a banner (the rows shown stay those of v1) and under the frame's
 * Versions; her note on the frame pops up and Show Note opens it as a document; bob's own note
 * (Add Note…) opens from the tree, and saving his edit makes its next version. What the UI shows
 * is checked against what the gateway answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import type { Frame, Locator, Page } from 'playwright-core';
import { Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { Selectors } from '../../webview/dom-ids';
import { gridFrame, notification, openFramegateView, readGrid, statusBarItem, treeRow } from './framegate-page';
import { answerInput, launchUi, pickQuickItem, runCommand, screenshot, type UiSession } from './harness';

const rowsOf = (n: number) => tableToIPC(tableFromArrays({ id: Int32Array.from({ length: n }, (_, i) => i + 1), region: Array.from({ length: n }, (_, i) => (i % 2 ? 'EU' : 'US')) }), 'stream');

async function signInStep(page: Page, step: 1 | 2): Promise<Locator> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: `Framegate: Sign In (${step}/2)` }).waitFor({ state: 'visible', timeout: 15_000 });
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.waitFor({ state: 'visible', timeout: 15_000 });
  return box;
}

/** Clicks the twistie of a tree row (expands it) unless it is already expanded. */
async function expand(row: Locator): Promise<void> {
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
}

describe('Working as a team in a real VS Code (code-server + Chromium)', { timeout: 15 * 60_000 }, () => {
  let ui: UiSession;
  let page: Page;
  let alice: GatewayClient;
  let preview: Frame | undefined;

  before(
    async () => {
      ui = await launchUi();
      page = ui.page;
      alice = await GatewayClient.connect(ui.gateway.url, { token: await ui.gateway.addUser('alice') });
      const bobToken = await ui.gateway.addUser('bob');
      await alice.upload({ name: 'sales' }, rowsOf(40));
      // Bob signs in through the command's inputs (the window first connects as the local admin).
      await statusBarItem(page, /@ 127\.0\.0\.1:\d+/);
      await runCommand(page, 'Framegate: Sign In…');
      await (await signInStep(page, 1)).press('Enter');
      await signInStep(page, 2);
      await answerInput(page, bobToken);
      await statusBarItem(page, /^\s*bob @ /);
    },
    { timeout: 12 * 60_000 },
  );

  after(async () => {
    alice?.close();
    await ui?.close();
  });

  test('bob sees "alice published alice.sales" and its Preview button opens the frame', { timeout: 120_000 }, async () => {
    await openFramegateView(page);
    await treeRow(page, 'Team').waitFor({ state: 'visible', timeout: 30_000 });
    await alice.request(Methods.shareObject, { name: 'alice.sales', with: { kind: 'team' }, write: false });
    const toast = await notification(page, /alice published alice\.sales \(40 rows\)/);
    await screenshot(page, 'team-published.png');
    await toast.locator('.monaco-button', { hasText: /^Preview$/ }).click();
    preview = await gridFrame(page, 'alice.sales');
    const shown = await readGrid(preview);
    assert.equal(shown.rowCount, 40);
    assert.deepEqual(shown.columns, ['id', 'region']);
    // The tree listed again by itself: the frame is under Team.
    await treeRow(page, 'alice.sales').waitFor({ state: 'visible', timeout: 30_000 });
  });

  test('a new version by alice: the preview offers it (keeping v1 until asked), and it appears under the frame', { timeout: 120_000 }, async () => {
    assert.ok(preview, 'needs the preview the first test opened');
    const saved = await alice.upload({ name: 'sales', replace: true }, rowsOf(55));
    assert.equal(saved.version, 2);
    await notification(page, /alice saved v2 of alice\.sales \(55 rows\)/);
    const banner = preview.locator(Selectors.versionBannerText);
    await banner.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal((await banner.textContent())?.trim(), 'v2 by alice is newer than the v1 shown here.');
    assert.equal((await readGrid(preview)).rowCount, 40, 'still v1');

    const frameRow = treeRow(page, 'alice.sales');
    await expand(frameRow);
    await expand(treeRow(page, 'Versions'));
    const v2 = treeRow(page, 'v2');
    await v2.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await v2.locator('.label-description').textContent()) ?? '', /^alice · \d{4}-\d{2}-\d{2} \d{2}:\d{2} · 55 rows · .+ · latest$/);
    assert.match((await treeRow(page, 'v1').locator('.label-description').textContent()) ?? '', /^alice · .* · 40 rows · /);
    await screenshot(page, 'team-versions.png');

    await preview.locator(Selectors.reloadButton).click();
    await preview.locator(Selectors.versionBanner).waitFor({ state: 'hidden', timeout: 30_000 });
    assert.equal((await readGrid(preview)).rowCount, 55, 'Reload shows v2');
  });

  test('alice adds a note on the frame: bob is told, and Show Note opens it as a document', { timeout: 120_000 }, async () => {
    const note = await alice.request(Methods.addNote, { on: 'alice.sales', text: '# Where sales come from\nThe EU shop only, since May.' });
    const toast = await notification(page, /alice added a note on alice\.sales: “# Where sales come from”/);
    await toast.locator('.monaco-button', { hasText: /^Show Note$/ }).click();
    const tab = page.locator('.tabs-container .tab', { hasText: `${note.name}.md` }).first();
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.monaco-editor .view-lines', { hasText: 'The EU shop only, since May.' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // And it is under the frame in the tree, by its first line.
    await treeRow(page, 'Where sales come from').waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'team-note.png');
  });

  test("bob's Add Note… on the frame: it shows under the frame, opens from the tree, and saving an edit makes v2", { timeout: 120_000 }, async () => {
    await runCommand(page, 'Framegate: Add Note…');
    await pickQuickItem(page, 'alice.sales');
    await answerInput(page, 'Checked by bob');
    await notification(page, /Added a note on alice\.sales\./);
    const row = treeRow(page, 'Checked by bob');
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    const { objects } = await alice.request(Methods.listObjects, { kind: 'note', attachedTo: 'alice.sales' });
    const note = objects.find((o) => o.kind === 'note' && o.author === 'bob');
    assert.ok(note, 'alice reads the note bob added on her frame');

    await row.click();
    const lines = page.locator('.monaco-editor .view-lines', { hasText: 'Checked by bob' }).first();
    await lines.waitFor({ state: 'visible', timeout: 30_000 });
    await lines.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' and it looks right.');
    await runCommand(page, 'File: Save');
    await notification(page, new RegExp(`saved v2 of the note ${note.name.replace(/\./g, '\\.')}`));
    const saved = await alice.request(Methods.getObject, { name: note.name, kind: 'note' });
    assert.equal(saved.version, 2);
    assert.ok(saved.kind === 'note' && saved.text === 'Checked by bob and it looks right.', JSON.stringify(saved));
    await screenshot(page, 'team-note-saved.png');
  });
});
