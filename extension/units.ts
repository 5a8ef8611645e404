/** Sizes, counts and times as the extension shows them to people (sizes in binary units, as the CLI). */

const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `512 bytes`, `1.5 KiB`, `24.0 MiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} ${value === 1 ? 'byte' : 'bytes'}` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** `1.2M rows`, `950 rows`, `1 row`: a count for a sentence, where exact digits do not matter. */
export function compactRows(rows: number): string {
  return `${compact.format(rows)} ${rows === 1 ? 'row' : 'rows'}`;
}

/** `2026-05-01 12:03` (UTC): a version's time, short and the same width everywhere. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/:\d{2}(\.\d+)?Z$/, '');
}
