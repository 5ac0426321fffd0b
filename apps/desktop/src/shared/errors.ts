/**
 * The desktop app's coded errors (Fastify's `FST_ERR_*` registry, Signal's coded results). A code
 * is a stable contract: tests and the UI branch on it, so never rename one. Messages are for the
 * person reading them and never carry PHI. Features add their codes here (e.g. `STORE_WRONG_KEY`).
 */
export const ERRORS = {
  RPC_MALFORMED:
    'The message is not a valid RPC envelope (JSON object with t, seq, method, input).',
  RPC_TOO_LARGE: 'The message is larger than the RPC size limit.',
  RPC_UNKNOWN_METHOD: 'The engine does not know this method.',
  RPC_INVALID_INPUT: 'The input does not match the method schema.',
  RPC_INVALID_OUTPUT: 'The engine produced a result that does not match the contract.',
  RPC_INTERNAL: 'The engine failed while handling the call; details are in the engine log.',
  RPC_TIMEOUT: 'The engine did not answer in time.',
  TRANSPORT_CLOSED: 'The connection to the engine closed.',
  TRANSPORT_REFUSED: 'The engine refused the connection (wrong or already used token).',
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** What crosses a process boundary: plain data, never an Error instance. */
export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
}

/** An error with a stable code. Handlers throw it; the RPC server turns it into an error envelope. */
export class CodedError extends Error {
  override readonly name = 'CodedError';
  readonly code: string;

  constructor(code: ErrorCode | (string & {}), message?: string) {
    super(message ?? (isErrorCode(code) ? ERRORS[code] : code));
    this.code = code;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}

/** `{ code, message }` with the registry's message, optionally refined with a detail. */
export function errorInfo(code: ErrorCode, detail?: string): ErrorInfo {
  return { code, message: detail === undefined ? ERRORS[code] : `${ERRORS[code]} ${detail}` };
}
