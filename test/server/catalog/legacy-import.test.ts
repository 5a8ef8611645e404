import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LegacyVersion } from '../../../server/engine/engine';
import { openTestCatalog, type TestCatalog } from './support';

let t: TestCatalog;
beforeEach(() => (t = openTestCatalog()));
afterEach(() => t.dispose());

const columns = [{ name: 'x', type: 'INTEGER' }];
const version = (namespace: string, name: string, v: number, owner: string, live: boolean, storage: string | null): LegacyVersion => ({
  namespace,
  name,
  version: v,
  storage,
  owner,
  createdAt: `2026-01-0${v}T00:00:00.000Z`,
  source: `SELECT ${v}`,
  columns,
  rowCount: v,
  live,
});

test('a 0.1 catalog comes over whole: users, namespaces, every version, deletions, visibility', () => {
  const summary = t.catalog.importLegacy([
    version('main', 'fruit', 1, 'alice', true, 't_0000000000000001'),
    version('alice', 'numbers', 1, 'alice', false, null),
    version('alice', 'numbers', 2, 'alice', true, 't_0000000000000002'),
    version('bob', 'misc', 1, 'bob', true, 't_0000000000000003'),
    version('sandbox', 'trial', 1, 'bob', true, 't_0000000000000004'),
    version('carol', 'tmp', 1, 'carol', false, null),
    version('main', 'odd', 1, 'Jean-Luc', true, 't_0000000000000005'),
  ]);
  assert.deepEqual(summary, { frames: 6, versions: 7, users: ['alice', 'bob', 'carol', 'jean_luc'] });
  assert.equal(t.catalog.importLegacy([]), null, 'imported once only');
  const root = t.user('root', { admin: true });
  const seen = Object.fromEntries(t.catalog.describer.list(root, { kind: 'frame' }).map((f) => [f.name, [f.owner, f.author, f.version, f.published]]));
  assert.deepEqual(seen, {
    'alice.numbers': ['alice', 'alice', 2, true],
    'bob.misc': ['bob', 'bob', 1, true],
    'main.fruit': ['alice', 'alice', 1, true],
    'main.odd': ['jean_luc', 'jean_luc', 1, true],
    'sandbox.trial': ['bob', 'bob', 1, true],
  });
  const numbers = t.catalog.resolver.resolveText(root, 'alice.numbers', 'frame');
  assert.deepEqual(
    t.catalog.objects.versions(numbers.object.id).map((v) => [v.version, v.storage, v.source, v.origin.kind]),
    [
      [1, null, 'SELECT 1', 'legacy'],
      [2, 't_0000000000000002', 'SELECT 2', 'legacy'],
    ],
  );
  assert.throws(() => t.catalog.resolver.resolveText(root, 'alice.numbers@1', 'frame'), /was removed/);
  assert.throws(() => t.catalog.resolver.resolveText(root, 'carol.tmp', 'frame'), /no frame named/);
  // 0.1 had no privacy: what everyone could read stays readable by everyone.
  const alice = t.principal('alice');
  const bob = t.principal('bob');
  assert.equal(t.catalog.resolver.resolveText(alice, 'bob.misc', 'frame').access.scope, 'team');
  assert.equal(t.catalog.resolver.resolveText(bob, 'sandbox.trial', 'frame').access.scope, 'mine');
  assert.equal(t.catalog.identity.users.countAdmins(), 1, 'only root: migrated users have no rights beyond their own');
});
