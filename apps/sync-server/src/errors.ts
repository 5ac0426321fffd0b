import type { AuthErrorCode, GatewayErrorCode, NextcloudErrorCode } from '@voiceassist/contract';

type Entry = Readonly<{ status: number; message: string }>;

/**
 * Every code a gateway client can be told about: exactly the contract's GatewayErrorCode and
 * AuthErrorCode (the `satisfies` fails typecheck when either side has a code the other lacks).
 * Messages say what to do; never put request content (possible PHI) in a message.
 */
const GATEWAY_ERRORS = {
  BAD_REQUEST: { status: 400, message: 'The request is invalid.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    message: 'This path does not take that method; the allow header lists the ones it takes.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    message: 'The request took too long to arrive; send it again.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The request body is too large; send less at a time.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'Send the body as JSON (content-type: application/json).',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    message: 'The request headers are too large; send fewer or shorter headers.',
  },
  INTERNAL: { status: 500, message: 'Internal server error.' },
  AUTH_REQUIRED: {
    status: 401,
    message: 'Sign in, or send a device key or access token as "Authorization: Bearer TOKEN".',
  },
  AUTH_INVALID: { status: 401, message: 'The device key is unknown or revoked.' },
  PHI_BLOCKED: {
    status: 422,
    message:
      'The text still carries patient identifiers; pseudonymize it on the workstation before sending.',
  },
  QUOTA_EXCEEDED: { status: 429, message: 'The usage quota for this period is used up.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down and retry later.' },
  DEVICE_THROTTLED: {
    status: 429,
    message:
      'This device sent too many failing requests in the last minute; fix what fails, then retry in a minute.',
  },
  AUDIO_BACKLOG: {
    status: 400,
    message:
      'Audio arrived much faster than real time before speech recognition was ready; send it as it is recorded.',
  },
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
  // Identity and access (issue 18). Every refusal of a credential is a 401 with its own code.
  FORBIDDEN: {
    status: 403,
    message: 'Your role does not allow this; ask your administrator for access.',
  },
  AUTH_TOKEN_EXPIRED: {
    status: 401,
    message: 'The access token has expired; refresh it or sign in again.',
  },
  AUTH_TOKEN_INVALID: {
    status: 401,
    message: 'The token is not valid for this server; sign in again.',
  },
  AUTH_TOKEN_STALE: {
    status: 401,
    message: 'Your roles or account changed since this token was issued; refresh it.',
  },
  AUTH_SESSION_REVOKED: {
    status: 401,
    message: 'This session was ended (signed out or revoked by an administrator); sign in again.',
  },
  AUTH_DEVICE_REVOKED: {
    status: 401,
    message: 'This device was revoked by your administrator; ask them to enrol it again.',
  },
  AUTH_REFRESH_INVALID: {
    status: 401,
    message: 'The refresh token is unknown or expired; sign in again.',
  },
  AUTH_REFRESH_REUSED: {
    status: 401,
    message:
      'This refresh token was already used, so the session was ended to be safe; sign in again.',
  },
  AUTH_LOGIN_FAILED: { status: 401, message: 'The user name or password is wrong.' },
  AUTH_MFA_REQUIRED: {
    status: 401,
    message: 'Enter the 6-digit code from your authenticator app (or a recovery code).',
  },
  AUTH_MFA_INVALID: {
    status: 401,
    message: 'The authenticator code is wrong or was already used; wait for the next one.',
  },
  AUTH_LOCKED: {
    status: 429,
    message: 'Too many failed sign-ins for this account; wait and try again.',
  },
  AUTH_PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    message: 'This password is one-time: sign in again with a new password (newPassword).',
  },
  AUTH_PASSWORD_WEAK: {
    status: 400,
    message: 'Choose a password of at least 12 characters that is not your user name.',
  },
  AUTH_NO_ROLE: {
    status: 403,
    message:
      'Your account has no VoiceAssist role; ask your administrator to add you to a clinician, admin or auditor group.',
  },
  AUTH_LOGIN_EXPIRED: {
    status: 401,
    message: 'This sign-in took too long or was already completed; start it again.',
  },
  AUTH_LOGIN_INVALID: {
    status: 401,
    message: 'The sign-in response does not belong to this sign-in; start it again.',
  },
  AUTH_IDP_REFUSED: {
    status: 401,
    message: "Your clinic's login server refused the sign-in; start it again.",
  },
  AUTH_IDP_UNAVAILABLE: {
    status: 503,
    message: "Your clinic's login server could not be reached; try again in a minute.",
  },
  AUTH_METHOD_DISABLED: {
    status: 404,
    message: 'This sign-in method is not enabled on this server.',
  },
  /** An outcome, never sent: the client hung up (barge-in) before the answer was complete. */
  CLIENT_CANCELLED: {
    status: 499,
    message: 'The client closed the connection before the answer was complete.',
  },
  /** An outcome, never sent: the server stopped while the call streamed (found at next start). */
  SERVER_CRASHED: {
    status: 500,
    message: 'The server stopped while this call was streaming; what was delivered is metered.',
  },
} as const satisfies Record<GatewayErrorCode | AuthErrorCode, Entry>;

