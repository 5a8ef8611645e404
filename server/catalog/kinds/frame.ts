/** Frames: data in the engine, one stored table per version. */
import type { FrameInfo } from '../../../protocol';
import type { KindPart } from './kind';

export const framePart: KindPart = {
  kind: 'frame',
  info: (base, latest, facts): FrameInfo => ({
    ...base,
    kind: 'frame',
    columns: latest.columns,
    rowCount: latest.rowCount,
    source: latest.source,
    bytes: latest.storage === null ? 0 : latest.bytes,
    storedBytes: facts.storedBytes,
  }),
};
