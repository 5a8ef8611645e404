/**
 * The light listing of readable frames (completion on a big catalog) against the describer's
 * full listing, on a real SQLite catalog: the same frames for every kind of person, the same
 * owner, sharer and rows; the typed prefix and the namespace filtered in the query; a cap; and
 * completion of frames built on it saying `incomplete` past the cap.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameInfo } from '../../../protocol';
import type { Principal } from '../../../server/catalog/access';
import { completeSql, MAX_COMPLETION_ITEMS, type CompletionSources } from '../../../server/sql-assist/completion';
import { openTestCatalog, type TestCatalog } from './support';

describe('readable frame names', () => {
  let t: TestCatalog;
  let people: Record<string, Principal>;

  before(() => {
    t = openTestCatalog();
    const admin = t.user('root', { admin: true });
    const alice = t.user('alice');
    const writer = t.user('wendy', { teamWriter: true });
    t.user('bob');
    t.user('carol');
    t.user('dave');
    const { catalog } = t;
    catalog.identity.groups.addMembers(catalog.identity.groups.ensure('analysts').id, [catalog.identity.users.active('carol').id]);
    t.save(writer, 'main.team_sales', { rows: 7 });
    t.save(alice, 'private_notes', { rows: 3 });
    t.save(alice, 'for_bob', { rows: 4 });
    t.save(alice, 'for_analysts', { rows: 5 });
    t.save(alice, 'published', { rows: 6 });
    t.save(alice, 'gone');
    t.save(t.principal('bob'), 'team_sales', { rows: 2 }); // bob's own hides main.team_sales's bare name for him
    catalog.changes.share(alice, 'for_bob', 'frame', { kind: 'user', name: 'bob' }, false);
    catalog.changes.share(alice, 'for_analysts', 'frame', { kind: 'group', name: 'analysts' }, false);
    catalog.changes.share(alice, 'published', 'frame', { kind: 'team' }, false);
    catalog.changes.delete(alice, 'gone', 'frame');
    people = { root: admin, alice, wendy: writer, bob: t.principal('bob'), carol: t.principal('carol'), dave: t.principal('dave') };
  });
  after(() => t?.dispose());

  test('each person gets exactly the frames the describer lists for them, with owner, sharer and rows', () => {
    for (const [who, principal] of Object.entries(people)) {
      const full = t.catalog.describer.list(principal, { kind: 'frame' }) as FrameInfo[];
      const expected = full.map((f) => ({ name: f.name, owner: f.owner, sharedBy: f.sharedBy, rows: f.rowCount }));
      const light = t.catalog.frameNames.readable(principal, { limit: 1000 }).map((f) => ({ name: `${f.namespace}.${f.name}`, owner: f.owner, sharedBy: f.sharedBy, rows: f.rowCount }));
      assert.deepEqual(light, expected, who);
    }
    const bobs = t.catalog.frameNames.readable(people.bob!, { limit: 1000 }).map((f) => `${f.namespace}.${f.name}`);
    assert.deepEqual(bobs, ['alice.for_bob', 'alice.published', 'bob.team_sales', 'main.team_sales']);
    const carols = t.catalog.frameNames.readable(people.carol!, { limit: 1000 });
    assert.equal(carols.find((f) => f.name === 'for_analysts')?.sharedBy, 'alice');
    assert.deepEqual(t.catalog.frameNames.namespaces(people.dave!), ['alice', 'main']);
    assert.deepEqual(t.catalog.frameNames.namespaces(people.bob!), ['alice', 'bob', 'main']);
  });

  test('a frame of the same name in your own namespace shadows the team one, for you only', () => {
    const shadowed = (p: Principal) => t.catalog.frameNames.readable(p, { namespace: 'main', limit: 10 }).find((f) => f.name === 'team_sales')?.shadowed;
    assert.equal(shadowed(people.bob!), true);
    assert.equal(shadowed(people.alice!), false);
  });

  test('prefix in any case, % and _ taken literally; namespace; limit', () => {
    const names = (p: Principal, query: Parameters<TestCatalog['catalog']['frameNames']['readable']>[1]) => t.catalog.frameNames.readable(p, query).map((f) => `${f.namespace}.${f.name}`);
    assert.deepEqual(names(people.root!, { prefix: 'FOR_', limit: 10 }), ['alice.for_analysts', 'alice.for_bob']);
    assert.deepEqual(names(people.root!, { prefix: 'for%', limit: 10 }), []);
    assert.deepEqual(names(people.root!, { prefix: 'forXb', limit: 10 }), [], '_ is no wildcard');
    assert.deepEqual(names(people.root!, { namespace: 'alice', limit: 10 }), ['alice.for_analysts', 'alice.for_bob', 'alice.private_notes', 'alice.published']);
    assert.deepEqual(names(people.root!, { limit: 2 }), ['alice.for_analysts', 'alice.for_bob']);
    assert.deepEqual(t.catalog.frameNames.namespaces(people.root!, 'B'), ['bob']);
  });

  test('completion of frames is capped, says incomplete, and narrows on the gateway as the user types', async () => {
    const many = t.user('many', { teamWriter: true });
    for (let i = 0; i < MAX_COMPLETION_ITEMS + 20; i++) t.save(many, `main.wide_${String(i).padStart(4, '0')}`);
    const reader = people.dave!;
    const sources: CompletionSources = {
      namespace: reader.name,
      frames: (query) => t.catalog.frameNames.readable(reader, query),
      namespaces: (prefix) => t.catalog.frameNames.namespaces(reader, prefix),
      frameColumns: () => undefined,
      queryColumns: () => Promise.resolve(undefined),
      vocabulary: () => Promise.resolve({ functions: [], keywords: [] }),
      engineKeywords: () => Promise.resolve([]),
    };
    const all = await completeSql('SELECT * FROM ', 14, sources);
    assert.equal(all.items.length, MAX_COMPLETION_ITEMS);
    assert.equal(all.incomplete, true);
    const typed = await completeSql('SELECT * FROM wide_05', 21, sources);
    assert.deepEqual(
      typed.items.map((i) => i.label),
      Array.from({ length: 20 }, (_, i) => `wide_${500 + i}`.replace('wide_', 'wide_0')),
    );
    assert.equal(typed.incomplete, false);
    const qualified = await completeSql('SELECT * FROM main.', 19, sources);
    assert.equal(qualified.incomplete, true);
    assert.equal(qualified.items.length, MAX_COMPLETION_ITEMS);
    assert.ok(qualified.items.every((i) => i.kind === 'frame'));
  });
});
