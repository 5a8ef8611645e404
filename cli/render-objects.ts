/**
 * How the CLI shows objects of every kind to people: version histories, lineage trees, saved
 * queries, notes, and live events. (`--json` prints the gateway's documents as they are.)
 */
import type { GatewayEvent, Grantee, LineageNode, NoteInfo, ObjectInfo, OriginInfo, QueryInfo, VersionInfo, VersionsResult, VersionState } from '../protocol';
import { formatCount, type Output } from './output';
import { formatSize } from './units';

/** `2026-05-01 12:03:04` (UTC): times to the second, the same width everywhere. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

function oneLine(text: string, max = 70): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** How a version was made, in a few words. */
export function originText(origin: OriginInfo): string {
  switch (origin.kind) {
    case 'sql':
    case 'select':
      return `sql: ${oneLine(origin.sql)}`;
    case 'query':
      return `${origin.query ? `query ${origin.query}@${origin.queryVersion ?? '?'}` : 'a query you cannot see'}: ${oneLine(origin.sql, 50)}`;
    case 'file':
      return `load ${origin.path} (${formatSize(origin.bytes)}, sha256 ${origin.sha256.slice(0, 12)}…)`;
    case 'upload':
      return `uploaded by ${origin.by}`;
    case 'demo':
      return 'demo data';
    case 'legacy':
      return `from Framegate 0.1: ${oneLine(origin.source, 50)}`;
    case 'written':
      return 'written';
  }
}

function stateText(state: VersionState, version: VersionInfo): string {
  if (state.kind === 'removed') {
    if (state.reason === 'retention') return 'dropped by retention';
    const why = { removed: 'removed', deleted: 'deleted', unknown: 'data gone' }[state.reason];
    return state.by ? `${why} by ${state.by}` : why;
  }
  const kept = (version.keptFor ?? []).map((k) => (k === 'lineage' ? 'lineage' : 'a pinned query'));
  return [...(version.latest ? ['latest'] : []), ...(kept.length ? [`kept for ${kept.join(' and ')}`] : [])].join(', ');
}

export function versionsText(out: Output, result: VersionsResult): string {
  const keep =
    result.kind !== 'frame' ? '' : result.keep === null ? '; keeps every version' : `; keeps the data of the last ${result.keep} (${result.keepIsOwn ? 'its own setting' : "the gateway's"})`;
  const stored = result.versions.reduce((sum, v) => sum + v.bytes, 0);
  const head = `${result.name} (${result.kind}): ${result.versions.length} version${result.versions.length === 1 ? '' : 's'}${result.kind === 'frame' ? `, ${formatSize(stored)} stored` : ''}${keep}`;
  const table = out.table(
    ['version', 'author', 'saved (UTC)', 'rows', 'size', 'state', 'made by'],
    result.versions.map((v) => [
      String(v.version),
      v.author,
      shortTime(v.createdAt),
      result.kind === 'frame' ? formatCount(v.rowCount) : '',
      result.kind === 'frame' && v.bytes > 0 ? formatSize(v.bytes) : '',
      stateText(v.state, v),
      v.origin.kind === 'written' ? oneLine(v.source, 50) : originText(v.origin),
    ]),
    [true, false, false, true, true],
  );
  return `${head}\n${table}`;
}

const HIDDEN: Record<string, string> = { frame: 'a frame you cannot see', query: 'a query you cannot see', note: 'a note you cannot see' };

/** The lineage tree, one version per line, sources indented under what was made from them. */
export function lineageText(root: LineageNode): string {
  const lines: string[] = [];
  const walk = (node: LineageNode, depth: number) => {
    const indent = '  '.repeat(depth);
    if (!node.visible) {
      lines.push(`${indent}${HIDDEN[node.kind] ?? 'something you cannot see'}`);
      return;
    }
    const flags = [...(node.deleted ? ['deleted'] : []), ...(node.state.kind === 'removed' ? ['data removed'] : []), ...(node.repeated ? ['shown above'] : []), ...(node.truncated ? ['more not shown'] : [])];
    lines.push(`${indent}${node.ref}  ${node.kind} by ${node.author}, ${shortTime(node.createdAt)}: ${originText(node.origin)}${flags.length ? `  (${flags.join(', ')})` : ''}`);
    for (const read of node.reads) walk(read, depth + 1);
  };
  walk(root, 0);
  return lines.join('\n');
}

