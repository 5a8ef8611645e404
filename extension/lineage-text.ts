/**
 * "Show Lineage" as a Markdown document: the version asked about, then what it was made from,
 * indented, back to the files it was loaded from. A version the user may not read reads as "a
 * frame you cannot see" and tells nothing more (the gateway tells nothing more either).
 */
import type { LineageNode, OriginInfo } from '../protocol';
import { formatBytes, shortTime } from './units';

function oneLine(text: string, max = 100): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** How a version was made, in a few words. */
export function originText(origin: OriginInfo): string {
  switch (origin.kind) {
    case 'sql':
    case 'select':
      return `from SQL \`${oneLine(origin.sql)}\``;
    case 'query':
      return origin.query ? `by running the saved query ${origin.query}${origin.queryVersion ? `@${origin.queryVersion}` : ''}` : `from SQL \`${oneLine(origin.sql)}\``;
    case 'file':
      return `loaded from ${origin.path} (${formatBytes(origin.bytes)}, sha256 ${origin.sha256.slice(0, 12)}…)`;
    case 'upload':
      return `uploaded by ${origin.by}`;
    case 'demo':
      return 'demo data';
    case 'legacy':
      return `imported from an older data dir (${oneLine(origin.source)})`;
    case 'written':
      return 'written by hand';
  }
}

function nodeLine(node: LineageNode): string {
  if (!node.visible) return `a ${node.kind} you cannot see`;
  const gone = [...(node.deleted ? ['deleted since'] : []), ...(node.state.kind === 'removed' ? ['its data was removed'] : [])];
  const about = `**${node.ref}** by ${node.author}, ${shortTime(node.createdAt)} UTC: ${originText(node.origin)}`;
  return gone.length > 0 ? `${about} (${gone.join(', ')})` : about;
}

function lines(node: LineageNode, depth: number): string[] {
  const indent = '  '.repeat(depth);
  const own = `${indent}- ${nodeLine(node)}`;
  if (!node.visible) return [own];
  if (node.repeated) return [`${own} (shown above)`];
  const tail = node.truncated ? [`${indent}  - … more: show the lineage of ${node.ref} on its own`] : [];
  return [own, ...node.reads.flatMap((read) => lines(read, depth + 1)), ...tail];
}

/** The whole document for the lineage of `root`. */
export function lineageMarkdown(root: LineageNode): string {
  const title = root.visible ? `# Lineage of ${root.ref}` : '# Lineage';
  const lead = root.visible && root.reads.length === 0 ? 'It was made from nothing else on the gateway.' : 'Each version, then (indented) what it was made from.';
  return [title, '', lead, '', ...lines(root, 0), ''].join('\n');
}
