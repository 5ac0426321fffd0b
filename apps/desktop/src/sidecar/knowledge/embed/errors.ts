import { CodedError, ERROR_AREAS, type CodeOf } from '../../../shared/errors.js';

/**
 * The embedder's coded errors (codes and messages: shared/error-codes.ts, area `embed`). Messages
 * say what to do and never carry document text.
 */
export const EMBED_ERRORS = ERROR_AREAS.embed;
export type EmbedErrorCode = CodeOf<'embed'>;

export class EmbedError extends CodedError<EmbedErrorCode> {
  override readonly name = 'EmbedError';
}

/** The message of anything thrown, for logs and wrapped errors (never includes input text). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
