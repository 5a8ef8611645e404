/**
 * Which version of a frame a preview shows, without `vscode`. A preview of `NAME` opens on its
 * latest version and then reads exactly that version (`NAME@N`) for every window, so a version
 * saved meanwhile never mixes into what is on screen; the grid offers it instead (Reload, or Stay
 * on vN, which makes it a grid of `NAME@N` for good). A preview of `NAME@N` is that version only.
 */
import { ErrorCodes, Methods, parseFrameRef, type FrameInfo } from '../protocol';
import type { Gateway } from './connection';
import { isFramegateError } from './errors';

export interface VersionView {
  /** The version shown. */
  info: FrameInfo;
  /** A later version than the one shown, to offer. */
  newer?: { version: number; by: string };
  /** Why the version shown changed without being asked (its data was removed). */
  notice?: string;
  /** A grid of one version (`NAME@N`, or Stay chosen): nothing newer is offered. */
  fixed: boolean;
}

export class FrameVersions {
  /** The frame's name without a version. */
  readonly base: string;
  private fixedVersion: number | undefined;
  private shown: number | undefined;

  constructor(name: string) {
    let version: number | undefined;
    try {
      version = parseFrameRef(name).version;
    } catch {
      version = undefined; // not a name the gateway knows either; it will say so
    }
    this.base = version === undefined ? name : name.slice(0, name.lastIndexOf('@'));
    this.fixedVersion = version;
    this.shown = version;
  }

  get shownVersion(): number | undefined {
    return this.shown;
  }

  get fixed(): boolean {
    return this.fixedVersion !== undefined;
  }

  /** What windows read: the exact version shown, once known. */
  windowName(): string {
    return this.shown === undefined ? this.base : `${this.base}@${this.shown}`;
  }

  /** The next `resolve` shows the latest version. */
  showLatest(): void {
    if (!this.fixed) this.shown = undefined;
  }

  /** The grid keeps the version it shows for good; returns it (undefined before the first resolve). */
  stay(): number | undefined {
    if (this.shown !== undefined) this.fixedVersion = this.shown;
    return this.fixedVersion;
  }

  /** The schema of the version to show, and whether a later one exists. */
  async resolve(client: Pick<Gateway, 'request'>): Promise<VersionView> {
    if (this.fixedVersion !== undefined) {
      return { info: await client.request(Methods.schema, { name: `${this.base}@${this.fixedVersion}` }), fixed: true };
    }
    const latest = await client.request(Methods.schema, { name: this.base });
    const shown = this.shown;
    if (shown === undefined || shown >= latest.version) {
      this.shown = latest.version;
      return { info: latest, fixed: false };
    }
    try {
      const info = await client.request(Methods.schema, { name: `${this.base}@${shown}` });
      return { info, newer: { version: latest.version, by: latest.author }, fixed: false };
    } catch (error) {
      if (!isFramegateError(error, ErrorCodes.FrameNotFound)) throw error;
      this.shown = latest.version;
      return { info: latest, notice: `v${shown} is no longer kept (its data was removed): showing v${latest.version}, by ${latest.author}.`, fixed: false };
    }
  }
}
