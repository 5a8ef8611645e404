/** Saved queries: SQL (with a description) run again on demand against the frames it names. */
import { qualifiedName, type ColumnInfo, type QueryInfo } from '../../../protocol';
import type { VersionRecord } from '../records';
import type { KindPart } from './kind';

/** What a query version holds (versions.body). */
export interface QueryBody {
  sql: string;
  description: string;
  /** The result's columns when saved. */
  columns: ColumnInfo[];
}

export function queryBody(version: VersionRecord): QueryBody {
  const body = (version.body ?? {}) as Partial<QueryBody>;
  return { sql: body.sql ?? '', description: body.description ?? '', columns: body.columns ?? [] };
}

export const queryPart: KindPart = {
  kind: 'query',
  info: (base, latest, facts): QueryInfo => {
    const body = queryBody(latest);
    const pinned = facts
      .pinned()
      .map((read) => {
        const frame = facts.objectOf(read.objectId);
        return frame ? `${qualifiedName(frame.namespace, frame.name)}@${read.version}` : undefined;
      })
      .filter((name): name is string => name !== undefined);
    return { ...base, kind: 'query', sql: body.sql, description: body.description, columns: body.columns, pinned };
  },
};
