import { CodedError } from '../../../shared/errors.js';

/**
 * The embedder's coded errors. Codes are a contract (the store and the UI branch on them); messages
 * say what to do and never carry document text.
 */
export const EMBED_ERRORS = {
  /** Neither an ONNX model folder nor the bundled USE-lite encoder could be loaded. */
  EMBED_NO_BACKEND: 'EMBED_NO_BACKEND',
  /** A configured model id names no folder under the models directory. */
  EMBED_MODEL_NOT_FOUND: 'EMBED_MODEL_NOT_FOUND',
  /** A model folder is incomplete or describes something this loader cannot run faithfully. */
  EMBED_MODEL_INVALID: 'EMBED_MODEL_INVALID',
  /** The model loaded but inference failed. */
  EMBED_RUN_FAILED: 'EMBED_RUN_FAILED',
  /** `embed()` after `close()`. */
  EMBED_CLOSED: 'EMBED_CLOSED',
  /** models:fetch could not reach the model hub. */
  MODELS_FETCH_UNREACHABLE: 'MODELS_FETCH_UNREACHABLE',
  /** models:fetch downloaded a file whose sha256 is not the pinned one. */
  MODELS_FETCH_CHECKSUM: 'MODELS_FETCH_CHECKSUM',
  /** models:fetch got an HTTP error or an unusable answer. */
  MODELS_FETCH_FAILED: 'MODELS_FETCH_FAILED',
} as const;

export type EmbedErrorCode = keyof typeof EMBED_ERRORS;

export class EmbedError extends CodedError {
  constructor(code: EmbedErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The message of anything thrown, for logs and wrapped errors (never includes input text). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
