/**
 * Files in and out: Export… writes a whole frame or result to a local CSV, Parquet or Arrow file,
 * and Upload to Framegate saves a local file (Explorer's context menu) as a frame. Both run the
 * CLI's own transfer code (rpc/export-file.ts, rpc/upload-file.ts) under a progress notification
 * whose Cancel stops the transfer on the gateway; an export cancelled leaves no file behind.
 */
import { basename, extname } from 'node:path';
import type { FrameInfo, Source } from '../protocol';
import { exportToFile, type ExportFormat } from '../rpc/export-file';
import { uploadFile, uploadFormatOf } from '../rpc/upload-file';
import { saveNamePrompt, suggestFrameName, validateFrameName } from './command-logic';
import { frameNameOf, pickFrame, saveAsking, type CommandContext, type PickItem } from './commands';
import { formatBytes } from './units';

interface FormatItem extends PickItem {
  format: ExportFormat;
  extension: string;
}

export const EXPORT_FORMATS: FormatItem[] = [
  { label: 'Parquet', description: '.parquet · exact types, compressed', format: 'parquet', extension: 'parquet' },
  { label: 'CSV', description: '.csv · text with a header row; NULL is an empty field', format: 'csv', extension: 'csv' },
  { label: 'Arrow', description: '.arrow · Arrow IPC file, the rows exactly as the gateway sends them', format: 'arrow', extension: 'arrow' },
];

/** What Export… writes: a frame (by name) or a result, and what the file is called by default. */
export interface ExportTarget {
  source: Source;
  /** For titles and the default file name. */
  title: string;
}

/** A frame name fit for a file name: `alice.sales@2` → `sales@2` → `sales_2`. */
export function defaultFileName(title: string, extension: string): string {
  const bare = title.includes('.') ? title.slice(title.indexOf('.') + 1) : title;
  const safe = bare.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'export';
  return `${safe}.${extension}`;
}

/** The progress line: what has arrived of how much. */
export function exportProgressText(rows: number, bytes: number, totalRows: number | undefined): string {
  const of = totalRows === undefined ? '' : ` of ${totalRows.toLocaleString('en-US')}`;
  return `${rows.toLocaleString('en-US')}${of} rows · ${formatBytes(bytes)}`;
}

/**
 * The source of Export…: a frame from the tree (its argument), else the grid panel in front (a
 * frame's preview or a result), else a frame the user picks.
 */
async function exportTarget(ctx: CommandContext, arg: unknown): Promise<(ExportTarget & { rows?: number }) | undefined> {
  if (frameNameOf(arg) === undefined) {
    const grid = ctx.grids.activeTarget?.();
    if (grid) return { source: grid.source, title: grid.title, ...(grid.result ? { rows: grid.result.rowCount } : {}) };
  }
  const frame = await pickFrame(ctx, 'Framegate: Export', arg);
  if (!frame) return undefined;
  const name = frameNameOf(arg)?.includes('@') ? `${frame.name}@${frame.version}` : frame.name;
  return { source: { kind: 'frame', name }, title: name, rows: frame.rowCount };
}

export async function exportData(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const target = await exportTarget(ctx, arg);
  if (!target) return undefined;
  const format = await ctx.ui.pickOne(EXPORT_FORMATS, { title: `Framegate: Export ${target.title}`, placeHolder: 'The file format' });
  if (!format) return undefined;
  const path = await ctx.ui.saveFile({
    title: `Framegate: Export ${target.title} as ${format.label}`,
    defaultName: defaultFileName(target.title, format.extension),
    filters: { [format.label]: [format.extension] },
  });
  if (!path) return undefined;
  // Whatever name was typed, the file holds the format chosen: give it that extension when it has none.
  const file = extname(path) === '' ? `${path}.${format.extension}` : path;
  const client = ctx.connection.requireClient();
  const result = await ctx.ui.withProgress(`Framegate: exporting ${target.title} to ${basename(file)}…`, (progress) =>
    exportToFile(client, { source: target.source }, file, format.format, {
      signal: progress.signal,
      onProgress: ({ rows, bytes }) => progress.report(exportProgressText(rows, bytes, target.rows)),
    }),
  );
  ctx.log.info('export.written', { source: target.source, path: file, format: format.format, rows: result.rows, bytes: result.bytes });
  ctx.ui.info(`Exported ${result.rows.toLocaleString('en-US')} rows of ${target.title} to ${file}.`);
  return file;
}

/** A file path from a command argument: the Explorer passes a file Uri. */
export function filePathOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg !== '') return arg;
  if (typeof arg === 'object' && arg !== null && (arg as { scheme?: unknown }).scheme === 'file') {
    const fsPath = (arg as { fsPath?: unknown }).fsPath;
    if (typeof fsPath === 'string') return fsPath;
  }
  return undefined;
}

export interface UploadContext extends CommandContext {
  /** Shows the frame in the Frames view once it is saved. */
  revealFrame(name: string): Promise<void>;
}

/** Upload to Framegate: a local CSV, Parquet, JSON or Arrow file as a frame (asks the name; asks before replacing). */
export async function uploadToFramegate(ctx: UploadContext, arg: unknown): Promise<FrameInfo | undefined> {
  const path = filePathOf(arg);
  if (!path) {
    ctx.ui.error('Framegate: Upload to Framegate works on a file: right-click a .csv, .parquet, .json or .arrow file in the Explorer.');
    return undefined;
  }
  if (!uploadFormatOf(path)) {
    ctx.ui.error(`Framegate: ${basename(path)} is not a CSV, Parquet, JSON or Arrow file.`);
    return undefined;
  }
  const input = await ctx.ui.input({
    title: `Framegate: Upload ${basename(path)}`,
    ...saveNamePrompt(ctx.connection.me),
    value: suggestFrameName(path),
    validate: validateFrameName,
  });
  if (input === undefined) return undefined;
  const name = input.trim();
  const client = ctx.connection.requireClient();
  const uploaded = await saveAsking(ctx, name, (replace) =>
    ctx.ui.withProgress(`Framegate: uploading ${basename(path)}…`, (progress) =>
      uploadFile(client, path, { name, replace, signal: progress.signal, onProgress: (sent) => progress.report(`${formatBytes(sent)} sent`) }),
    ),
  );
  if (!uploaded) return undefined;
  ctx.log.info('file.uploaded', { path, name: uploaded.name, rows: uploaded.rowCount });
  await ctx.revealFrame(uploaded.name);
  ctx.ui.info(`Uploaded ${uploaded.name} (${uploaded.rowCount.toLocaleString('en-US')} rows).`);
  return uploaded;
}
