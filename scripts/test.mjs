// Runs every test file under test/ with Node's test runner (TypeScript through tsx), then the Python
// client's type check and tests (scripts/python.mjs: a venv in .cache/python, pytest).
// `--no-ui` leaves out the real-VS-Code tests (test/ui), which need code-server and Chromium.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const noUi = process.argv.includes('--no-ui');

function findTests(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'electron' ? [] : findTests(path);
    return path.endsWith('.test.ts') ? [path] : [];
  });
}

const files = findTests('test').filter((f) => !(noUi && f.startsWith(join('test', 'ui'))));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
const python = spawnSync(process.execPath, ['scripts/python.mjs', 'test'], { stdio: 'inherit' });
process.exit([result, python].every((run) => run.status === 0) ? 0 : 1);
