import type { Handlers } from '../rpc/server.js';
import type { IdentityService } from './service.js';

type IdentityCalls =
  | 'identity.state'
  | 'identity.signInBrowser'
  | 'identity.cancelSignIn'
  | 'identity.signInPassword'
  | 'identity.signOut'
  | 'identity.lock'
  | 'identity.activity';

/** The `identity.*` calls (inputs already checked against the contract by the RPC server). */
export function identityHandlers(identity: IdentityService): Pick<Handlers, IdentityCalls> {
  return {
    'identity.state': () => identity.current(),
    'identity.signInBrowser': () => identity.signInBrowser(),
    'identity.cancelSignIn': () => identity.cancelSignIn(),
    'identity.signInPassword': (input) => identity.signInPassword(input),
    'identity.signOut': () => identity.signOut(),
    'identity.lock': () => identity.lock(),
    'identity.activity': () => {
      identity.activity();
      return {};
    },
  };
}
