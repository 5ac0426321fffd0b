import { CodedError, type CodeOf } from '../../shared/errors.js';

/**
 * Coded errors of the local store and the knowledge engine (codes: shared/error-codes.ts). The UI,
 * the CLI and tests rely on them. Messages say what to do and never carry document text or keys.
 */
export type KnowledgeErrorCode = CodeOf<'store'>;

export class KnowledgeError extends CodedError<KnowledgeErrorCode> {
  override readonly name = 'KnowledgeError';
}

/** Why one input file was skipped during ingestion; reported per file, never fatal for the run. */
export type IngestSkipCode = CodeOf<'ingest'>;

export class IngestSkip extends CodedError<IngestSkipCode> {
  override readonly name = 'IngestSkip';
}
