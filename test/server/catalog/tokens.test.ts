import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenStore } from '../../../server/catalog/tokens';
import { openTestCatalog, type TestCatalog } from './support';

let t: TestCatalog;
let tokens: TokenStore;
beforeEach(() => {
  t = openTestCatalog();
  tokens = t.catalog.identity.tokens;
});
afterEach(() => t.dispose());

test('a token verifies as its user; a wrong secret, a malformed token or another id do not', async () => {
  const alice = t.user('alice');
  const { token } = tokens.save(alice.userId, await tokens.create());
  assert.match(token, /^fgt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.equal((await tokens.verify(token))?.userId, alice.userId);
  const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  assert.equal(await tokens.verify(flipped), null);
  assert.equal(await tokens.verify('not a token'), null);
  assert.equal(await tokens.verify(`fgt_${'0'.repeat(16)}_${token.slice(-43)}`), null);
});

test('a new token revokes the old one at once, even after the old one was verified (and cached)', async () => {
  const bob = t.user('bob');
  const first = tokens.save(bob.userId, await tokens.create()).token;
  assert.ok(await tokens.verify(first));
  const second = tokens.save(bob.userId, await tokens.create()).token;
  assert.equal(await tokens.verify(first), null);
  assert.ok(await tokens.verify(second));
  tokens.revokeAll(bob.userId);
  assert.equal(await tokens.verify(second), null);
});

test('a removed user’s token stops working', async () => {
  const carol = t.user('carol');
  const { token } = tokens.save(carol.userId, await tokens.create());
  assert.ok(await tokens.verify(token));
  t.catalog.identity.users.remove(carol.userId);
  assert.equal(await tokens.verify(token), null);
});

test('only a salted scrypt hash is stored: the token and its secret appear nowhere in the data dir', async () => {
  const dave = t.user('dave');
  const { token } = tokens.save(dave.userId, await tokens.create());
  const row = t.catalog.db.prepare('SELECT kdf, length(salt) AS salt, length(hash) AS hash FROM tokens').get() as { kdf: string; salt: number; hash: number };
  assert.match(row.kdf, /^scrypt:N=32768,r=8,p=1,len=32$/);
  assert.deepEqual([row.salt, row.hash], [16, 32]);
  t.catalog.db.pragma('wal_checkpoint(TRUNCATE)');
  const secret = token.slice(-43);
  for (const file of readdirSync(t.dir)) {
    const bytes = readFileSync(join(t.dir, file));
    assert.equal(bytes.includes(Buffer.from(secret)), false, `${file} holds the secret`);
    assert.equal(bytes.includes(Buffer.from(token)), false, `${file} holds the token`);
  }
});
