/**
 * Which open panel a new grid goes to, without `vscode`: a frame's preview reuses the panel of
 * that frame; a result reuses the unpinned result panel of its origin (Select/Filter of the same
 * frame share one, every Run SQL shares one), so each query does not open another tab. Pinned
 * results keep their tab; the next result of their origin opens a new one.
 */
import type { GridTarget, ResultOrigin } from './commands';

export interface PanelState {
  target: GridTarget;
  pinned: boolean;
}

export function originKey(origin: ResultOrigin | undefined): string | undefined {
  if (!origin) return undefined;
  if (origin.kind === 'file') return `file:${origin.uri}`;
  return origin.kind === 'sql' ? 'sql' : `${origin.kind}:${origin.name.toLowerCase()}`;
}

export function reusablePanel<T extends PanelState>(open: Iterable<T>, target: GridTarget): T | undefined {
  for (const panel of open) {
    if (target.source.kind === 'frame') {
      const name = target.source.name;
      if (panel.target.source.kind === 'frame' && panel.target.source.name === name) return panel;
      continue;
    }
    const key = originKey(target.origin);
    if (key !== undefined && panel.target.result && !panel.pinned && originKey(panel.target.origin) === key) return panel;
  }
  return undefined;
}

/** Only results that would otherwise be replaced can be pinned. */
export function canPin(panel: PanelState): boolean {
  return panel.target.result !== undefined && originKey(panel.target.origin) !== undefined && !panel.pinned;
}
