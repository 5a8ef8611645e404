/**
 * Files: Load File… browses the gateway's import dirs (files/list) and loads the file picked (or a
 * path typed). Loads run under a progress notification whose Cancel interrupts them on the
 * gateway; a name that is taken asks before it replaces, and declining saves nothing and says nothing.
 */
import { Methods, type FileEntry, type FrameInfo } from '../protocol';
import { formatOfPath, saveNamePrompt, suggestFrameName, validateFrameName, validateServerPath } from './command-logic';
import { saveAsking, withCancel, type CommandContext, type PickItem } from './commands';

/** The browse list's items besides files and folders. */
export const UP_LABEL = '..';
export const TYPE_PATH_LABEL = 'Type a path…';

interface BrowseItem extends PickItem {
  entry?: FileEntry;
  up?: string;
  typePath?: true;
}

function sizeText(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Load File…: browse the import dirs, folder by folder, to a CSV, Parquet or JSON file. */
export async function loadFile(ctx: CommandContext): Promise<FrameInfo | undefined> {
  const client = ctx.connection.requireClient();
  let folder: string | undefined;
  for (;;) {
    const listing = await client.request(Methods.listFiles, folder === undefined ? {} : { path: folder });
    const items: BrowseItem[] = [];
    if (listing.parent) items.push({ label: UP_LABEL, description: listing.parent, up: listing.parent });
    else if (listing.path !== null) items.push({ label: UP_LABEL, description: 'the import directories', up: '' });
    for (const entry of listing.entries) {
      items.push({
        label: entry.name,
        description: entry.kind === 'dir' ? 'folder' : `${sizeText(entry.bytes)}${formatOfPath(entry.name) ? '' : ' · not CSV, Parquet or JSON'}`,
        entry,
      });
    }
    if (listing.truncated) items.push({ label: TYPE_PATH_LABEL, description: 'this folder holds more files than are listed', typePath: true });
    else items.push({ label: TYPE_PATH_LABEL, typePath: true });
    if (listing.entries.length === 0 && listing.path === null) {
      ctx.ui.info('Framegate: the gateway has no import directories (framegate serve --import-dir DIR), so it cannot load files.');
      return undefined;
    }
    const picked = await ctx.ui.pickOne(items, { title: `Framegate: Load File — ${listing.path ?? 'import directories'}`, placeHolder: 'A CSV, Parquet or JSON file on the gateway machine' });
    if (!picked) return undefined;
    if (picked.typePath) return typePath(ctx);
    if (picked.up !== undefined) {
      folder = picked.up === '' ? undefined : picked.up;
      continue;
    }
    if (picked.entry?.kind === 'dir') {
      folder = picked.entry.path;
      continue;
    }
    if (picked.entry) return loadPath(ctx, picked.entry.path);
  }
}

async function typePath(ctx: CommandContext): Promise<FrameInfo | undefined> {
  const path = await ctx.ui.input({
    title: 'Framegate: Load File (1/2)',
    prompt: 'Path of a CSV, Parquet or JSON file on the gateway machine (relative paths: first import dir)',
    placeHolder: 'sales-2024.parquet',
    validate: validateServerPath,
  });
  if (path === undefined) return undefined;
  return loadPath(ctx, path.trim());
}

/** Asks for the frame name (suggested from the file) and loads `path` under it. */
export async function loadPath(ctx: CommandContext, path: string): Promise<FrameInfo | undefined> {
  const input = await ctx.ui.input({
    title: 'Framegate: Load File (2/2)',
    ...saveNamePrompt(ctx.connection.me),
    value: suggestFrameName(path),
    validate: validateFrameName,
  });
  if (input === undefined) return undefined;
  const name = input.trim();
  const format = formatOfPath(path);
  const client = ctx.connection.requireClient();
  const params = { path, name, ...(format ? { format } : {}) };
  const loaded = await saveAsking(ctx, name, (replace) =>
    withCancel(ctx, `Framegate: loading ${path}…`, (signal) => client.request(Methods.load, { ...params, replace }, { signal })),
  );
  if (!loaded) return undefined;
  ctx.log.info('file.loaded', { path, name: loaded.name, rows: loaded.rowCount });
  ctx.ui.info(`Loaded ${loaded.name} (${loaded.rowCount.toLocaleString('en-US')} rows).`);
  return loaded;
}
