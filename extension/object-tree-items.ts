/**
 * Saved queries and notes in the Frames tree: queries in the group of how they reach you (beside
 * the frames), notes under the frame they are on (a note standing alone sits in its group too).
 * Clicking a query opens its SQL; clicking a note shows it.
 */
import type { NoteInfo, ObjectInfo, QueryInfo, WhoAmIResult } from '../protocol';
import { accessParts, accessTooltipLines, objectContextValue, objectLabel, type TreeNodeSpec } from './tree-nodes';
import { shortTime } from './units';

export const OPEN_QUERY_COMMAND = 'framegate.openQuery';
export const SHOW_NOTE_COMMAND = 'framegate.showNote';

function firstLine(text: string, max = 60): string {
  const line = (text.split('\n').find((l) => l.trim() !== '') ?? '').trim().replace(/^#+\s*/, '');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** At most `lines` lines of `text`, for a tooltip. */
function excerpt(text: string, lines = 12): string {
  const all = text.trim().split('\n');
  return all.length > lines ? [...all.slice(0, lines), '…'].join('\n') : all.join('\n');
}

function versionText(object: ObjectInfo): string {
  return `version: ${object.version} by ${object.author}, ${shortTime(object.createdAt)} UTC`;
}

export function queryTreeItem(query: QueryInfo, me: WhoAmIResult): TreeNodeSpec {
  const description = [`query · v${query.version}`, ...accessParts(query, me), ...(query.description ? [firstLine(query.description, 40)] : [])];
  const tooltip = [
    `${query.name} (saved query)`,
    ...(query.description ? [query.description] : []),
    `owner: ${query.owner}${query.owner === me.user ? ' (you)' : ''}`,
    versionText(query),
    `columns: ${query.columns.map((c) => c.name).join(', ') || '(none)'}`,
    ...(query.pinned.length > 0 ? [`pins: ${query.pinned.join(', ')}`] : []),
    ...accessTooltipLines(query, me),
    '',
    excerpt(query.sql),
  ];
  return {
    id: `query:${query.name}`,
    label: objectLabel(query, me),
    description: description.join(' · '),
    tooltip: tooltip.join('\n'),
    contextValue: objectContextValue(query),
    collapsible: 'none',
    icon: 'code',
    command: { command: OPEN_QUERY_COMMAND, title: 'Open Query', arguments: [query.name] },
    node: { kind: 'query', query },
  };
}

/**
 * A note. One on a frame is labelled by its first line (its name is made up from the frame's);
 * one standing alone by its name, like everything else in a group.
 */
export function noteTreeItem(note: NoteInfo, me: WhoAmIResult, { underFrame }: { underFrame: boolean }): TreeNodeSpec {
  const label = underFrame ? firstLine(note.text) || objectLabel(note, me) : objectLabel(note, me);
  const description = underFrame ? [note.author, `v${note.version}`] : [`note · v${note.version}`, ...accessParts(note, me)];
  const tooltip = [
    `${note.name} (note${note.attachedTo ? ` on ${note.attachedTo}` : ''})`,
    versionText(note),
    ...(underFrame ? [] : accessTooltipLines(note, me)),
    '',
    excerpt(note.text),
  ];
  return {
    id: `note:${note.name}`,
    label,
    description: description.join(' · '),
    tooltip: tooltip.join('\n'),
    contextValue: objectContextValue(note),
    collapsible: 'none',
    icon: 'note',
    command: { command: SHOW_NOTE_COMMAND, title: 'Show Note', arguments: [note.name] },
    node: { kind: 'note', note },
  };
}

/** The notes on `frame` (full name), oldest first. */
export function notesOn(objects: readonly ObjectInfo[], frame: string): NoteInfo[] {
  const key = frame.toLowerCase();
  return objects
    .filter((o): o is NoteInfo => o.kind === 'note' && o.attachedTo?.toLowerCase() === key)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
}

/** Whether `note` shows under a frame of the list (else it stands in its group). */
export function isUnderFrame(note: NoteInfo, objects: readonly ObjectInfo[]): boolean {
  const on = note.attachedTo?.toLowerCase();
  return on !== undefined && objects.some((o) => o.kind === 'frame' && o.name.toLowerCase() === on);
}
