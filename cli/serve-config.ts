/**
 * `framegate serve --config FILE`: serve's options from a JSON file. The file holds one object
 * whose keys are serve's long option names without the dashes (`"port"`, `"data-dir"`,
 * `"import-dir"`, `"engine"`, `"spark-remote"`, …) and whose values are what the option takes:
 * a string or number, true/false for a flag, an array of strings for a repeatable option.
 * Values are checked by the options' own parsers, so a bad value reads as it would on the command
 * line. Relative paths are relative to the file's folder. An option given on the command line (or
 * by its environment variable) wins over the file; the file wins over the defaults.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command, Option } from 'commander';
import { UsageError } from './errors';

/** Options whose values are paths: relative ones are taken from the config file's folder. */
const PATH_OPTIONS = new Set(['data-dir', 'import-dir', 'tls-cert', 'tls-key']);

function keyOf(option: Option): string {
  return (option.long ?? '').replace(/^--/, '');
}

function readObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`the config file ${file} must hold one JSON object of serve options, e.g. {"port": 7878}`);
  }
  return parsed as Record<string, unknown>;
}

/** One value through the option's own checks, as the command line would give it. */
function parseValue(option: Option, value: unknown, previous: unknown, where: string): unknown {
  if (typeof value !== 'string' && typeof value !== 'number') throw new UsageError(`${where} must be a string or a number`);
  const text = String(value);
  if (option.argChoices && !option.argChoices.includes(text)) throw new UsageError(`${where} must be one of ${option.argChoices.join(', ')}`);
  if (!option.parseArg) return text;
  try {
    return option.parseArg(text, previous);
  } catch (error) {
    throw new UsageError(`${where}: ${(error as Error).message}`);
  }
}

/** Sets the options of `command` that the command line left at their defaults from `file`. */
export function applyConfigFile(command: Command, file: string): void {
  const values = readObject(file);
  const folder = dirname(resolve(file));
  const options = new Map(command.options.filter((o) => o.long && keyOf(o) !== 'config').map((o) => [keyOf(o), o]));
  for (const [key, raw] of Object.entries(values)) {
    const option = options.get(key);
    const where = `"${key}" in ${file}`;
    if (!option) throw new UsageError(`unknown option "${key}" in ${file}; serve takes: ${[...options.keys()].join(', ')}`);
    const name = option.attributeName();
    const source = command.getOptionValueSource(name);
    if (source === 'cli' || source === 'env') continue;
    const toPath = (v: unknown) => (PATH_OPTIONS.has(key) && typeof v === 'string' ? resolve(folder, v) : v);
    let value: unknown;
    if (option.isBoolean()) {
      if (typeof raw !== 'boolean') throw new UsageError(`${where} must be true or false`);
      value = raw;
    } else if (Array.isArray(option.defaultValue)) {
      // Repeatable: an array (or one value), folded through the option's parser like repeated flags.
      value = (Array.isArray(raw) ? raw : [raw]).reduce<unknown>((previous, item) => parseValue(option, toPath(item), previous, where), []);
    } else {
      value = parseValue(option, toPath(raw), undefined, where);
    }
    command.setOptionValueWithSource(name, value, 'config');
  }
}
