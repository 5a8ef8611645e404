/**
 * The conformance suite's part for editor help (EngineSession.checkSql, sqlVocabulary,
 * suggestKeywords), run inside runConformance with its engine, catalog and session: problems with
 * the range of the text at fault, columns without running, and a refused frame that checks exactly
 * like a missing one. Engine-neutral SQL only.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineSession, SqlCheck, TableResolver } from '../../../server/engine';

/** A session, and resolvers over frames `big` (with a column `id`) and `hidden`. */
export interface AssistFixture {
  session(): EngineSession;
  /** With `allowed`: only those frames; every other one is refused like a missing one. */
  resolver(allowed?: string[]): TableResolver;
}

function problemText(sql: string, check: SqlCheck): { kind: string; text: string } {
  assert.equal(check.ok, false, `${sql} should not check`);
  if (check.ok) throw new Error('unreachable');
  return { kind: check.problem.kind, text: sql.slice(check.problem.start, check.problem.end) };
}

export function sqlAssistConformance(fixture: AssistFixture): void {
  describe('editor checks and vocabulary', () => {
    test('a statement binds: its columns, and nothing runs', async () => {
      const check = await fixture.session().checkSql('SELECT b.id, b.id + 1 AS name FROM big b WHERE b.id < 3', fixture.resolver());
      assert.deepEqual(check.ok ? check.columns.map((c) => c.name) : check, ['id', 'name']);
    });

    test('unknown frames, refused frames, unknown columns and syntax, each with its range', async () => {
      const session = fixture.session();
      const cases: [string, string, string][] = [
        ['SELECT * FROM nothing_here', 'frame', 'nothing_here'],
        ['SELECT id, no_such_column FROM big', 'column', 'no_such_column'],
      ];
      for (const [sql, kind, text] of cases) assert.deepEqual(problemText(sql, await session.checkSql(sql, fixture.resolver())), { kind, text });
      const refused = problemText('SELECT * FROM hidden', await session.checkSql('SELECT * FROM hidden', fixture.resolver(['big'])));
      const missing = problemText('SELECT * FROM hiddem', await session.checkSql('SELECT * FROM hiddem', fixture.resolver(['big'])));
      assert.deepEqual(refused, { kind: 'frame', text: 'hidden' });
      assert.deepEqual(missing, { kind: 'frame', text: 'hiddem' });
      const syntax = problemText('SELECT id FROM big WHERE id >', await session.checkSql('SELECT id FROM big WHERE id >', fixture.resolver()));
      assert.equal(syntax.kind, 'syntax');
    });

    test('functions and keywords; keyword suggestions are a list', async () => {
      const vocabulary = await fixture.session().sqlVocabulary();
      const names = new Set(vocabulary.functions.map((f) => f.name));
      for (const name of ['count', 'sum', 'lower', 'abs']) assert.ok(names.has(name), name);
      assert.ok(vocabulary.keywords.includes('SELECT'));
      assert.ok(Array.isArray(await fixture.session().suggestKeywords('SELECT 1 FR', 11)));
    });
  });
}
