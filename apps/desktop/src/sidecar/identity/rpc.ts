import type { CallName } from '../../shared/contract.js';
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

/** What a workstation that needs a personal sign-in answers before it (or while locked). */
const OPEN_CALLS: ReadonlySet<CallName> = new Set<CallName>([
  'health',
  'ping',
  'identity.state',
  'identity.signInBrowser',
  'identity.cancelSignIn',
  'identity.signInPassword',
  'identity.signOut',
  'identity.lock',
  'identity.activity',
]);

/** Calls a person makes (also through the global hotkey, with the window in the background). */
const ACTIVITY_CALLS: ReadonlySet<CallName> = new Set<CallName>([
  'voice.turnStart',
  'assistant.ask',
]);

/**
 * Default-deny in the engine, not only on screen: while a person must sign in (or the workstation
 * is locked), every call but health and signing in is refused with NOT_SIGNED_IN / LOCKED_*, so
 * nothing in the store is read or sent for a renderer that skipped the sign-in screen.
 */
export function requireSignIn(handlers: Handlers, identity: IdentityService): Handlers {
  const guarded: Record<string, (input: never, ctx: never) => unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as [
    CallName,
    (input: never, ctx: never) => unknown,
  ][]) {
    guarded[name] = OPEN_CALLS.has(name)
      ? handler
      : (input, ctx) => {
          identity.assertSignedIn();
          if (ACTIVITY_CALLS.has(name)) identity.activity();
          return handler(input, ctx);
        };
  }
  return guarded as unknown as Handlers;
}
