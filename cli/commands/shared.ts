/** Saved queries and notes: query save/run/ls/show, note add/save/show, notes. */
import { Methods, type NoteInfo, type QueryInfo } from '../../protocol';
import { UsageError } from '../errors';
import { noteText, notesText, objectsText, queryText } from '../render-objects';
import { decodeArrowRows } from '../values';
import { withClient, type GlobalOptions } from './client';
import { textInput } from './frames';

export interface QuerySaveOptions {
  file?: string;
  description: string;
  replace: boolean;
}

export interface QueryRunOptions {
  save?: string;
  replace: boolean;
  rows: number;
}

export function querySave(globals: GlobalOptions, name: string, sql: string | undefined, options: QuerySaveOptions): Promise<void> {
  const text = textInput(sql, options.file, 'the SQL', 'SQL');
  return withClient(globals, async (client, output) => {
    const query = await client.request(Methods.saveQuery, { name, sql: text, description: options.description, replace: options.replace });
    output.result(query, () => `saved query ${query.name} (version ${query.version}): ${query.columns.length} columns${query.pinned.length ? `; pins ${query.pinned.join(', ')}` : ''}`);
  });
}

/** Runs a saved query as you: shows its rows, or saves them as a frame (whose lineage names the query). */
export function queryRun(globals: GlobalOptions, name: string, options: QueryRunOptions): Promise<void> {
  if (options.replace && !options.save) throw new UsageError('--replace only applies with --save NAME');
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.runQuery, { name });
    try {
      if (options.save) {
        const frame = await client.request(Methods.save, { name: options.save, from: { result: result.id }, replace: options.replace });
        output.frame(frame, 'saved');
        return;
      }
      const { result: window, ipc } = await client.window({ source: { kind: 'result', id: result.id }, offset: 0, limit: options.rows });
      output.rows(decodeArrowRows(ipc), window, { query: result.query, version: result.version, sql: result.sql });
    } finally {
      await client.request(Methods.closeResult, { id: result.id }).catch(() => undefined);
    }
  });
}

export function queryList(globals: GlobalOptions): Promise<void> {
  return withClient(globals, async (client, output) => {
    const { objects } = await client.request(Methods.listObjects, { kind: 'query' });
    output.result({ queries: objects }, () => objectsText(output, objects, 'no saved queries you can see (framegate query save NAME "SQL")'));
  });
}

export function queryShow(globals: GlobalOptions, name: string): Promise<void> {
  return withClient(globals, async (client, output) => {
    const query = (await client.request(Methods.getObject, { name, kind: 'query' })) as QueryInfo;
    output.result(query, () => queryText(query));
  });
}

/** A note on a frame; named after the frame unless `--as NAME`. */
export function noteAdd(globals: GlobalOptions, frame: string, text: string | undefined, options: { file?: string; as?: string }): Promise<void> {
  const body = textInput(text, options.file, 'the note text', 'text');
  return withClient(globals, async (client, output) => {
    const note = await client.request(Methods.addNote, { on: frame, text: body, ...(options.as ? { name: options.as } : {}) });
    output.result(note, () => `added note ${note.name} on ${note.attachedTo ?? frame}`);
  });
}

/** A note standing alone (or on `--on FRAME`), or a new version of one with `--replace`. */
export function noteSave(globals: GlobalOptions, name: string, text: string | undefined, options: { file?: string; on?: string; replace: boolean }): Promise<void> {
  const body = textInput(text, options.file, 'the note text', 'text');
  return withClient(globals, async (client, output) => {
    const note = await client.request(Methods.addNote, { name, text: body, replace: options.replace, ...(options.on ? { on: options.on } : {}) });
    output.result(note, () => `saved note ${note.name} (version ${note.version})${note.attachedTo ? ` on ${note.attachedTo}` : ''}`);
  });
}

export function noteShow(globals: GlobalOptions, name: string): Promise<void> {
  return withClient(globals, async (client, output) => {
    const note = (await client.request(Methods.getObject, { name, kind: 'note' })) as NoteInfo;
    output.result(note, () => noteText(note));
  });
}

/** Notes on a frame, oldest first; without a frame, every note you can see. */
export function notes(globals: GlobalOptions, frame: string | undefined): Promise<void> {
  return withClient(globals, async (client, output) => {
    const { objects } = await client.request(Methods.listObjects, { kind: 'note', ...(frame ? { attachedTo: frame } : {}) });
    const list = (objects as NoteInfo[]).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    output.result({ notes: list }, () => (frame ? notesText(list, frame) : objectsText(output, list, 'no notes you can see')));
  });
}
