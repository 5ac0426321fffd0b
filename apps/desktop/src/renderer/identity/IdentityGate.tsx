import { createContext, useContext, type ReactNode } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { IdentityState } from '../../shared/identity.js';
import { SignInScreen } from './SignIn.js';
import { useActivityReports, useIdentity } from './use-identity.js';
import './identity.css';

const IdentityContext = createContext<{
  client: RpcClient | undefined;
  state: IdentityState | undefined;
}>({ client: undefined, state: undefined });

/**
 * Shows the sign-in screen instead of the app while a person must sign in, and the lock screen
 * over it while locked (the app stays as it was underneath, hidden and inert, for the quick
 * unlock). The engine refuses everything but signing in meanwhile; this is the screen for it.
 */
export function IdentityGate({
  client,
  children,
}: {
  client: RpcClient | undefined;
  children: ReactNode;
}) {
  const state = useIdentity(client);
  const signedIn = state?.mode === 'sign-in' && state.status === 'signed-in';
  useActivityReports(client, signedIn ? state.idleTimeoutSeconds : undefined);
  const needed = client !== undefined && state?.mode === 'sign-in' && !signedIn;
  const locked = needed && state.user !== null;
  return (
    <IdentityContext.Provider value={{ client, state }}>
      {needed && <SignInScreen key={state.user?.name ?? ''} client={client} state={state} />}
      {(!needed || locked) && (
        <div className="identity-app" hidden={locked} inert={locked}>
          {children}
        </div>
      )}
    </IdentityContext.Provider>
  );
}

/** Who is signed in, with Lock and Sign out (nothing when this workstation has no sign-in). */
export function SignedInUser() {
  const { client, state } = useContext(IdentityContext);
  if (!client || state?.mode !== 'sign-in' || !state.user) return null;
  const { user } = state;
  return (
    <section className="identity-user" aria-label="Signed in" data-testid="identity-user">
      <span className="identity-user__name">
        {user.displayName ?? user.name}
        <span className="identity-user__roles"> ({user.roles.join(', ')})</span>
      </span>
      <button type="button" onClick={() => void client.call('identity.lock', {})}>
        Lock
      </button>
      <button type="button" onClick={() => void client.call('identity.signOut', {})}>
        Sign out
      </button>
    </section>
  );
}
