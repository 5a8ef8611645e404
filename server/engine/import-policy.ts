/**
 * Which files clients may have the gateway read: only inside the import dirs, never inside the
 * gateway's data dir, links resolved first. Loads (`frames/load`) and SQL file readers
 * (`read_parquet('/…')`) of every engine go through it.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { ErrorCodes, FramegateError, type FileEntry, type ListFilesResult } from '../../protocol';

/** Entries one listing returns at most (a folder of a million files must not become one reply). */
export const MAX_LISTED = 2_000;

export interface ImportPolicy {
  /** Real paths of the import dirs. */
  readonly dirs: readonly string[];
  /**
   * A path a client asked to load, as the real path of a regular file inside an import dir.
   * Relative paths resolve against the first import dir. Throws FileRefused / FileNotFound.
   */
  resolveFile(path: string): string;
  /** Why a path (or glob) in client SQL may not be read; null when it may. */
  refusal(path: string): string | null;
  /**
   * What a folder inside an import dir holds (without `path`: the import dirs). Links are followed
   * and their targets checked: an entry that leads outside the import dirs, or into the data dir,
   * is not listed. Throws FileRefused / FileNotFound like `resolveFile`.
   */
  list(path?: string): ListFilesResult;
}

export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function realOrSelf(path: string): string {
  const absolute = resolve(path);
  return existsSync(absolute) ? realpathSync(absolute) : absolute;
}

export function createImportPolicy(importDirs: string[], dataDir: string): ImportPolicy {
  const dirs = importDirs.map(realOrSelf);
  const data = realOrSelf(dataDir);
  const insideImports = (path: string) => dirs.some((dir) => isInside(path, dir));

  const allowed = (real: string) => insideImports(real) && !isInside(real, data);
  const entry = (name: string, path: string): FileEntry | undefined => {
    try {
      const real = realpathSync(path);
      if (!allowed(real)) return undefined;
      const stat = statSync(real);
      if (stat.isDirectory()) return { name, path, kind: 'dir', modifiedAt: stat.mtime.toISOString() };
      if (stat.isFile()) return { name, path, kind: 'file', bytes: stat.size, modifiedAt: stat.mtime.toISOString() };
    } catch {
      // vanished, or unreadable: not listed
    }
    return undefined;
  };
  const byKindAndName = (a: FileEntry, b: FileEntry) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1);

  return {
    dirs,
    list(path) {
      if (path === undefined) {
        const entries = dirs.map((dir) => entry(basename(dir) || dir, dir)).filter((e): e is FileEntry => e !== undefined);
        return { path: null, entries: entries.map((e) => ({ ...e, name: e.path })), truncated: false };
      }
      if (dirs.length === 0) throw new FramegateError(ErrorCodes.FileRefused, 'the gateway has no import directories');
      const absolute = isAbsolute(path) ? resolve(path) : resolve(dirs[0]!, path);
      if (!existsSync(absolute)) {
        if (!insideImports(absolute)) throw new FramegateError(ErrorCodes.FileRefused, `${path} is outside the import directories`);
        throw new FramegateError(ErrorCodes.FileNotFound, `no folder ${path}`);
      }
      const real = realpathSync(absolute);
      if (!insideImports(real)) throw new FramegateError(ErrorCodes.FileRefused, `${path} is outside the import directories`);
      if (isInside(real, data)) throw new FramegateError(ErrorCodes.FileRefused, `${path} is inside the gateway data directory`);
      if (!statSync(real).isDirectory()) throw new FramegateError(ErrorCodes.FileRefused, `${path} is not a folder`);
      const names = readdirSync(real).sort();
      const entries: FileEntry[] = [];
      for (const name of names) {
        if (entries.length >= MAX_LISTED) break;
        const found = entry(name, join(real, name));
        if (found) entries.push(found);
      }
      const parent = dirname(real);
      return {
        path: real,
        ...(parent !== real && insideImports(parent) ? { parent } : {}),
        entries: entries.sort(byKindAndName),
        truncated: names.length > entries.length && entries.length >= MAX_LISTED,
      };
    },
    resolveFile(path) {
      if (dirs.length === 0) throw new FramegateError(ErrorCodes.FileRefused, 'the gateway has no import directories');
      const absolute = isAbsolute(path) ? resolve(path) : resolve(dirs[0]!, path);
      if (!existsSync(absolute)) {
        if (!insideImports(absolute)) throw new FramegateError(ErrorCodes.FileRefused, `${path} is outside the import directories`);
        throw new FramegateError(ErrorCodes.FileNotFound, `no file ${path}`);
      }
      const real = realpathSync(absolute);
      if (!insideImports(real)) throw new FramegateError(ErrorCodes.FileRefused, `${path} is outside the import directories`);
      if (isInside(real, data)) throw new FramegateError(ErrorCodes.FileRefused, `${path} is inside the gateway data directory`);
      if (!statSync(real).isFile()) throw new FramegateError(ErrorCodes.FileRefused, `${path} is not a regular file`);
      return real;
    },
    refusal(path) {
      if (!isAbsolute(path)) return 'file paths must be absolute paths inside the import directories';
      if (path.split(/[\\/]/).includes('..')) return 'file paths may not contain ..';
      // Globs: check the folder before the first wildcard.
      const wildcard = path.search(/[*?[{]/);
      let fixed = wildcard < 0 ? path : path.slice(0, wildcard);
      if (wildcard >= 0) fixed = fixed.slice(0, fixed.lastIndexOf(sep) + 1) || sep;
      let probe = resolve(fixed);
      while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
      const real = realpathSync(probe) + resolve(fixed).slice(probe.length);
      if (isInside(real, data)) return 'inside the gateway data directory';
      return insideImports(real) ? null : 'outside the import directories';
    },
  };
}
