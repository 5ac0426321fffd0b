/**
 * Coded errors of the local store and the knowledge engine. Codes are stable: the UI, the CLI and
 * tests rely on them. Messages say what to do and never carry document text or keys.
 */
export type KnowledgeErrorCode =
  | 'STORE_WRONG_KEY'
  | 'STORE_KEY_UNAVAILABLE'
  | 'STORE_KEY_INSECURE'
  | 'STORE_KEY_INVALID'
  | 'STORE_NEWER_SCHEMA'
  | 'STORE_OPEN_FAILED'
  | 'KB_CANCELLED'
  | 'KB_EMBEDDER_MISMATCH';

export class KnowledgeError extends Error {
  override readonly name = 'KnowledgeError';
  constructor(
    readonly code: KnowledgeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Why one input file was skipped during ingestion; reported per file, never fatal for the run. */
export type IngestSkipCode =
  | 'INGEST_EMPTY'
  | 'INGEST_TOO_LARGE'
  | 'INGEST_CORRUPT'
  | 'INGEST_ENCRYPTED'
  | 'INGEST_BINARY'
  | 'INGEST_UNSUPPORTED'
  | 'INGEST_NO_TEXT'
  | 'INGEST_UNREADABLE'
  | 'INGEST_SYMLINK_LOOP'
  | 'INGEST_TOO_DEEP'
  | 'INGEST_DUPLICATE'
  | 'INGEST_FAILED';

export class IngestSkip extends Error {
  override readonly name = 'IngestSkip';
  constructor(
    readonly code: IngestSkipCode,
    message: string,
  ) {
    super(message);
  }
}
