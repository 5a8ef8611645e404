/**
 * Run SQL…, Run SQL from History… and Save Result As…. A query that fails is offered again for
 * editing, with what went wrong as the prompt, so nothing the user typed is lost; every query tried
 * goes to the history. Long queries run under a progress notification whose Cancel interrupts them
 * on the gateway.
 */
import { Methods, type FrameInfo, type ResultInfo } from '../protocol';
import { resultTitle, saveNamePrompt, validateFrameName, validateSql } from './command-logic';
import { openResult, saveAsking, withCancel, type CommandContext } from './commands';
import { isCancelled, userMessage } from './errors';

const SQL_PROMPT = 'A read-only query over named frames';

/** Runs `sql` on the gateway and opens its result. Throws what the gateway answered. */
async function execute(ctx: CommandContext, sql: string): Promise<ResultInfo> {
  const client = ctx.connection.requireClient();
  const result = await withCancel(ctx, 'Framegate: running the query…', (signal) => client.request(Methods.sql, { sql }, { signal }));
  return openResult(ctx, result, resultTitle(sql), { kind: 'sql' });
}

/** Runs `sql` again for a result panel whose result is gone; the panel shows the new result. */
export function rerunQuery(ctx: CommandContext, sql: string): Promise<ResultInfo> {
  const client = ctx.connection.requireClient();
  return withCancel(ctx, 'Framegate: running the query again…', (signal) => client.request(Methods.sql, { sql }, { signal }));
}

/**
 * Runs a query and opens its result. With `ask` (the palette), the user edits `sql` first (the
 * last query when none is given) and a failure opens the editor again on the same text; without
 * (a caller passing SQL, e.g. a script or test), `sql` runs as given and failures are thrown.
 */
export async function runSql(ctx: CommandContext, initialSql?: string, { ask = true }: { ask?: boolean } = {}): Promise<ResultInfo | undefined> {
  if (!ask && initialSql !== undefined) {
    const invalid = validateSql(initialSql);
    if (invalid) throw new Error(invalid);
    await ctx.history?.add(initialSql);
    return execute(ctx, initialSql.trim());
  }
  let sql = initialSql ?? ctx.history?.latest();
  let problem: string | undefined;
  for (;;) {
    const typed = await ctx.ui.input({
      title: problem ? 'Framegate: Run SQL — the query failed; edit it and press Enter to run it again' : 'Framegate: Run SQL',
      prompt: problem ?? SQL_PROMPT,
      value: sql,
      placeHolder: 'SELECT region, sum(amount) AS total FROM sales GROUP BY region',
      validate: validateSql,
    });
    if (typed === undefined) return undefined;
    sql = typed.trim();
    await ctx.history?.add(sql);
    try {
      return await execute(ctx, sql);
    } catch (error) {
      if (isCancelled(error)) {
        ctx.log.info('sql.cancelled', { sql });
        return undefined;
      }
      ctx.log.warn('sql.failed', { sql, error });
      problem = userMessage(error);
    }
  }
}

/** Run SQL from History…: one of the queries run before, opened for editing. */
export async function runSqlFromHistory(ctx: CommandContext): Promise<ResultInfo | undefined> {
  const queries = ctx.history?.list() ?? [];
  if (queries.length === 0) {
    ctx.ui.info('Framegate: no queries yet. Run SQL… keeps the queries you run.');
    return undefined;
  }
  const items = queries.map((sql) => ({ label: sql.replace(/\s+/g, ' ').slice(0, 200), sql }));
  const picked = await ctx.ui.pickOne(items, { title: 'Framegate: Run SQL from History', placeHolder: 'A query you ran before (newest first)' });
  if (!picked) return undefined;
  return runSql(ctx, picked.sql);
}

/** Saves a result (by default the active result panel's) as a frame; asks for the name unless given. */
export async function saveResultAs(ctx: CommandContext, resultId?: string, frameName?: string): Promise<FrameInfo | undefined> {
  const id = resultId ?? ctx.grids.activeResult()?.id;
  if (id === undefined) {
    ctx.ui.error('Framegate: no query result is open. Run Select Columns…, Filter… or Run SQL… first.');
    return undefined;
  }
  if (frameName !== undefined) {
    const invalid = validateFrameName(frameName);
    if (invalid) throw new Error(invalid);
  }
  const input = frameName ?? (await ctx.ui.input({ title: 'Framegate: Save Result As', ...saveNamePrompt(ctx.connection.me), validate: validateFrameName }));
  if (input === undefined) return undefined;
  const name = input.trim();
  const client = ctx.connection.requireClient();
  const saved = await saveAsking(ctx, name, (replace) =>
    withCancel(ctx, `Framegate: saving ${name}…`, (signal) => client.request(Methods.save, { name, from: { result: id }, replace }, { signal })),
  );
  if (!saved) return undefined;
  ctx.log.info('result.saved', { id, name: saved.name, rows: saved.rowCount });
  ctx.ui.info(`Saved ${saved.name} (${saved.rowCount.toLocaleString('en-US')} rows).`);
  return saved;
}
