/**
 * Files: Load File… (a file on the gateway machine, inside its import dirs). Loads run under a
 * progress notification whose Cancel interrupts them on the gateway; a name that is taken asks
 * before it replaces, and declining saves nothing and says nothing.
 */
import { Methods, type FrameInfo } from '../protocol';
import { formatOfPath, saveNamePrompt, suggestFrameName, validateFrameName, validateServerPath } from './command-logic';
import { saveAsking, withCancel, type CommandContext } from './commands';

export async function loadFile(ctx: CommandContext): Promise<FrameInfo | undefined> {
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
