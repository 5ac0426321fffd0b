import Database from 'better-sqlite3-multiple-ciphers';
import * as sqliteVec from 'sqlite-vec';
import { existsSync } from 'node:fs';
import { KnowledgeError } from './errors.js';
import { KEY_BYTES } from './keystore.js';
import { MIGRATIONS, assertStrictlyIncreasing, type Migration } from './migrations.js';

export type Db = Database.Database;

/**
 * Encrypted pages are decrypted on every cache miss, so a scan over a table larger than the page
 * cache is ~10x slower (ENVIRONMENT.md). 128 MiB holds the binary-quantized vectors and the hot
 * part of the full-text index of a 100k-chunk store; the cache grows only as pages are used.
 */
export const DEFAULT_CACHE_MIB = 128;

export interface OpenStoreOptions {
  readonly file: string;
  readonly key: Buffer;
  readonly cacheMiB?: number;
  readonly migrations?: readonly Migration[];
}

function isNotADb(err: unknown): boolean {
  return (
    err instanceof Error &&
    ((err as { code?: string }).code === 'SQLITE_NOTADB' || /not a database/i.test(err.message))
  );
}

/**
 * Opens (or creates) a SQLCipher-encrypted store, checks the key before anything is written,
 * loads sqlite-vec and applies pending migrations.
 */
export function openDatabase(options: OpenStoreOptions): Db {
  if (options.key.length !== KEY_BYTES)
    throw new KnowledgeError('STORE_KEY_INVALID', `The store key must be ${KEY_BYTES} bytes.`);
  const existed = existsSync(options.file);
  let db: Db;
  try {
    db = new Database(options.file, { fileMustExist: existed });
  } catch (err) {
    throw new KnowledgeError(
      'STORE_OPEN_FAILED',
      `Cannot open the store file ${options.file}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.pragma(`key = "x'${options.key.toString('hex')}'"`);
    // The first read is where a wrong key shows; nothing has been written yet.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    db.close();
    if (isNotADb(err))
      throw new KnowledgeError(
        'STORE_WRONG_KEY',
        `The store ${options.file} cannot be decrypted with this key (wrong key, or not a VoiceAssist store). The file was not changed.`,
        { cause: err },
      );
    throw err;
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a killed process loses nothing committed
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('temp_store = MEMORY');
    db.pragma(`cache_size = ${-1024 * (options.cacheMiB ?? DEFAULT_CACHE_MIB)}`);
    sqliteVec.load(db);
    migrate(db, options.migrations ?? MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  assertStrictlyIncreasing(migrations);
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest)
    throw new KnowledgeError(
      'STORE_NEWER_SCHEMA',
      `The store was written by a newer VoiceAssist (schema ${current}, this build knows ${latest}). Update the app.`,
    );
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
