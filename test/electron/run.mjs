// Runs the extension's integration suite inside a real VS Code (@vscode/test-electron):
// builds the suite, starts a real gateway with the demo frame and a config dir of its own (where
// it writes its first admin's token), points the extension at it through user settings and the
// same FRAMEGATE_CONFIG_DIR (so it connects with no sign-in, as on a developer's machine), then
// launches VS Code with the extension under development.
// VS Code is downloaded on first run (into .vscode-test/), so this needs a normal network.
// Usage: npm run test:electron   (VSCODE_TEST_VERSION=1.90.0 to pin a version)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const suiteDir = join(root, 'test', 'electron', 'suite');
const outDir = join(root, 'out', 'electron');

/** Bundles each suite file (vscode and mocha stay external: VS Code and node_modules provide them). */
async function buildSuite() {
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: readdirSync(suiteDir).filter((f) => f.endsWith('.ts')).map((f) => join(suiteDir, f)),
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

/** `framegate serve --demo` on a free port; resolves with its URL once it logs `listening`. */
function startGateway(dataDir, configDir) {
  const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--demo'], {
    cwd: root,
    env: { ...process.env, FRAMEGATE_CONFIG_DIR: configDir, FRAMEGATE_ADMIN_NAME: 'electron' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = new Promise((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stderr });
    const seen = [];
    lines.on('line', (line) => {
      seen.push(line);
      if (line.includes('"listening"')) resolveUrl(JSON.parse(line).url);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}) before listening:\n${seen.join('\n')}`)));
  });
  return { child, url };
}

async function main() {
  await buildSuite();
  const work = mkdtempSync(join(tmpdir(), 'framegate-electron-'));
  const configDir = join(work, 'config');
  const gateway = startGateway(join(work, 'data'), configDir);
  try {
    const url = await gateway.url;
    const userDataDir = join(work, 'user-data');
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(
      join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({ 'framegate.url': url, 'framegate.autoConnect': true, 'workbench.startupEditor': 'none' }, null, 2),
    );
    const workspace = join(work, 'workspace');
    mkdirSync(workspace);
    await runTests({
      version: process.env.VSCODE_TEST_VERSION ?? 'stable',
      extensionDevelopmentPath: root,
      extensionTestsPath: join(outDir, 'index.js'),
      extensionTestsEnv: { FRAMEGATE_TEST_URL: url, FRAMEGATE_CONFIG_DIR: configDir },
      // A fresh profile holding our settings; other installed extensions stay out of the way.
      launchArgs: [workspace, `--user-data-dir=${userDataDir}`, '--disable-extensions'],
    });
  } finally {
    gateway.child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
