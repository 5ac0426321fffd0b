import type { AuthErrorCode } from '@voiceassist/contract';
import { CodedError, ERROR_AREAS, type ErrorCode } from '../../shared/errors.js';

/**
 * What can go wrong while signing in, and the server's coded refusals (AUTH_*, passed through with
 * the server's message); the messages live in the registry (shared/error-codes.ts, area `identity`).
 */
export const IDENTITY_ERRORS = ERROR_AREAS.identity;

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

/** Every refusal the server's sign-in can send is registered here (typecheck fails otherwise). */
type Unregistered = Exclude<AuthErrorCode, ErrorCode>;
export const AUTH_CODES_REGISTERED: [Unregistered] extends [never] ? true : Unregistered = true;

export const identityError = (code: IdentityErrorCode, detail?: string): CodedError =>
  new CodedError(code, detail ? `${IDENTITY_ERRORS[code]} (${detail})` : IDENTITY_ERRORS[code]);

/** Server refusals after which the stored sign-in is useless (sign in again). */
export const SESSION_ENDING_CODES: ReadonlySet<string> = new Set([
  'AUTH_REFRESH_INVALID',
  'AUTH_REFRESH_REUSED',
  'AUTH_SESSION_REVOKED',
  'AUTH_DEVICE_REVOKED',
  'AUTH_NO_ROLE',
  'AUTH_INVALID',
]);
