/**
 * A frame's versions in the Frames tree: a "Versions" folder under the frame, listed from
 * `objects/versions` when expanded, newest first. Each version says who saved it, when, its rows
 * and size; clicking one previews exactly that version (`NAME@N`).
 */
import type { FrameInfo, VersionInfo, VersionsResult } from '../protocol';
import { ContextValues, formatCount, type TreeNodeSpec } from './tree-nodes';
import { formatBytes, shortTime } from './units';

export const PREVIEW_COMMAND = 'framegate.preview';

/** The folder under a frame; its children come from the gateway (see versionTreeItems). */
export function versionsFolderItem(frame: FrameInfo): TreeNodeSpec {
  return {
    id: `versions:${frame.name}`,
    label: 'Versions',
    description: `${frame.versionCount}`,
    tooltip: `Every version of ${frame.name}: who saved it, when, rows and size. Click one to preview it.`,
    contextValue: ContextValues.versions,
    collapsible: 'collapsed',
    icon: 'history',
    node: { kind: 'versions', frame },
  };
}

/** Why a version has no data any more, in the user's terms. */
export function removedText(version: VersionInfo): string | undefined {
  if (version.state.kind !== 'removed') return undefined;
  switch (version.state.reason) {
    case 'retention':
      return 'dropped by retention';
    case 'removed':
      return version.state.by ? `removed by ${version.state.by}` : 'removed';
    default:
      return 'data removed';
  }
}

function versionDescription(version: VersionInfo): string {
  const removed = removedText(version);
  return [
    version.author,
    shortTime(version.createdAt),
    ...(removed ? [removed] : [`${formatCount(version.rowCount)} ${version.rowCount === 1 ? 'row' : 'rows'}`, formatBytes(version.bytes)]),
    ...(version.latest ? ['latest'] : []),
  ].join(' · ');
}

function versionTooltip(frame: FrameInfo, version: VersionInfo): string {
  const kept = version.keptFor?.map((k) => (k === 'pinned' ? 'a saved query pins it' : 'another frame was made from it')) ?? [];
  return [
    `${frame.name}@${version.version}${version.latest ? ' (latest)' : ''}`,
    `saved by ${version.author}, ${shortTime(version.createdAt)} UTC`,
    removedText(version) ?? `${formatCount(version.rowCount)} rows, ${formatBytes(version.bytes)}`,
    ...(kept.length > 0 ? [`kept: ${kept.join(', ')}`] : []),
    `from: ${version.source}`,
  ].join('\n');
}

/** The versions of `frame`, newest first. Removed ones stay listed (for lineage) but open nothing. */
export function versionTreeItems(frame: FrameInfo, result: VersionsResult): TreeNodeSpec[] {
  return [...result.versions].reverse().map((version) => {
    const present = version.state.kind === 'present';
    const removable = present && !version.latest && frame.canManage;
    const ref = `${frame.name}@${version.version}`;
    return {
      id: `version:${ref}`,
      label: `v${version.version}`,
      description: versionDescription(version),
      tooltip: versionTooltip(frame, version),
      contextValue: removable ? `${ContextValues.version} removable` : ContextValues.version,
      collapsible: 'none',
      icon: present ? 'circle-filled' : 'circle-slash',
      ...(present ? { command: { command: PREVIEW_COMMAND, title: 'Preview', arguments: [ref] } } : {}),
      node: { kind: 'version', frame, version },
    };
  });
}
