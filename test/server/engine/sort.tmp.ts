import { DuckDatabase } from '../../../server/engine/duckdb/duckdb';
import { mkdtempSync } from 'node:fs';
async function main() {
  const dir = mkdtempSync('/tmp/fgsort-');
  const db = await DuckDatabase.open(dir + '/c.duckdb');
  const c = await db.connect();
  await c.run(`SET threads = 2`);
  await c.run(`CREATE TABLE big AS SELECT range AS id, (range * 0.5)::DOUBLE AS x, (range % 1000)::INTEGER AS k, (((range * 7919) % 1000003) / 7.0)::DOUBLE AS y FROM range(10000000)`);
  await c.run(`ATTACH ':memory:' AS m`);
  let n = 0;
  for (const q of [
    'SELECT * FROM big ORDER BY y NULLS LAST, rowid',
    'SELECT * FROM big ORDER BY y NULLS LAST',
    'SELECT * FROM big ORDER BY y NULLS LAST, rowid',
  ]) {
    const t = performance.now();
    await c.run(`CREATE TABLE m.s${++n} AS ${q}`);
    console.log(q, (performance.now() - t).toFixed(0));
  }
  let t = performance.now();
  await c.run(`CREATE TABLE m.p AS SELECT rowid AS r FROM big ORDER BY y NULLS LAST, rowid`); console.log('perm only', (performance.now() - t).toFixed(0));
  t = performance.now();
  await c.scanRows(`SELECT * FROM big ORDER BY y NULLS LAST, rowid`); console.log('sort+stream', (performance.now() - t).toFixed(0));
}
void main();
