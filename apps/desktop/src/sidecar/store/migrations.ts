/**
 * Numbered schema migrations, applied in order inside one transaction each and recorded in
 * `PRAGMA user_version`. Append only: never edit a migration that has shipped.
 *
 * Vector tables are per embedding model ("slot") and created at run time (see vectors.ts), because
 * their dimension is part of the table definition.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
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
  {
    // Two migrations once both carried version 2 (conversations and the full-text vocabulary,
    // written on two branches the same day), so a store that took one at version 2 skipped the
    // other. This one gives every store both; IF NOT EXISTS makes it a no-op where they exist.
    version: 4,
    name: 'full-text vocabulary, and the conversation tables for stores that missed them',
    sql: `
      CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts_vocab USING fts5vocab (chunks_fts, 'row');

      CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated_at);

      CREATE TABLE IF NOT EXISTS turns (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        status TEXT NOT NULL,
        record TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS turns_conversation ON turns (conversation_id, started_at);
      CREATE INDEX IF NOT EXISTS turns_started ON turns (started_at);

      CREATE TABLE IF NOT EXISTS phi_vaults (
        conversation_id TEXT PRIMARY KEY,
        snapshot TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'calculator history',
    sql: `
      CREATE TABLE calc_history (
        id INTEGER PRIMARY KEY,
        calculator_id TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX calc_history_created ON calc_history (created_at);
    `,
  },
  {
    // Trusted sources are not patient text (#20): each chunk's identifiers, found at ingest by the
    // detector's `balanced` (sources) mode, are kept beside it, so a prompt pseudonymizes only
    // those spans. A chunk without a row was ingested before and is scanned lazily (source-phi.ts).
    // A table of its own, not a column: an UPDATE of `chunks` would log every chunk as changed.
    version: 6,
    name: 'identifier spans of knowledge chunks (sources mode)',
    sql: `
      CREATE TABLE chunk_phi (
        chunk_id INTEGER PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,
        detector TEXT NOT NULL,
        spans TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    // Version 7 was never used (numbers were reserved while work was merged): versions only need
    // to increase, and a gap is harmless.
    version: 8,
    name: 'calendar changes waiting for Nextcloud (offline queue)',
    sql: `
      CREATE TABLE calendar_outbox (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('add', 'move', 'cancel')),
        calendar TEXT NOT NULL,
        name TEXT NOT NULL,
        etag TEXT,
        ics TEXT,
        summary TEXT NOT NULL,
        change TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'conflict', 'failed')),
        code TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
    `,
  },
];

/** Throws unless versions start at 1 and strictly increase (the runner relies on it). */
export function assertStrictlyIncreasing(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous)
      throw new Error(
        `Migration "${m.name}" has version ${m.version}, not above the previous ${previous}: versions must strictly increase.`,
      );
    previous = m.version;
  }
}

/** Entries of `chunk_changes` kept behind the newest; an index further behind rebuilds. */
export const CHUNK_LOG_KEEP = 100_000;
