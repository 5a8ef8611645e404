/**
 * Lineage as each principal may see it, on a real catalog: the chain back to the sources through
 * the exact versions read; versions the principal may not read are opaque (and nothing behind
 * them is told); a version read twice is shown once; deleted and removed versions stay in it.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LineageNode } from '../../../protocol';
import { openTestCatalog, type TestCatalog } from './support';

let t: TestCatalog | undefined;
afterEach(() => t?.dispose());

/** A lineage tree as nested arrays of refs: easy to compare. */
function shape(node: LineageNode): unknown {
  if (!node.visible) return `hidden ${node.kind}`;
  const label = `${node.ref}${node.repeated ? ' (repeated)' : ''}${node.deleted ? ' (deleted)' : ''}${node.state.kind === 'removed' ? ' (removed)' : ''}`;
  return node.reads.length ? [label, ...node.reads.map(shape)] : label;
}

test('the chain back to the sources, through the exact versions read; hidden versions are opaque, with nothing behind them', () => {
  t = openTestCatalog();
  const alice = t.user('alice');
  const bob = t.user('bob');
  const carol = t.user('carol');
  const raw = t.save(bob, 'raw');
  const clean = t.save(bob, 'clean', { reads: [{ objectId: raw.object.id, version: 1 }] });
  t.save(bob, 'clean', { replace: true, reads: [{ objectId: raw.object.id, version: 1 }] });
  const fx = t.save(alice, 'fx');
  t.catalog.changes.share(bob, 'clean', 'frame', { kind: 'user', name: 'alice' }, false);
  // alice reads clean@1 and fx, and clean@2 (which also read raw).
  const report = t.save(alice, 'report', {
    reads: [
      { objectId: clean.object.id, version: 1 },
      { objectId: clean.object.id, version: 2 },
      { objectId: fx.object.id, version: 1 },
    ],
  });
  const tree = (who: typeof alice) => shape(t!.catalog.lineage.build(who, report.object.id, 1));

  assert.deepEqual(tree(alice), ['alice.report@1', 'alice.fx@1', ['bob.clean@1', 'hidden frame'], ['bob.clean@2', 'hidden frame']]);
  assert.equal(tree(bob), 'hidden frame', 'bob may not read the report itself yet');
  t.catalog.changes.share(alice, 'report', 'frame', { kind: 'user', name: 'bob' }, false);
  assert.deepEqual(tree(bob), ['alice.report@1', ['bob.clean@1', 'bob.raw@1'], ['bob.clean@2', 'bob.raw@1 (repeated)'], 'hidden frame'], 'visible sources by name, hidden ones last');
  const root = t.user('root', { admin: true });
  assert.equal((tree(root) as unknown[]).length, 4, 'admins see every step');
  t.catalog.changes.share(alice, 'report', 'frame', { kind: 'user', name: 'carol' }, false);
  assert.deepEqual(tree(carol), ['alice.report@1', 'hidden frame', 'hidden frame', 'hidden frame']);
  const hidden = t.catalog.lineage.build(carol, report.object.id, 1);
  assert.ok(hidden.visible);
  assert.deepEqual(hidden.reads[0], { visible: false, kind: 'frame' }, 'nothing but that it is a frame');
});

test('deleted objects and removed versions stay in the lineage of what was made from them', () => {
  t = openTestCatalog();
  const alice = t.user('alice');
  const source = t.save(alice, 'source');
  t.save(alice, 'source', { replace: true });
  const made = t.save(alice, 'made', { reads: [{ objectId: source.object.id, version: 1 }] });
  t.catalog.changes.removeVersion(alice, 'source@1', undefined);
  assert.deepEqual(shape(t.catalog.lineage.build(alice, made.object.id, 1)), ['alice.made@1', 'alice.source@1 (removed)']);
  t.catalog.changes.delete(alice, 'source', 'frame');
  assert.deepEqual(shape(t.catalog.lineage.build(alice, made.object.id, 1)), ['alice.made@1', 'alice.source@1 (deleted) (removed)']);
});