/**
 * Nextcloud (issue 22): exactly the contract's NextcloudErrorCode. Never 401 for a problem with
 * the stored app password (the workstation would take it for its own token being refused).
 */
const NEXTCLOUD_ERRORS = {
  NEXTCLOUD_NOT_CONFIGURED: {
    status: 503,
    message: 'Nextcloud is not set up on this server; ask your administrator to set NEXTCLOUD_URL.',
  },
  NEXTCLOUD_NOT_CONNECTED: {
    status: 409,
    message: 'Your Nextcloud account is not connected yet; connect it in Settings, then try again.',
  },
  NEXTCLOUD_UNREACHABLE: {
    status: 503,
    message: "Your clinic's Nextcloud could not be reached; try again in a minute.",
  },
  NEXTCLOUD_AUTH_REVOKED: {
    status: 409,
    message:
      'Nextcloud no longer accepts the app password VoiceAssist was given; connect your account again.',
  },
  NEXTCLOUD_READ_ONLY: {
    status: 403,
    message: 'This calendar or folder is read-only for you; choose one you can write to.',
  },
  NEXTCLOUD_QUOTA_EXCEEDED: {
    status: 507,
    message: 'Your Nextcloud storage is full; free some space there, then try again.',
  },
  NEXTCLOUD_CONFLICT: {
    status: 412,
    message: 'This changed in Nextcloud since it was read; look at the new version and try again.',
  },
  NEXTCLOUD_NOT_FOUND: { status: 404, message: 'That is not (or no longer) in Nextcloud.' },
  NEXTCLOUD_LOGIN_EXPIRED: {
    status: 410,
    message: 'This Nextcloud sign-in expired or was already used; start connecting again.',
  },
  NEXTCLOUD_ERROR: {
    status: 502,
    message:
      'Nextcloud answered with an error; try again, and tell your administrator if it stays.',
  },
} as const satisfies Record<NextcloudErrorCode, Entry>;

/** Codes for operators (start-up, the admin CLI); never sent to a gateway client. */
const SERVER_ERRORS = {
  CONFIG_INVALID: { status: 500, message: 'The server configuration is invalid.' },
  DB_UNAVAILABLE: { status: 503, message: 'The database cannot be reached.' },
  EMBEDDED_PG_FAILED: { status: 500, message: 'The embedded PostgreSQL could not be started.' },
  MIGRATION_CHECKSUM_MISMATCH: {
    status: 500,
    message: 'An already-applied migration was changed; add a new migration instead.',
  },
  MIGRATION_FAILED: { status: 500, message: 'A database migration failed.' },
  NOT_READY: { status: 503, message: 'The server is not ready.' },
  DEVICE_NOT_FOUND: { status: 404, message: 'No device with that id.' },
  USER_NOT_FOUND: { status: 404, message: 'No user with that name or id.' },
  NEXTCLOUD_KEY_UNAVAILABLE: {
    status: 500,
    message:
      'The key that encrypts Nextcloud credentials cannot be read; check NEXTCLOUD_KEYS_FILE (a JSON file, mode 0600).',
  },
} as const satisfies Record<string, Entry>;

/** Every error the server reports to a client or an operator, by code. */
export const ERRORS = { ...GATEWAY_ERRORS, ...NEXTCLOUD_ERRORS, ...SERVER_ERRORS } as const;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly statusCode: number;
  /**
   * The device's request was at fault although the code does not say so (a provider refused it
   * with a 4xx): counts against the device's failure limit, never against the provider.
   */
  readonly deviceFault: boolean;
  constructor(
    code: ErrorCode,
    message?: string,
    options?: ErrorOptions & { deviceFault?: boolean },
  ) {
    super(message ?? ERRORS[code].message, options);
    this.code = code;
    this.statusCode = ERRORS[code].status;
    this.deviceFault = options?.deviceFault ?? false;
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
