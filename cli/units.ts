/** Sizes and times as people write them on a command line, and sizes as the CLI prints them. */
import { formatBytes } from '../server/memory/budget';

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?\s*$/i;
const UNIT: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3, tb: 1024 ** 4, tib: 1024 ** 4 };

/** `500MB`, `10GB`, `1.5GiB`, `12345` (bytes); KB, MB, GB are binary (1 GB = 1024³ bytes). Null when it is not a size. */
export function parseSize(text: string): number | null {
  const match = SIZE.exec(text);
  if (!match) return null;
  const bytes = Number(match[1]) * UNIT[(match[2] ?? 'b').toLowerCase()]!;
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : null;
}

export function formatSize(bytes: number): string {
  return formatBytes(bytes);
}

const RELATIVE = /^(\d+)\s*(s|m|h|d|w)$/i;
const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * A point in time: ISO-8601 (`2026-05-01`, `2026-05-01T12:00:00Z`) or a span ago (`30m`, `2h`,
 * `7d`). Null when it is neither.
 */
export function parseTime(text: string, now = Date.now()): string | null {
  const relative = RELATIVE.exec(text.trim());
  if (relative) return new Date(now - Number(relative[1]) * SECONDS[relative[2]!.toLowerCase()]! * 1000).toISOString();
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return null;
  const date = new Date(text.trim());
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
