import { useState, type SyntheticEvent } from 'react';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type { IdentityState, PasswordSignInInput } from '../../shared/identity.js';
import { openLoginPage } from './use-identity.js';

const MFA_CODES = new Set(['AUTH_MFA_REQUIRED', 'AUTH_MFA_INVALID']);

function Alert({ error }: { error: ErrorInfo | null | undefined }) {
  if (!error) return null;
  return (
    <p className="signin__alert" role="alert" data-code={error.code}>
      {error.message}
    </p>
  );
}

/**
 * The sign-in screen, also the lock screen (then it names who was signed in and starts with their
 * user name): the clinic account in the system browser, and/or a local account with the
 * authenticator code (or a recovery code) and a new password when the server asks for them.
 */
export function SignInScreen({ client, state }: { client: RpcClient; state: IdentityState }) {
  const locked = state.user !== null;
  const who = state.user ? (state.user.displayName ?? state.user.name) : undefined;
  const [error, setError] = useState<ErrorInfo>();
  const [waiting, setWaiting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [username, setUsername] = useState(state.user?.name ?? '');
  const [password, setPassword] = useState('');
  const [askCode, setAskCode] = useState(false);
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [askNewPassword, setAskNewPassword] = useState(false);
  const [newPassword, setNewPassword] = useState('');

  const browser = async (): Promise<void> => {
    setError(undefined);
    const r = await client.call('identity.signInBrowser', {});
    if (!r.ok) return setError(r.error);
    setWaiting(true);
    openLoginPage(r.value.authorizationUrl);
  };

  const cancel = async (): Promise<void> => {
    await client.call('identity.cancelSignIn', {});
    setWaiting(false);
  };

  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const input: PasswordSignInInput = { username: username.trim(), password };
    if (askCode && code.trim()) {
      if (useRecovery) input.recoveryCode = code.trim();
      else input.totp = code.trim();
    }
    if (askNewPassword && newPassword) input.newPassword = newPassword;
    // A sign-in with the password and code can take a few seconds (argon2id on the server).
    const r = await client.call('identity.signInPassword', input, { timeoutMs: 30_000 });
    setBusy(false);
    if (r.ok) return;
    if (MFA_CODES.has(r.error.code)) setAskCode(true);
    if (r.error.code === 'AUTH_PASSWORD_CHANGE_REQUIRED') setAskNewPassword(true);
    setCode('');
    setError(r.error);
  };

  // A failure reported by the engine (browser sign-in, refresh, lock) ends the wait.
  const reason = waiting && state.status !== 'signing-in' ? state.reason : undefined;
  const shownError = error ?? reason ?? (waiting ? undefined : state.reason);
  const checking = state.status === 'checking';
  const noMethod = !checking && !state.methods.browser && !state.methods.password;

  return (
    <main className="signin" aria-labelledby="signin-title" data-testid="signin">
      <div className="signin__card">
        <h1 id="signin-title" className="signin__title">
          {locked ? 'Workstation locked' : 'Sign in to VoiceAssist'}
        </h1>
        {locked && (
          <p className="signin__who" data-testid="signin-locked-user">
            {who} was signed in. Sign in again to continue.
          </p>
        )}
        <Alert error={shownError} />
        {checking && <p className="signin__note">Checking how to sign in…</p>}
        {noMethod && (
          <button
            type="button"
            className="signin__button"
            onClick={() => void client.call('identity.state', {})}
          >
            Try again
          </button>
        )}
        {state.methods.browser &&
          (waiting && state.status === 'signing-in' ? (
            <div className="signin__waiting" role="status">
              <p>Finish signing in in the browser window that opened, then come back here.</p>
              <button type="button" className="signin__link" onClick={() => void cancel()}>
                Cancel
              </button>
            </div>
          ) : (
            <button
              type="button"
              className="signin__button signin__button--primary"
              onClick={() => void browser()}
            >
              Sign in with your clinic account
            </button>
          ))}
        {state.methods.password && (
          <form className="signin__form" onSubmit={(e) => void submit(e)}>
            {state.methods.browser && <p className="signin__or">or with a local account</p>}
            <label>
              User name
              <input
                name="username"
                autoComplete="username"
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                required
              />
            </label>
            <label>
              Password
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
            </label>
            {askCode && (
              <label>
                {useRecovery ? 'Recovery code' : 'Authenticator code'}
                <input
                  name="code"
                  autoComplete="one-time-code"
                  inputMode={useRecovery ? 'text' : 'numeric'}
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  required
                />
              </label>
            )}
            {askCode && (
              <button
                type="button"
                className="signin__link"
                onClick={() => setUseRecovery((v) => !v)}
              >
                {useRecovery ? 'Use the authenticator code' : 'Use a recovery code instead'}
              </button>
            )}
            {askNewPassword && (
              <label>
                New password
                <input
                  name="newPassword"
                  type="password"
                  autoComplete="new-password"
                  value={newPassword}
                  onChange={(e) => setNewPassword(e.target.value)}
                  required
                />
              </label>
            )}
            <button type="submit" className="signin__button" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
