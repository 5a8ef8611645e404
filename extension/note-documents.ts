/**
 * Notes as documents: `framegate-note:/alice.sales_note1.md` reads the note's latest version from
 * the gateway, and saving it adds a version (`notes/add` with replace; the gateway checks that the
 * user may write it, and a refusal fails the save in VS Code's own words plus ours). The document
 * is Markdown, so VS Code's preview works on it.
 */
import * as vscode from 'vscode';
import { Methods } from '../protocol';
import type { Gateway } from './connection';
import { describeError } from './errors';
import type { Logger } from './log';

export const NOTE_SCHEME = 'framegate-note';

export function noteUri(name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: NOTE_SCHEME, path: `/${name}.md` });
}

/** The note's full name in a note URI. */
export function noteNameOf(uri: vscode.Uri): string {
  return uri.path.replace(/^\//, '').replace(/\.md$/, '');
}

export class NoteFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  /** What each open note was last read or saved as: its version and time, for stat. */
  private readonly known = new Map<string, { version: number; mtime: number; size: number; canWrite: boolean }>();

  constructor(
    private readonly client: () => Gateway,
    private readonly log: Logger,
  ) {}

  /** A note changed on the gateway (an event): editors showing it read it again. */
  noteChanged(name: string): void {
    const uri = noteUri(name);
    // Forgotten, so the next stat reads the new version (and VS Code sees a newer mtime).
    if (!this.known.delete(uri.toString())) return;
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  /** A note the user may not write opens read-only (the gateway would refuse the save anyway). */
  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    if (!this.known.has(uri.toString())) await this.readFile(uri);
    const { mtime, size, canWrite } = this.known.get(uri.toString())!;
    return { type: vscode.FileType.File, ctime: 0, mtime, size, ...(canWrite ? {} : { permissions: vscode.FilePermission.Readonly }) };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const name = noteNameOf(uri);
    try {
      const note = await this.client().request(Methods.getObject, { name, kind: 'note' });
      if (note.kind !== 'note') throw vscode.FileSystemError.FileNotFound(uri);
      const bytes = new TextEncoder().encode(note.text);
      this.known.set(uri.toString(), { version: note.version, mtime: Date.parse(note.createdAt) || Date.now(), size: bytes.length, canWrite: note.canWrite });
      return bytes;
    } catch (error) {
      if (error instanceof vscode.FileSystemError) throw error;
      this.log.error('note.read.failed', { name, error });
      throw vscode.FileSystemError.Unavailable(`Framegate: ${describeError(error)}`);
    }
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const name = noteNameOf(uri);
    const text = new TextDecoder().decode(content);
    try {
      const note = await this.client().request(Methods.addNote, { name, text, replace: true });
      this.known.set(uri.toString(), { version: note.version, mtime: Date.parse(note.createdAt) || Date.now(), size: content.length, canWrite: note.canWrite });
      this.log.info('note.saved', { name, version: note.version });
      void vscode.window.showInformationMessage(`Framegate: saved v${note.version} of the note ${name}.`);
    } catch (error) {
      this.log.error('note.save.failed', { name, error });
      throw vscode.FileSystemError.NoPermissions(`Framegate: ${describeError(error)}`);
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(`${uri.toString()}: delete a note from the Frames view`);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}
