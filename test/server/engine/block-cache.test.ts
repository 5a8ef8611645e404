/**
 * The block cache: shared loads, least-recently-used eviction under its byte bound and the memory
 * budget, and forgetting a source while its blocks are cached or loading. The loader here is a
 * plain function (the cache's whole contract with the engine); the budget is the real one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BlockCache, columnBytes, type BlockLoader } from '../../../server/engine/block-cache';
import type { ColumnData, FixedColumn } from '../../../server/engine/columns';
import { createMemoryBudget } from '../../../server/memory/budget';

const ROWS = 100;

/** Column `name`'s block `block`: int32 values name-tag × 1e6 + rowid, so every value says where it came from. */
function block(name: string, index: number, rows = ROWS): FixedColumn {
  const values = new Int32Array(rows);
  for (let i = 0; i < rows; i++) values[i] = name.charCodeAt(0) * 1_000_000 + index * ROWS + i;
  return { kind: 'int32', values: new Uint8Array(values.buffer), validity: null };
}

function firstValue(column: ColumnData): number {
  return new Int32Array((column as FixedColumn).values.buffer)[0]!;
}

/** A loader that records its calls and can be held until released. */
function recordingLoader() {
  const calls: { columns: string[]; block: number }[] = [];
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  const load: BlockLoader = async (columns, index) => {
    calls.push({ columns, block: index });
    await gate;
    return columns.map((c) => block(c, index));
  };
  return {
    load,
    calls,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => open(),
  };
}

const BLOCK_BYTES = ROWS * 4;

function cache(maxBlocks: number, budgetBytes = 1 << 30) {
  const budget = createMemoryBudget(budgetBytes);
  return { budget, blocks: new BlockCache({ blockRows: ROWS, maxBytes: maxBlocks * BLOCK_BYTES, budget }) };
}

