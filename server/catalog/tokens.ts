/**
 * Bearer tokens: `fgt_<id>_<secret>`. The id (public, random) finds the token's row; the secret
 * (32 random bytes) is checked against a slow salted hash (scrypt), the only form stored. A
 * verified token is remembered in memory by its SHA-256 so that each connection does not pay
 * scrypt again; rotation, revocation and user removal drop it from that memory.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Db } from './store';
import { now } from './store';

const TOKEN_PATTERN = /^fgt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** scrypt cost: 2^15 × 8 × 128 bytes = 32 MiB and tens of milliseconds per check. */
const KDF = { N: 1 << 15, r: 8, p: 1, keylen: 32 };
const KDF_TEXT = `scrypt:N=${KDF.N},r=${KDF.r},p=${KDF.p},len=${KDF.keylen}`;

function derive(secret: string, salt: Buffer, kdf: typeof KDF): Promise<Buffer> {
  const options: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r };
  return new Promise((resolve, reject) => scrypt(secret, salt, kdf.keylen, options, (error, key) => (error ? reject(error) : resolve(key))));
}

function parseKdf(text: string): typeof KDF {
  const match = /^scrypt:N=(\d+),r=(\d+),p=(\d+),len=(\d+)$/.exec(text);
  if (!match) throw new Error(`unknown token hash ${text}`);
  return { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]), keylen: Number(match[4]) };
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface IssuedToken {
  id: string;
  token: string;
}

export interface PreparedToken extends IssuedToken {
  salt: Buffer;
  hash: Buffer;
}

export interface VerifiedToken {
  tokenId: string;
  userId: number;
}

interface TokenRow {
  id: string;
  user_id: number;
  salt: Buffer;
  hash: Buffer;
  kdf: string;
}

export class TokenStore {
  /** SHA-256 of verified tokens → who they are. In memory only. */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(private readonly db: Db) {}

  /**
   * A new token, hashed (the slow part, off the event loop). Nothing is stored until `save`, which
   * is synchronous so that it can join a catalog transaction.
   */
  async create(): Promise<PreparedToken> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    return { id, token: `fgt_${id}_${secret}`, salt, hash: await derive(secret, salt, KDF) };
  }

  /** Stores a prepared token as the user's one live token, revoking the ones they had. */
  save(userId: number, prepared: PreparedToken): IssuedToken {
    this.revokeAll(userId);
    this.db.prepare('INSERT INTO tokens (id, user_id, salt, hash, kdf, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(prepared.id, userId, prepared.salt, prepared.hash, KDF_TEXT, now());
    return { id: prepared.id, token: prepared.token };
  }

  /** Who a token belongs to, or null when it is malformed, unknown, revoked or its user removed. */
  async verify(token: string): Promise<VerifiedToken | null> {
    const key = digest(token);
    const known = this.verified.get(key);
    if (known) return this.isLive(known.tokenId) ? known : this.forget(key);
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return null;
    const row = this.db
      .prepare(
        `SELECT t.id, t.user_id, t.salt, t.hash, t.kdf FROM tokens t JOIN users u ON u.id = t.user_id
         WHERE t.id = ? AND t.revoked_at IS NULL AND u.removed_at IS NULL`,
      )
      .get(match[1]) as TokenRow | undefined;
    if (!row) return null;
    const hash = await derive(match[2]!, row.salt, parseKdf(row.kdf));
    if (hash.length !== row.hash.length || !timingSafeEqual(hash, row.hash)) return null;
    const result = { tokenId: row.id, userId: row.user_id };
    this.verified.set(key, result);
    return result;
  }

  /** Revokes every live token of a user; returns their ids. */
  revokeAll(userId: number): string[] {
    const ids = (this.db.prepare('SELECT id FROM tokens WHERE user_id = ? AND revoked_at IS NULL').all(userId) as { id: string }[]).map((r) => r.id);
    this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(now(), userId);
    for (const [key, value] of this.verified) if (value.userId === userId) this.verified.delete(key);
    return ids;
  }

  private isLive(tokenId: string): boolean {
    const row = this.db
      .prepare('SELECT 1 FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ? AND t.revoked_at IS NULL AND u.removed_at IS NULL')
      .get(tokenId);
    return row !== undefined;
  }

  private forget(key: string): null {
    this.verified.delete(key);
    return null;
  }
}
