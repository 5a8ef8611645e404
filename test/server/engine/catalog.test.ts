import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDuckDBEngine } from '../../../server/engine';
import { decode, openTempEngine, owner, rejectsWith, replace, tempDir, type TempEngine } from './helpers';
import { rmSync } from 'node:fs';

describe('catalog', () => {
  let t: TempEngine;
  before(async () => {
    t = await openTempEngine();
  });
  after(async () => {
    await t.cleanup();
  });

  test('save, get, list, version, replace, delete', async () => {
    const { engine } = t;
    const first = await engine.saveQuery('sales', 'SELECT range AS id, range % 7 AS bucket FROM range(1000)', owner);
    assert.equal(first.name, 'sales');
    assert.equal(first.namespace, 'main');
    assert.equal(first.owner, 'alice');
    assert.equal(first.version, 1);
    assert.equal(first.rowCount, 1000);
    assert.deepEqual(first.columns, [
      { name: 'id', type: 'BIGINT' },
      { name: 'bucket', type: 'BIGINT' },
    ]);
    assert.match(first.source, /range\(1000\)/);
    assert.ok(!Number.isNaN(Date.parse(first.createdAt)));

    await rejectsWith(engine.saveQuery('sales', 'SELECT 1 AS x', owner), 'FrameExists');
    const second = await engine.saveQuery('sales', 'SELECT 42 AS answer', { owner: 'bob', replace: true });
    assert.equal(second.version, 2);
    assert.equal(second.owner, 'bob');
    assert.equal(second.rowCount, 1);
    assert.deepEqual(await engine.getFrame('sales'), second);

    const team = await engine.saveQuery('alice.sales', 'SELECT * FROM sales', owner);
    assert.equal(team.name, 'alice.sales');
    assert.equal(team.namespace, 'alice');
    const names = (await engine.listFrames()).map((f) => f.name);
    assert.deepEqual(names, ['alice.sales', 'sales']);

    // Frames are visible to SQL under their names, the namespaced one through its schema.
    const session = engine.openSession();
    const result = await session.runSql('SELECT a.answer FROM alice.sales a JOIN sales s USING (answer)');
    assert.equal(result.rowCount, 1);
    await session.close();

    await engine.deleteFrame('alice.sales');
    await rejectsWith(engine.getFrame('alice.sales'), 'FrameNotFound');
    await rejectsWith(engine.deleteFrame('alice.sales'), 'FrameNotFound');
    // Saving a deleted name again continues its version history.
    const again = await engine.saveQuery('alice.sales', 'SELECT 1 AS x', owner);
    assert.equal(again.version, 2);
  });

  test('reserved namespaces are refused', async () => {
    await rejectsWith(t.engine.saveQuery('_fg.x', 'SELECT 1 AS x', owner), 'InvalidParams');
    await rejectsWith(t.engine.saveQuery('information_schema.x', 'SELECT 1 AS x', owner), 'InvalidParams');
  });

  test('concurrent saves of one name all get an answer and leave a consistent catalog', async () => {
    const { engine } = t;
    const noReplace = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => engine.saveQuery('race', `SELECT ${i} AS writer FROM range(20000)`, owner)),
    );
    assert.equal(noReplace.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of noReplace) if (r.status === 'rejected') assert.equal((r.reason as { kind: string }).kind, 'FrameExists');

    const replaced = await Promise.all(
      Array.from({ length: 4 }, (_, i) => engine.saveQuery('race', `SELECT ${i + 10} AS writer FROM range(20000)`, replace)),
    );
    assert.deepEqual(replaced.map((f) => f.version).sort(), [2, 3, 4, 5]);
    const current = await engine.getFrame('race');
    assert.equal(current.version, 5);
    const last = replaced.find((f) => f.version === 5)!;
    const session = engine.openSession();
    const window = await session.window({ source: { kind: 'frame', name: 'race' }, offset: 0, limit: 5 });
    const writers = new Set(decode(window.ipc).getChild('writer')!.toArray() as Int32Array);
    assert.equal(writers.size, 1);
    assert.match(last.source, new RegExp(`SELECT ${[...writers][0]} AS writer`));
    await session.close();
  });

  test('concurrent saves of different names, including new namespaces', async () => {
    const saved = await Promise.all(
      Array.from({ length: 6 }, (_, i) => t.engine.saveQuery(`ns${i % 3}.frame${i}`, `SELECT ${i} AS v`, owner)),
    );
    assert.equal(saved.length, 6);
    for (let i = 0; i < 6; i++) assert.equal((await t.engine.getFrame(`ns${i % 3}.frame${i}`)).rowCount, 1);
  });

  test('a reader during a replace sees the old or the new frame, never a mix', async () => {
    const { engine } = t;
    await engine.saveQuery('flip', 'SELECT 0 AS gen FROM range(100000)', owner);
    const session = engine.openSession();
    const writes = (async () => {
      for (let g = 1; g <= 4; g++) await engine.saveQuery('flip', `SELECT ${g} AS gen FROM range(100000)`, replace);
    })();
    const seen: number[][] = [];
    let done = false;
    void writes.finally(() => (done = true));
    while (!done) {
      const r = await session.runSql('SELECT min(gen) AS lo, max(gen) AS hi, count(*) AS n FROM flip');
      const w = decode((await session.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 })).ipc);
      seen.push([Number(w.get(0)!.lo), Number(w.get(0)!.hi), Number(w.get(0)!.n)]);
      session.closeResult(r.id);
    }
    await writes;
    for (const [lo, hi, n] of seen) {
      assert.equal(lo, hi);
      assert.equal(n, 100000);
    }
    await session.close();
  });
});

