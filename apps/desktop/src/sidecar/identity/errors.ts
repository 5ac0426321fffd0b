import { CodedError } from '../../shared/errors.js';

/**
 * What can go wrong while signing in, besides the server's own coded refusals (AUTH_*, which are
 * passed through with the server's message). Each message says what happened and what to do.
 */
export const IDENTITY_ERRORS = {
  SERVER_UNREACHABLE:
    'The VoiceAssist server could not be reached; check the network and try again.',
  SERVER_PROTOCOL:
    'The VoiceAssist server answered something this version does not understand; update VoiceAssist or ask your administrator.',
  LOGIN_TIMEOUT: 'The sign-in in the browser was not completed in time; start it again.',
  LOGIN_CANCELLED: 'The sign-in was cancelled.',
  LOGIN_DENIED:
    "Your clinic's login server did not sign you in; start again, or ask your administrator if this repeats.",
  LOOPBACK_UNAVAILABLE:
    'VoiceAssist could not open a local port to receive the sign-in; close other programs using it or ask your administrator.',
  NOT_SIGNED_IN: 'You are not signed in; sign in first.',
} as const;

export type IdentityErrorCode = keyof typeof IDENTITY_ERRORS;

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