describe('block cache', () => {
  test('a block is loaded once, then served; only missing columns are loaded', async () => {
    const { blocks } = cache(10);
    const loader = recordingLoader();
    const source = blocks.source('t', 1000);
    const [a] = await blocks.get(source, ['a'], 3, loader.load);
    assert.equal(firstValue(a!), 97 * 1_000_000 + 300);
    const [a2, b] = await blocks.get(source, ['a', 'b'], 3, loader.load);
    assert.equal(a2, a, 'the same data, not a copy');
    assert.equal(firstValue(b!), 98 * 1_000_000 + 300);
    assert.deepEqual(loader.calls, [
      { columns: ['a'], block: 3 },
      { columns: ['b'], block: 3 },
    ]);
    assert.deepEqual([blocks.stats().hits, blocks.stats().misses], [0, 2]);
    await blocks.get(source, ['b', 'a', 'b'], 3, loader.load);
    assert.equal(blocks.stats().hits, 1);
    assert.equal(loader.calls.length, 2);
  });

  test('concurrent requests for one block share its load', async () => {
    const { blocks } = cache(10);
    const loader = recordingLoader();
    const source = blocks.source('t', 1000);
    loader.hold();
    const first = blocks.get(source, ['a'], 0, loader.load);
    const second = blocks.get(source, ['a'], 0, loader.load);
    loader.release();
    const [[x], [y]] = await Promise.all([first, second]);
    assert.equal(x, y);
    assert.equal(loader.calls.length, 1);
  });

  test('a shared load that fails for its caller is loaded again by the other', async () => {
    const { blocks } = cache(10);
    const source = blocks.source('t', 1000);
    let release: () => void = () => undefined;
    const failing: BlockLoader = () => new Promise((_, reject) => (release = () => reject(new Error('cancelled'))));
    const loader = recordingLoader();
    const first = blocks.get(source, ['a'], 0, failing);
    const second = blocks.get(source, ['a'], 0, loader.load);
    release();
    await assert.rejects(first, /cancelled/);
    const [a] = await second;
    assert.equal(firstValue(a!), 97 * 1_000_000);
    assert.equal(loader.calls.length, 1);
  });

  test('least recently used blocks go first when the byte bound is reached', async () => {
    const { blocks, budget } = cache(3);
    const loader = recordingLoader();
    const source = blocks.source('t', 1000);
    for (const b of [0, 1, 2]) await blocks.get(source, ['a'], b, loader.load);
    await blocks.get(source, ['a'], 0, loader.load); // 0 is now the most recent
    await blocks.get(source, ['a'], 3, loader.load); // evicts 1
    assert.equal(blocks.stats().bytes, 3 * BLOCK_BYTES);
    assert.equal(budget.usedBytes, 3 * BLOCK_BYTES, 'the budget holds exactly what is cached');
    assert.ok(blocks.peek(source, 'a', 0));
    assert.equal(blocks.peek(source, 'a', 1), undefined);
    assert.ok(blocks.peek(source, 'a', 2) && blocks.peek(source, 'a', 3));
    assert.equal(blocks.stats().evictions, 1);
  });

  test('the memory budget bounds it too: cached blocks make room, and a block that cannot fit is served but not kept', async () => {
    const { blocks, budget } = cache(100, 2 * BLOCK_BYTES);
    const loader = recordingLoader();
    const source = blocks.source('t', 1000);
    await blocks.get(source, ['a'], 0, loader.load);
    await blocks.get(source, ['a'], 1, loader.load);
    await blocks.get(source, ['a'], 2, loader.load); // the budget refuses: the oldest block makes room
    assert.equal(blocks.peek(source, 'a', 0), undefined);
    assert.ok(blocks.peek(source, 'a', 1) && blocks.peek(source, 'a', 2));
    assert.equal(budget.usedBytes, 2 * BLOCK_BYTES);
    blocks.forget('t');
    const others = budget.reserve(budget.limitBytes, 'everything else the gateway holds');
    const fresh = blocks.source('t', 1000);
    const [served] = await blocks.get(fresh, ['a'], 7, loader.load);
    assert.equal(firstValue(served!), 97 * 1_000_000 + 700, 'served');
    assert.equal(blocks.peek(fresh, 'a', 7), undefined, 'not kept');
    assert.equal(blocks.stats().unkept, 1);
    others.release();
    assert.equal(budget.usedBytes, 0);
  });

  test('a block larger than the whole bound is served, never kept', async () => {
    const { blocks, budget } = cache(1);
    const source = blocks.source('t', 1000);
    const big: BlockLoader = (columns) => Promise.resolve(columns.map((c) => block(c, 0, ROWS * 2)));
    const [data] = await blocks.get(source, ['a'], 0, big);
    assert.equal(columnBytes(data!), 2 * BLOCK_BYTES);
    assert.equal(blocks.stats().blocks, 0);
    assert.equal(budget.usedBytes, 0);
  });

  test('forgetting a source drops its blocks, releases their bytes, and a load still running is not kept', async () => {
    const { blocks, budget } = cache(10);
    const loader = recordingLoader();
    const source = blocks.source('t', 1000);
    await blocks.get(source, ['a'], 0, loader.load);
    loader.hold();
    const running = blocks.get(source, ['a'], 1, loader.load);
    blocks.forget('t');
    assert.equal(budget.usedBytes, 0);
    loader.release();
    await running; // its caller still gets the rows it asked for
    assert.equal(blocks.stats().blocks, 0, 'the late load belongs to the forgotten source');
    assert.equal(blocks.isCurrent(source), false);
    // The same key is new data now: a new handle, loaded afresh.
    const again = blocks.source('t', 500);
    assert.notEqual(again, source);
    await blocks.get(again, ['a'], 0, loader.load);
    assert.equal(loader.calls.filter((c) => c.block === 0).length, 2);
    assert.equal(blocks.offer(source, 'a', 2, block('a', 2)), false, 'nothing is kept for a stale handle');
  });

  test('holdsAll and offer: a source read whole by someone else', () => {
    const { blocks } = cache(10);
    const source = blocks.source('t', 250); // blocks 0, 1 and a short 2
    assert.equal(blocks.blockCount(source), 3);
    assert.equal(blocks.rowsIn(source, 2), 50);
    assert.equal(blocks.holdsAll(source, ['a']), false);
    for (const b of [0, 1, 2]) assert.equal(blocks.offer(source, 'a', b, block('a', b, blocks.rowsIn(source, b))), true);
    assert.equal(blocks.holdsAll(source, ['a']), true);
    assert.equal(blocks.holdsAll(source, ['a', 'b']), false);
    assert.equal(blocks.hasRoomFor(7 * BLOCK_BYTES), true);
    assert.equal(blocks.hasRoomFor(8 * BLOCK_BYTES), false);
  });
});
