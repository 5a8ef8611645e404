/** Parsers of command-line values: a bad value is a usage error here, not a round trip to the gateway. */
import { InvalidArgumentError } from 'commander';
import { FRAME_NAME_HELP, FRAME_NAME_PATTERN, FRAME_REF_HELP, FRAME_REF_PATTERN, IDENTIFIER_PATTERN } from '../protocol';
import { parseSize, parseTime } from './units';

export function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function checked(pattern: RegExp, help: string) {
  return (value: string): string => {
    if (!pattern.test(value)) throw new InvalidArgumentError(help);
    return value;
  };
}
export const frameName = checked(FRAME_NAME_PATTERN, FRAME_NAME_HELP);
export const frameRef = checked(FRAME_REF_PATTERN, FRAME_REF_HELP);
export const identifier = checked(IDENTIFIER_PATTERN, 'a user or group name is an identifier: letters, digits and _, not starting with a digit');
export const sparkDatabase = checked(IDENTIFIER_PATTERN, '--spark-database is an identifier: letters, digits and _, not starting with a digit');
export const sparkRemote = checked(/^sc:\/\/[^\s/]+/, '--spark-remote is a Spark Connect address: sc://HOST:PORT');

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A size (`500MB`, `10GB`: binary units) in bytes. */
export function size(name: string) {
  return (value: string): number => {
    const bytes = parseSize(value);
    if (bytes === null) throw new InvalidArgumentError(`${name} must be a size such as 500MB or 10GB`);
    return bytes;
  };
}

/** A size, or `default` (null: the gateway's default applies again). */
export function sizeOrDefault(name: string) {
  const parse = size(name);
  return (value: string): number | null => (value.trim().toLowerCase() === 'default' ? null : parse(value));
}

/** A time: ISO-8601 or a span ago (`30m`, `2h`, `7d`), as ISO-8601. */
export function time(name: string) {
  return (value: string): string => {
    const iso = parseTime(value);
    if (iso === null) throw new InvalidArgumentError(`${name} must be a time such as 2026-05-01, 2026-05-01T12:00:00Z, or a span ago such as 30m, 2h, 7d`);
    return iso;
  };
}
