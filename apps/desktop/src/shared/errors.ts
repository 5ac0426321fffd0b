/**
 * The desktop app's coded errors (Fastify's `FST_ERR_*` registry, Signal's coded results). Every
 * code lives in the one registry in error-codes.ts; `CodedError` takes a registered code only, so
 * an unregistered string fails typecheck. Callers compare codes (or their area), never patterns.
 */
import { ERROR_AREAS, ERRORS } from './error-codes.js';

export { ERRORS, ERROR_AREAS };

export type ErrorCode = keyof typeof ERRORS;
export type ErrorArea = keyof typeof ERROR_AREAS;
/** The codes of one area, e.g. `CodeOf<'store'>` for the store's errors. */
export type CodeOf<A extends ErrorArea> = keyof (typeof ERROR_AREAS)[A] & ErrorCode;

/** What crosses a process boundary: plain data, never an Error instance. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
}

/** An error with a registered code. Handlers throw it; the RPC server turns it into an error envelope. */
export class CodedError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name: string = 'CodedError';
  readonly code: C;

  constructor(code: C, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERRORS[code], options);
    this.code = code;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERRORS, code);
}

/** The area a code belongs to, e.g. to label an error on screen; undefined for foreign codes. */
export function errorArea(code: string): ErrorArea | undefined {
  for (const [area, codes] of Object.entries(ERROR_AREAS) as [ErrorArea, object][])
    if (Object.hasOwn(codes, code)) return area;
  return undefined;
}

/** The registered code an unknown thrown value carries, if any (errors from other modules). */
export function codeOf(err: unknown): ErrorCode | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return isErrorCode(code) ? code : undefined;
}

/** `{ code, message }` with the registry's message, optionally refined with a detail. */
export function errorInfo(code: ErrorCode, detail?: string): ErrorInfo {
  return { code, message: detail === undefined ? ERRORS[code] : `${ERRORS[code]} ${detail}` };
}