describe('closing', () => {
  test('close waits for running saves, then refuses new work', async () => {
    const t = await openTempEngine();
    try {
      const running = t.engine.saveQuery('late', 'SELECT range AS id FROM range(200000)', owner);
      const session = t.engine.openSession();
      await t.engine.close();
      assert.equal((await running).rowCount, 200000);
      await rejectsWith(t.engine.saveQuery('later', 'SELECT 1 AS x', owner), 'InternalError', /closing/);
      await rejectsWith(session.runSql('SELECT 1 AS x'), 'InternalError');
    } finally {
      rmSync(t.dir, { recursive: true, force: true });
    }
  });
});

describe('persistence', () => {
  test('frames survive close and reopen', async () => {
    const t = await openTempEngine();
    try {
      await t.engine.saveQuery('kept', 'SELECT range AS id FROM range(1234)', owner);
      await t.engine.saveQuery('kept', 'SELECT range AS id FROM range(2345)', replace);
      await t.engine.close();
      const reopened = await openDuckDBEngine(t.options);
      try {
        const frame = await reopened.getFrame('kept');
        assert.equal(frame.version, 2);
        assert.equal(frame.rowCount, 2345);
        const s = reopened.openSession();
        const w = await s.window({ source: { kind: 'frame', name: 'kept' }, offset: 2340, limit: 10 });
        assert.equal(w.rows, 5);
        assert.deepEqual([...(decode(w.ipc).getChild('id')!.toArray() as BigInt64Array)], [2340n, 2341n, 2342n, 2343n, 2344n]);
        await s.close();
        // Version numbering continues after a reopen.
        assert.equal((await reopened.saveQuery('kept', 'SELECT 1 AS id', replace)).version, 3);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(t.dir, { recursive: true, force: true });
    }
  });

  test('acknowledged saves survive SIGKILL of the process that made them', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'save-and-hang.ts'), dataDir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await new Promise<void>((resolveSaved, rejectSaved) => {
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('saved')) resolveSaved();
        });
        child.on('exit', (code) => rejectSaved(new Error(`child exited early (${code}): ${stderr}`)));
      });
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await exited;

      const engine = await openDuckDBEngine({ dataDir, importDirs: [], queryTimeoutMs: 10_000 });
      try {
        const frame = await engine.getFrame('durable');
        assert.equal(frame.version, 2);
        assert.equal(frame.rowCount, 70000);
        assert.equal(frame.owner, 'child');
        assert.deepEqual(frame.columns.map((c) => c.name), ['id', 'thrice']);
        assert.equal((await engine.getFrame('team.other')).rowCount, 1);
        const s = engine.openSession();
        const r = await s.runSql('SELECT sum(thrice) AS total FROM durable');
        const total = decode((await s.window({ source: { kind: 'result', id: r.id }, offset: 0, limit: 1 })).ipc).get(0)!.total as bigint;
        assert.equal(BigInt(total), 3n * ((69999n * 70000n) / 2n));
        await s.close();
      } finally {
        await engine.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
