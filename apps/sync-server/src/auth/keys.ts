import { createPublicKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import type pg from 'pg';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export const ACCESS_TOKEN_ALG = 'EdDSA';
/** Any constant, the same everywhere: two instances starting at once create one key. */
const KEYGEN_LOCK_KEY = 0x766b6579; // "vkey"
/** An unknown `kid` makes us re-read the keys, at most this often (another instance rotated). */
const RELOAD_EVERY_MS = 1_000;

type Key = {
  kid: string;
  publicKey: CryptoKey;
  /** The same public key for node:crypto's synchronous verify (see AccessTokens.verify). */
  verifyKey: KeyObject;
  privateKey: CryptoKey;
  createdAt: Date;
};

/**
 * Ed25519 keys that sign access tokens, shared through the database by every server instance.
 * The newest signs; all listed keys verify.
 */
export class SigningKeys {
  private keys = new Map<string, Key>();
  private loadedAt = 0;
  private reloading: Promise<void> | undefined;

  constructor(private readonly db: pg.Pool) {}

  /** Loads the keys, creating the first one if there is none. */
  async init(): Promise<void> {
    await this.reload();
    if (this.keys.size > 0) return;
    const c = await this.db.connect();
    try {
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock($1)', [KEYGEN_LOCK_KEY]);
      const n = await c.query('SELECT 1 FROM auth_signing_keys WHERE retired_at IS NULL');
      if (n.rowCount === 0) {
        const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, {
          crv: 'Ed25519',
          extractable: true,
        });
        await c.query(
          `INSERT INTO auth_signing_keys (kid, alg, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)`,
          [randomUUID(), ACCESS_TOKEN_ALG, await exportJWK(privateKey), await exportJWK(publicKey)],
        );
      }
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
    await this.reload();
  }

  private async reload(): Promise<void> {
    const r = await this.db.query<{
      kid: string;
      private_jwk: JWK;
      public_jwk: JWK;
      created_at: Date;
    }>(
      `SELECT kid, private_jwk, public_jwk, created_at FROM auth_signing_keys
        WHERE retired_at IS NULL ORDER BY created_at`,
    );
    const keys = new Map<string, Key>();
    for (const row of r.rows) {
      keys.set(row.kid, {
        kid: row.kid,
        publicKey: (await importJWK(row.public_jwk, ACCESS_TOKEN_ALG)) as CryptoKey,
        verifyKey: createPublicKey({ key: row.public_jwk as JsonWebKey, format: 'jwk' }),
        privateKey: (await importJWK(row.private_jwk, ACCESS_TOKEN_ALG)) as CryptoKey,
        createdAt: row.created_at,
      });
    }
    this.keys = keys;
    this.loadedAt = Date.now();
  }

  signing(): Key {
    let newest: Key | undefined;
    for (const k of this.keys.values()) if (!newest || k.createdAt > newest.createdAt) newest = k;
    if (!newest) throw new Error('no signing key loaded (init() not awaited)');
    return newest;
  }

  /**
   * The verification key for a `kid`: synchronous when known (the common case), else a
   * (rate-limited) reload — another instance may have added a key.
   */
  verifyKey(kid: string | undefined): KeyObject | Promise<KeyObject | undefined> | undefined {
    if (kid === undefined) return undefined;
    const hit = this.keys.get(kid);
    if (hit) return hit.verifyKey;
    if (Date.now() - this.loadedAt < RELOAD_EVERY_MS) return undefined;
    this.reloading ??= this.reload().finally(() => (this.reloading = undefined));
    return this.reloading.then(() => this.keys.get(kid)?.verifyKey);
  }
}
