/**
 * The queries the user ran (or tried to), newest first, kept in VS Code's global state so they
 * survive a reload: Run SQL… starts from the last one, a failed query is offered again for
 * editing, and "Run SQL from History…" picks any of them.
 */
import type { StateStore } from './auth';

const KEY = 'framegate.sqlHistory';
export const MAX_HISTORY = 50;

export class SqlHistory {
  constructor(
    private readonly store: StateStore,
    private readonly max = MAX_HISTORY,
  ) {}

  /** Newest first, without duplicates. */
  list(): string[] {
    const saved = this.store.get<unknown>(KEY);
    return Array.isArray(saved) ? saved.filter((s): s is string => typeof s === 'string') : [];
  }

  latest(): string | undefined {
    return this.list()[0];
  }

  /** Puts `sql` first (moving it up if it was there already). */
  async add(sql: string): Promise<void> {
    const text = sql.trim();
    if (text === '') return;
    const next = [text, ...this.list().filter((s) => s !== text)].slice(0, this.max);
    await this.store.update(KEY, next);
  }
}

/** A state store in memory, for tests and hosts without one. */
export function memoryState(): StateStore {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: (key: string, value: unknown) => {
      values.set(key, value);
      return Promise.resolve();
    },
  };
}
