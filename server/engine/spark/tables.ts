/**
 * Writing the engine's tables: a relation saved as a Parquet table with its row-number column,
 * then numbered (numbering.ts) and described (columns, size, location). The databases:
 * `<prefix>` holds stored versions (`t_…`, named by StorageId), `<prefix>_work` results and
 * sorted copies (emptied when the engine opens), `<prefix>_empty` is the current database of
 * client sessions (so an unbound name finds nothing).
 */
import type { ColumnInfo } from '../../../protocol';
import type { ConnectSession, ExecuteOptions } from './connect-session';
import type { Relation } from './messages';
import { numberRows, ROW_COLUMN, type Numbering } from './numbering';
import { saveAsTable, sqlRelation, table, withColumn } from './plans';
import { columnsOf } from './spark-types';
import { tableFromIPC } from 'apache-arrow';

export interface Databases {
  stored: string;
  work: string;
  empty: string;
}

export function databases(prefix: string): Databases {
  return { stored: prefix, work: `${prefix}_work`, empty: `${prefix}_empty` };
}

export interface WrittenTable {
  columns: ColumnInfo[];
  numbering: Numbering;
  bytes: number;
  location: string;
}

/** Rows of `DESCRIBE … EXTENDED` as name → value. */
export async function describe(session: ConnectSession, statement: string, options: ExecuteOptions): Promise<Map<string, string>> {
  const result = await session.collect(sqlRelation(statement), options);
  const out = new Map<string, string>();
  for (const batch of result.batches) {
    const t = tableFromIPC(batch);
    const names = t.getChildAt(0)!;
    const values = t.getChildAt(1)!;
    for (let i = 0; i < t.numRows; i++) out.set(String(names.get(i)).trim(), String(values.get(i) ?? '').trim());
  }
  return out;
}

/**
 * Saves `input` as `qualified` with `__fg_row` added (`keepRows`: `input` has it already and its
 * numbering stays), numbers it and describes it.
 */
export async function writeNumbered(session: ConnectSession, input: Relation, qualified: string, options: ExecuteOptions, keepRows = false): Promise<WrittenTable> {
  const source = keepRows ? input : withColumn(input, ROW_COLUMN, 'monotonically_increasing_id()');
  await session.run({ command: saveAsTable(source, qualified) }, options);
  const numbering = await numberRows(session, qualified, options);
  const schema = await session.schema(table(qualified));
  const columns = columnsOf(schema).filter((c) => c.name !== ROW_COLUMN);
  const details = await describe(session, `DESCRIBE TABLE EXTENDED ${qualified}`, options);
  const bytes = Number(/^(\d+) bytes/.exec(details.get('Statistics') ?? '')?.[1] ?? 0);
  return { columns, numbering, bytes, location: details.get('Location') ?? '' };
}
