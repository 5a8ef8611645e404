/** The conformance part for editor help (checkSql, vocabulary, keyword suggestions) on the Spark engine. */
import { after, before, describe } from 'node:test';
import { ErrorCodes, FramegateError } from '../../../../protocol';
import type { EngineSession } from '../../../../server/engine/engine';
import { sqlAssistConformance } from '../conformance-sql-assist';
import { openTestEngine, type TestEngine } from './engine-helpers';

describe('Spark engine: editor help', { timeout: 600_000 }, () => {
  let t: TestEngine;
  let session: EngineSession;

  before(async () => {
    t = await openTestEngine();
    await t.save('big', 'SELECT id, concat(\'r\', id) AS label FROM range(0, 100)');
    await t.save('hidden', "SELECT 1 AS id, 'TOPSECRET' AS v");
    session = t.engine.openSession('assist');
  });
  after(async () => {
    await session?.close();
    await t?.cleanup();
  });

  sqlAssistConformance({
    session: () => session,
    resolver: (allowed) => (ref) => {
      const name = ref.name.toLowerCase();
      if (allowed && !allowed.includes(name)) throw new FramegateError(ErrorCodes.FrameNotFound, `no frame named ${ref.text}`, { name: ref.text });
      return t.catalog.resolve(ref);
    },
  });
});
