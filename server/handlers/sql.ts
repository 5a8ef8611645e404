/** sql/*: editor help (checks and completion) over one statement, through the caller's access. */
import type { ColumnInfo, TableMention } from '../../protocol';
import { ReadTracker } from '../frames/resolver';
import { completeSql, type CompletionSources } from '../sql-assist/completion';
import type { HandlerTable, RequestContext } from './context';

/** What completion may know, for this caller: only frames they can read, only through the catalog. */
function completionSources({ principal, connection, services }: RequestContext): CompletionSources {
  const resolve = new ReadTracker().resolver(services.catalog.resolver, principal);
  const columns = new Map<string, ColumnInfo[] | undefined>();
  const columnsOf = (mention: TableMention): ColumnInfo[] | undefined => {
    if (mention.parts.length > 2) return undefined;
    const name = mention.parts.at(-1)!;
    const namespace = mention.parts.length === 2 ? mention.parts[0]!.toLowerCase() : undefined;
    try {
      return resolve({ name, text: mention.parts.join('.'), ...(namespace ? { namespace } : {}), ...(mention.version ? { version: mention.version } : {}) }).columns;
    } catch {
      return undefined; // unknown, unreadable or ambiguous: nothing to offer, and nothing said about why
    }
  };
  return {
    namespace: principal.name,
    frames: (query) => services.catalog.frameNames.readable(principal, query),
    namespaces: (prefix) => services.catalog.frameNames.namespaces(principal, prefix),
    frameColumns: (mention: TableMention) => {
      // Once per frame named in this request (a statement may name it in several places).
      const key = `${mention.parts.join('.').toLowerCase()}@${mention.version ?? ''}`;
      if (!columns.has(key)) columns.set(key, columnsOf(mention));
      return columns.get(key);
    },
    queryColumns: async (sql) => {
      const check = await connection.engine.checkSql(sql, resolve);
      return check.ok ? check.columns : undefined;
    },
    vocabulary: () => connection.engine.sqlVocabulary(),
    engineKeywords: (sql, offset) => connection.engine.suggestKeywords(sql, offset),
  };
}

export const sqlHandlers: HandlerTable<'sqlCheck' | 'sqlComplete'> = {
  sqlCheck: async ({ sql }, { principal, connection, services }) => {
    const check = await connection.engine.checkSql(sql, new ReadTracker().resolver(services.catalog.resolver, principal));
    return check.ok ? { problems: [], columns: check.columns } : { problems: [check.problem] };
  },

  sqlComplete: ({ sql, offset }, context) => completeSql(sql, offset, completionSources(context)),
};
