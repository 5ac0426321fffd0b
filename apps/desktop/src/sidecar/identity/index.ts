/**
 * The workstation's sign-in (issue 18). The engine uses it through IdentityService (service.ts:
 * modes, idle lock, default-deny of other calls in rpc.ts, the gateway's access token); the
 * pieces below are its parts.
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
export { ProfileCredentialStore } from './profile-store.js';
export { IdentityService, type IdentityServiceOptions } from './service.js';
