/** Notes: Markdown standing alone or attached to a frame (then readable by whoever reads the frame). */
import { qualifiedName, type NoteInfo } from '../../../protocol';
import type { VersionRecord } from '../records';
import type { KindPart } from './kind';

/** What a note version holds (versions.body). */
export interface NoteBody {
  text: string;
}

export function noteBody(version: VersionRecord): NoteBody {
  return { text: (version.body as Partial<NoteBody> | null)?.text ?? '' };
}

/** A note's first line, as its `source` in listings. */
export function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

export const notePart: KindPart = {
  kind: 'note',
  info: (base, latest, facts): NoteInfo => {
    const frame = facts.object.attachedTo === null ? undefined : facts.objectOf(facts.object.attachedTo);
    return { ...base, kind: 'note', text: noteBody(latest).text, ...(frame ? { attachedTo: qualifiedName(frame.namespace, frame.name) } : {}) };
  },
};
