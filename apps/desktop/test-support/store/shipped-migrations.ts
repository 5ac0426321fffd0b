/**
 * The store's migrations exactly as they shipped up to commit 2a392ce (December 2026), frozen so
 * tests can build the stores people already have and check that they upgrade. Two of them carried
 * version 2: a new store got both (user_version 3), while a store created on either branch before
 * they met got only its own. Never edit this file: it is what is out there.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import * as sqliteVec from 'sqlite-vec';
import type { Migration } from '../../src/sidecar/store/migrations.js';

const SHIPPED: readonly Migration[] = [
  {
    version: 1,
    name: 'documents, chunks, full-text index, embedding models, ingest jobs',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

      CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        source_path TEXT NOT NULL UNIQUE,
        folder TEXT NOT NULL,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        kind TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        text TEXT NOT NULL,
        pages TEXT,
        chunk_count INTEGER NOT NULL,
        ingested_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX documents_hash ON documents (content_hash);
      CREATE INDEX documents_folder ON documents (folder);
      CREATE INDEX documents_source ON documents (source);

      CREATE TABLE document_tags (
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (document_id, tag)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX document_tags_tag ON document_tags (tag);

      CREATE TABLE chunks (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        heading TEXT NOT NULL,
        text TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        page INTEGER
      ) STRICT;
      CREATE INDEX chunks_document ON chunks (document_id, ord);

      CREATE VIRTUAL TABLE chunks_fts USING fts5 (
        title, body,
        content = '', contentless_delete = 1,
        tokenize = 'porter unicode61 remove_diacritics 2'
      );

      CREATE TABLE embedding_models (
        slot INTEGER PRIMARY KEY,
        model_id TEXT NOT NULL UNIQUE,
        dimension INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'building')),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE ingest_jobs (
        id INTEGER PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'cancelled')),
        options TEXT NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT
      ) STRICT;
      CREATE TABLE ingest_job_files (
        job_id INTEGER NOT NULL REFERENCES ingest_jobs (id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        path TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'skipped')),
        outcome TEXT,
        code TEXT,
        reason TEXT,
        PRIMARY KEY (job_id, ord)
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'conversations, voice/typed turns with stage timings, per-conversation PHI vaults',
    sql: `
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX conversations_updated ON conversations (updated_at);

      CREATE TABLE turns (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        status TEXT NOT NULL,
        record TEXT NOT NULL
      ) STRICT;
      CREATE INDEX turns_conversation ON turns (conversation_id, started_at);
      CREATE INDEX turns_started ON turns (started_at);

      CREATE TABLE phi_vaults (
        conversation_id TEXT PRIMARY KEY,
        snapshot TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'full-text vocabulary (document frequency of each indexed term)',
    sql: `CREATE VIRTUAL TABLE chunks_fts_vocab USING fts5vocab (chunks_fts, 'row');`,
  },
  {
    version: 3,
    name: 'chunk change log (keeps in-memory search indexes in step with every writer)',
    sql: `
      CREATE TABLE chunk_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        chunk_id INTEGER NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('add', 'del'))
      ) STRICT;
      CREATE TRIGGER chunks_log_insert AFTER INSERT ON chunks BEGIN
        INSERT INTO chunk_changes (chunk_id, op) VALUES (new.id, 'add');
      END;
      CREATE TRIGGER chunks_log_update AFTER UPDATE ON chunks BEGIN
        INSERT INTO chunk_changes (chunk_id, op) VALUES (old.id, 'del');
        INSERT INTO chunk_changes (chunk_id, op) VALUES (new.id, 'add');
      END;
      CREATE TRIGGER chunks_log_delete AFTER DELETE ON chunks BEGIN
        INSERT INTO chunk_changes (chunk_id, op) VALUES (old.id, 'del');
      END;
    `,
  },
];

const byName = (prefix: string): Migration => {
  const m = SHIPPED.find((x) => x.name.startsWith(prefix));
  if (!m) throw new Error(`no shipped migration named ${prefix}…`);
  return m;
};

/** What a new store got from the code at 2a392ce: all four, ending at user_version 3. */
export const SHIPPED_MIGRATIONS: readonly Migration[] = SHIPPED;

/** A store created on the knowledge branch before the voice turn landed (v2 = the vocabulary). */
export const KNOWLEDGE_ERA_MIGRATIONS: readonly Migration[] = [
  byName('documents'),
  byName('full-text vocabulary'),
];

/** A store created on the voice branch before the vocabulary landed (v2 = conversations). */
export const VOICE_ERA_MIGRATIONS: readonly Migration[] = [
  byName('documents'),
  byName('conversations'),
];

/**
 * Creates an encrypted store the way the code at 2a392ce did, including its migration runner (it
 * read user_version once and applied every migration numbered above it, in list order), and
 * returns the open handle for the test to fill with data.
 */
export function createShippedStore(
  file: string,
  key: Buffer,
  migrations: readonly Migration[] = SHIPPED_MIGRATIONS,
): Database.Database {
  const db = new Database(file);
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${key.toString('hex')}'"`);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  sqliteVec.load(db);
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db;
}
