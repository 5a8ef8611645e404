// The Python client's toolchain: a venv in .cache/python with the pinned test requirements, the
// package installed into it from clients/python (as a user would: pip install), then mypy and pytest.
//   node scripts/python.mjs setup   create or update the venv (CI runs it as its own phase)
//   node scripts/python.mjs test    setup, then mypy and pytest (scripts/test.mjs runs it after the Node tests)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLIENT = join(ROOT, 'clients', 'python');
const VENV = join(ROOT, '.cache', 'python');
const BIN = join(VENV, process.platform === 'win32' ? 'Scripts' : 'bin');
const PYTHON = join(BIN, 'python');
const REQUIREMENTS = join(CLIENT, 'requirements-test.txt');
const STAMP = join(VENV, 'requirements.sha256');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function must(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${status}`);
}

function setup() {
  if (!existsSync(PYTHON)) must(process.env.PYTHON ?? 'python3', ['-m', 'venv', VENV]);
  const wanted = createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex');
  if (!existsSync(STAMP) || readFileSync(STAMP, 'utf8') !== wanted) {
    must(PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS]);
    writeFileSync(STAMP, wanted);
  }
  // The package itself, fresh each time (its dependencies are the pinned ones above).
  must(PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--no-build-isolation', '--force-reinstall', CLIENT]);
}

function test() {
  setup();
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  const typed = run(PYTHON, ['-m', 'mypy'], { cwd: CLIENT, env });
  const tested = run(PYTHON, ['-m', 'pytest', '-p', 'no:cacheprovider'], { cwd: CLIENT, env });
  return typed !== 0 ? typed : tested;
}

const command = process.argv[2];
try {
  if (command === 'setup') setup();
  else if (command === 'test') process.exit(test());
  else {
    console.error('usage: node scripts/python.mjs setup|test');
    process.exit(2);
  }
} catch (error) {
  console.error(`python: ${error.message}`);
  process.exit(1);
}
