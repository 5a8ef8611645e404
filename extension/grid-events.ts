/**
 * What a live event does to an open grid, without `vscode`. A preview of a frame's latest version
 * keeps showing the version it opened on; a new version makes it offer a reload (its session
 * checks, see frame-version.ts). A grid of `NAME@N` never changes, unless N itself is removed.
 * A grid of a frame deleted, or no longer shared with you, says it is gone and reads nothing more.
 * Results are snapshots: events do not touch them.
 */
import { parseFrameRef, type GatewayEvent, type Source } from '../protocol';

export type GridEffect =
  /** Ask the gateway again what the frame's latest version is (the session offers a reload). */
  | { kind: 'check' }
  /** What the grid shows is gone: it says `message` instead. */
  | { kind: 'gone'; message: string };

/** The frame a grid shows (full name as the grid was opened with it) and the version it names, if any. */
export function frameOfSource(source: Source): { name: string; version?: number } | undefined {
  if (source.kind !== 'frame') return undefined;
  try {
    const ref = parseFrameRef(source.name);
    const name = ref.namespace ? `${ref.namespace}.${ref.name}` : ref.name;
    return ref.version === undefined ? { name } : { name, version: ref.version };
  } catch {
    return { name: source.name };
  }
}

export function gridEffect(source: Source, event: GatewayEvent): GridEffect | undefined {
  if (event.type === 'gateway.shutdown' || event.object.kind !== 'frame') return undefined;
  const shown = frameOfSource(source);
  if (!shown || shown.name.toLowerCase() !== event.object.name.toLowerCase()) return undefined;
  const name = event.object.name;
  switch (event.type) {
    case 'object.version':
      return shown.version === undefined ? { kind: 'check' } : undefined;
    case 'version.removed':
      if (shown.version === undefined) return { kind: 'check' };
      if (shown.version !== event.version) return undefined;
      return { kind: 'gone', message: `Version ${event.version} of ${name} was ${event.reason === 'retention' ? 'dropped by retention' : `removed by ${event.by}`}.` };
    case 'object.deleted':
      return { kind: 'gone', message: `${name} was deleted by ${event.by}.` };
    case 'object.unshared':
      return event.access === 'none' ? { kind: 'gone', message: `${event.by} stopped sharing ${name} with you.` } : undefined;
    default:
      return undefined;
  }
}
