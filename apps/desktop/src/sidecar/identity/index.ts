/**
 * The workstation's sign-in (issue 18), self-contained: not yet wired into the engine (the
 * sign-in screen, lock and sign-out UI come with the architecture refactor).
 */
export { AuthClient } from './client.js';
export { IDENTITY_ERRORS, SESSION_ENDING_CODES, type IdentityErrorCode } from './errors.js';
export {
  startLoopbackReceiver,
  type AuthorizationResponse,
  type LoopbackReceiver,
} from './loopback.js';
export { createPkce } from './pkce.js';
export {
  IdentitySession,
  refreshDelayMs,
  type IdentityOptions,
  type Scheduler,
  type SessionState,
} from './session.js';
export { MemoryCredentialStore, type CredentialStore, type StoredCredentials } from './store.js';
