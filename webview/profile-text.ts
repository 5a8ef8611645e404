/** Column profiles as text for people: the header's one-line summary and the summary panel's facts. Pure. */
import type { ColumnProfile } from '../protocol';

function count(n: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/** Share of `part` in `whole` as a short percentage: `0%`, `<1%`, `12%`, `100%`. */
export function percent(part: number, whole: number): string {
  if (whole <= 0 || part <= 0) return '0%';
  const share = (part / whole) * 100;
  if (share < 1) return '<1%';
  if (share > 99 && part < whole) return '>99%';
  return `${Math.round(share)}%`;
}

/** The header line under a column's type: nulls and distinct values. */
export function headerSummary(profile: ColumnProfile, locale?: string): string {
  const rows = profile.count + profile.nulls;
  const nulls = profile.nulls === 0 ? 'no nulls' : `${percent(profile.nulls, rows)} null`;
  return profile.distinct === undefined ? nulls : `${nulls} · ${count(profile.distinct, locale)} distinct`;
}

function number(value: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { maximumSignificantDigits: 6 }).format(value);
}

/** The facts the summary panel lists for a column, label and value. */
export function profileFacts(profile: ColumnProfile, locale?: string): [string, string][] {
  const rows = profile.count + profile.nulls;
  const facts: [string, string][] = [
    ['type', profile.type],
    ['values', count(profile.count, locale)],
    ['nulls', `${count(profile.nulls, locale)} (${percent(profile.nulls, rows)})`],
  ];
  if (profile.distinct !== undefined) facts.push(['distinct', count(profile.distinct, locale)]);
  if (profile.min !== undefined) facts.push(['min', profile.min]);
  if (profile.max !== undefined) facts.push(['max', profile.max]);
  if (profile.mean !== undefined) facts.push(['mean', number(profile.mean, locale)]);
  return facts;
}
