/** Every kind's part, keyed by kind: the compiler checks that none is missing. */
import type { ObjectKind } from '../../../protocol';
import { chartPart } from './chart';
import { framePart } from './frame';
import type { KindPart } from './kind';
import { notePart } from './note';
import { queryPart } from './query';

export const KIND_PARTS: Record<ObjectKind, KindPart> = { frame: framePart, query: queryPart, note: notePart, chart: chartPart };
export type { KindFacts, KindPart } from './kind';
export { queryBody, type QueryBody } from './query';
export { firstLine, noteBody, type NoteBody } from './note';
export { chartBody, type ChartBody } from './chart';