export function queryText(query: QueryInfo): string {
  return [
    `${query.name} (query, version ${query.version} by ${query.author} at ${shortTime(query.createdAt)}; owner ${query.owner})`,
    ...(query.description ? [query.description] : []),
    '',
    query.sql.trim(),
    '',
    `columns: ${query.columns.map((c) => `${c.name} ${c.type}`).join(', ') || '(none)'}`,
    ...(query.pinned.length ? [`pinned versions (kept for it): ${query.pinned.join(', ')}`] : []),
  ].join('\n');
}

export function noteText(note: NoteInfo): string {
  const on = note.attachedTo ? ` on ${note.attachedTo}` : '';
  return `${note.name} (note${on}, version ${note.version} by ${note.author} at ${shortTime(note.createdAt)})\n\n${note.text.trim()}`;
}

/** A list of queries or notes. */
export function objectsText(out: Output, objects: ObjectInfo[], empty: string): string {
  if (objects.length === 0) return empty;
  return out.table(
    ['name', 'kind', 'version', 'owner', 'saved (UTC)', 'about'],
    objects.map((o) => [
      o.name,
      o.kind,
      String(o.version),
      o.owner,
      shortTime(o.createdAt),
      o.kind === 'query' ? oneLine(o.description || o.sql, 50) : o.kind === 'chart' ? `${o.chart.kind} of ${o.from}` : o.kind === 'note' ? `${o.attachedTo ? `on ${o.attachedTo}: ` : ''}${oneLine(o.text, 50)}` : `${formatCount(o.rowCount)} rows`,
    ]),
    [false, false, true],
  );
}

/** Notes of a frame: each with who wrote it and when, then its text. */
export function notesText(notes: NoteInfo[], frame: string): string {
  if (notes.length === 0) return `no notes on ${frame} (framegate note add ${frame} "text")`;
  return notes.map((n) => `${n.name} by ${n.author}, ${shortTime(n.createdAt)}${n.version > 1 ? ` (version ${n.version})` : ''}\n${n.text.trim().replace(/^/gm, '  ')}`).join('\n\n');
}

function granteeText(grantee: Grantee): string {
  return grantee.kind === 'team' ? 'the team' : `${grantee.kind} ${grantee.name}`;
}

/** One line per event, for `framegate watch`. */
export function eventText(event: GatewayEvent): string {
  const what = 'object' in event ? `${event.object.kind} ${event.object.name}` : '';
  const text = (() => {
    switch (event.type) {
      case 'object.created':
        return `created ${what}${event.attachedTo ? ` on ${event.attachedTo}` : ''}`;
      case 'object.version':
        return `saved version ${event.version} of ${what}`;
      case 'object.shared':
        return `shared ${what} with ${granteeText(event.to)}${event.write ? ' (read and write)' : ''}`;
      case 'object.published':
        return `published ${what} to the team`;
      case 'object.unshared':
        return `stopped sharing ${what} with ${granteeText(event.from)}${event.access === 'none' ? '; you can no longer see it' : `; you may still ${event.access} it`}`;
      case 'object.deleted':
        return `deleted ${what}`;
      case 'version.removed':
        return `removed version ${event.version} of ${what}${event.reason === 'retention' ? ' (retention)' : ''}`;
      case 'gateway.shutdown':
        return `is shutting the gateway down: connections close at ${shortTime(event.deadline)} UTC`;
    }
  })();
  return `${shortTime(event.at)}  ${event.by} ${text}`;
}
