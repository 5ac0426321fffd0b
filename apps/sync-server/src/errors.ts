import type { GatewayErrorCode } from '@voiceassist/contract';

/**
 * Every error the server reports to a client or an operator, by code. Clients and tests rely on
 * the codes; messages say what to do. Never put request content (possible PHI) in a message.
 */
export const ERRORS = {
  CONFIG_INVALID: { status: 500, message: 'The server configuration is invalid.' },
  DB_UNAVAILABLE: { status: 503, message: 'The database cannot be reached.' },
  EMBEDDED_PG_FAILED: { status: 500, message: 'The embedded PostgreSQL could not be started.' },
  MIGRATION_CHECKSUM_MISMATCH: {
    status: 500,
    message: 'An already-applied migration was changed; add a new migration instead.',
  },
  MIGRATION_FAILED: { status: 500, message: 'A database migration failed.' },
  NOT_READY: { status: 503, message: 'The server is not ready.' },
  BAD_REQUEST: { status: 400, message: 'The request is invalid.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  INTERNAL: { status: 500, message: 'Internal server error.' },
  AUTH_REQUIRED: {
    status: 401,
    message: 'Send a device key as "Authorization: Bearer KEY".',
  },
  AUTH_INVALID: { status: 401, message: 'The device key is unknown or revoked.' },
  DEVICE_NOT_FOUND: { status: 404, message: 'No device with that id.' },
  PHI_BLOCKED: {
    status: 422,
    message:
      'The text still carries patient identifiers; pseudonymize it on the workstation before sending.',
  },
  QUOTA_EXCEEDED: { status: 429, message: 'The usage quota for this period is used up.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down and retry later.' },
  PROVIDER_NOT_CONFIGURED: { status: 503, message: 'No provider is configured for this kind.' },
  PROVIDER_UNAVAILABLE: {
    status: 503,
    message: 'The provider is failing; requests are refused until it recovers (circuit open).',
  },
  PROVIDER_TIMEOUT: { status: 504, message: 'The provider did not answer in time.' },
  PROVIDER_ERROR: { status: 502, message: 'The provider returned an error.' },
  PROVIDER_STREAM_BROKEN: {
    status: 502,
    message: 'The provider stream broke off or was malformed.',
  },
  TRANSCRIPT_CHANGED: {
    status: 409,
    message:
      'The final transcript is not the one this request was prepared for; prepare it again and resend.',
  },
  /** An outcome, never sent: the client hung up (barge-in) before the answer was complete. */
  CLIENT_CANCELLED: {
    status: 499,
    message: 'The client closed the connection before the answer was complete.',
  },
} as const satisfies Record<string, { status: number; message: string }> &
  Record<GatewayErrorCode, unknown>; // every code of the gateway contract has its entry here

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly statusCode: number;
  constructor(code: ErrorCode, message?: string, options?: ErrorOptions) {
    super(message ?? ERRORS[code].message, options);
    this.code = code;
    this.statusCode = ERRORS[code].status;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** The body every error response carries. */
export function errorBody(
  code: ErrorCode,
  message?: string,
): {
  error: { code: ErrorCode; message: string };
} {
  return { error: { code, message: message ?? ERRORS[code].message } };
}
