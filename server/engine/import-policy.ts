/**
 * Which files clients may have the gateway read: only inside the import dirs, never inside the
 * gateway's data dir, links resolved first. Loads (`frames/load`) and SQL file readers
 * (`read_parquet('/…')`) of every engine go through it.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { ErrorCodes, FramegateError } from '../../protocol';

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

  return {
    dirs,
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
