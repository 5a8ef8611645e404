/**
 * data/profile and files/list: what a frame or result holds, and which files Load File can load.
 * Both read only what the caller may: frames are resolved through the access-checked catalog,
 * files through the import policy.
 */
import type { ColumnProfile, ProfileResult } from '../../protocol';
import { createImportPolicy } from '../engine/import-policy';
import type { Connection, HandlerTable } from './context';
import { auditReadOnce } from './audit';
import { dataSource } from './data';

/** Profiles being computed, by storage id: a second look while the first runs waits for it. */
const computing = new Map<string, Promise<{ columns: ColumnProfile[]; computedAt: string }>>();
/** Result profiles, per connection (results are immutable and live as long as their session). */
const resultProfiles = new WeakMap<Connection, Map<string, Promise<ProfileResult>>>();

export const insightHandlers: HandlerTable<'profile' | 'listFiles'> = {
  profile: async ({ source }, context) => {
    const { connection, services } = context;
    const { source: data, frame } = dataSource(source, context);
    if (data.kind === 'result') {
      const known = resultProfiles.get(connection) ?? new Map<string, Promise<ProfileResult>>();
      resultProfiles.set(connection, known);
      let answer = known.get(data.id);
      if (!answer) {
        answer = connection.engine.profile(data).then((columns) => ({ rowCount: columns[0] ? columns[0].count + columns[0].nulls : 0, columns, computedAt: new Date().toISOString(), cached: false }));
        known.set(data.id, answer);
        answer.catch(() => known.delete(data.id));
        return answer;
      }
      return { ...(await answer), cached: true };
    }
    if (frame) auditReadOnce(context, { objectId: frame.object.id, version: frame.version.version }, 'profile');
    const { storage, rowCount } = data.table;
    const stored = services.catalog.profiles.get(storage);
    if (stored) return { rowCount, ...stored, cached: true };
    let running = computing.get(storage);
    if (!running) {
      running = (async () => {
        const columns = await connection.engine.profile(data);
        const profile = { columns, computedAt: new Date().toISOString() };
        services.catalog.profiles.put(storage, profile);
        services.logger.info({ event: 'profiled', storage, columns: columns.length, rows: rowCount }, 'profiled a frame version');
        return profile;
      })().finally(() => computing.delete(storage));
      computing.set(storage, running);
    }
    return { rowCount, ...(await running), cached: false };
  },

  listFiles: ({ path }, { services }) => Promise.resolve(createImportPolicy(services.config.importDirs, services.config.dataDir).list(path)),
};
