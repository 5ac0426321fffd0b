import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import * as client from 'openid-client';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config.js';
import { AppError } from '../errors.js';
import { verifyIdToken } from './id-token.js';
import { CLOCK_SKEW_SECONDS } from './tokens.js';

type OidcConfig = NonNullable<AuthConfig['oidc']>;

/** A sign-in between /oidc/start and /oidc/finish lives this long. */
const LOGIN_TTL_SECONDS = 600;
const IDP_TIMEOUT_SECONDS = 10;

/** What we take from the IdP about a person (Nextcloud, Keycloak and Entra ID all send these). */
export type IdpIdentity = Readonly<{
  issuer: string;
  subject: string;
  preferredUsername: string | undefined;
  email: string | undefined;
  name: string | undefined;
  groups: readonly string[];
}>;

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * RFC 8252 §7.3: a native app's redirect is http to a loopback IP literal on any port. Anything
 * else (another host, https, credentials, a fragment) is refused before we tell the IdP.
 */
export function checkLoopbackRedirect(uri: string): URL {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new AppError('BAD_REQUEST', 'redirectUri must be a URL.');
  }
  if (
    u.protocol !== 'http:' ||
    !(u.hostname === '127.0.0.1' || u.hostname === '[::1]') ||
    u.username ||
    u.password ||
    u.hash ||
    u.search
  ) {
    throw new AppError(
      'BAD_REQUEST',
      'redirectUri must be http://127.0.0.1:PORT/PATH or http://[::1]:PORT/PATH (RFC 8252 loopback).',
    );
  }
  return u;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const stateHash = (state: string) => createHash('sha256').update(state).digest();

function idpError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof client.ResponseBodyError || e instanceof client.AuthorizationResponseError) {
    return new AppError(
      'AUTH_IDP_REFUSED',
      `Your clinic's login server refused the sign-in (${e.error}); start it again.`,
    );
  }
  const code = (e as { code?: string }).code ?? '';
  // The IdP could not be reached or answered too slowly: somewhere along the cause chain is a
  // network error, a timeout or an abort.
  let unreachable = ['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_NETWORK_ERROR'].includes(code);
  for (let c: unknown = e, depth = 0; c && depth < 4 && !unreachable; depth++) {
    const x = c as { name?: string; code?: string; cause?: unknown };
    unreachable =
      c instanceof TypeError ||
      x.name === 'TimeoutError' ||
      x.name === 'AbortError' ||
      /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|UND_ERR)/.test(x.code ?? '');
    c = x.cause;
  }
  if (unreachable) return new AppError('AUTH_IDP_UNAVAILABLE');
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
    return new AppError(
      'AUTH_TOKEN_EXPIRED',
      "The sign-in token from your clinic's login server has expired; sign in again.",
    );
  }
  return new AppError(
    'AUTH_TOKEN_INVALID',
    `The sign-in response from your clinic's login server was refused (${code || 'invalid'}); sign in again.`,
  );
}

/**
 * The server side of OIDC sign-in. The workstation runs authorization code + PKCE in the system
 * browser with a loopback redirect (RFC 8252); this server creates the `state` and `nonce`,
 * keeps them (single use, 10 minutes, in PostgreSQL so any instance can finish), exchanges the
 * code at the IdP's token endpoint (with the client secret when the IdP issued one), and verifies
 * the ID token itself. The IdP's tokens never reach the workstation.
 */
export class OidcLogin {
  private config: Promise<client.Configuration> | undefined;
  private jwks: JWTVerifyGetKey | undefined;

  constructor(
    private readonly db: pg.Pool,
    readonly settings: OidcConfig,
  ) {}

  private discover(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer);
    const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
    const p = client
      .discovery(
        issuer,
        this.settings.clientId,
        {
          ...(this.settings.clientSecret ? { client_secret: this.settings.clientSecret } : {}),
          [client.clockTolerance]: CLOCK_SKEW_SECONDS,
        },
        this.settings.clientSecret
          ? client.ClientSecretBasic(this.settings.clientSecret)
          : client.None(),
        {
          timeout: IDP_TIMEOUT_SECONDS,
          // http only for an IdP on this machine (development, tests); never across a network.
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- loopback IdP only, see above
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        },
      )
      .then((c) => {
        const jwksUri = c.serverMetadata().jwks_uri;
        if (!jwksUri) throw new AppError('AUTH_IDP_UNAVAILABLE', 'The IdP publishes no jwks_uri.');
        this.jwks = createRemoteJWKSet(new URL(jwksUri), {
          timeoutDuration: IDP_TIMEOUT_SECONDS * 1000,
        });
        return c;
      });
    // A failed discovery is retried by the next sign-in, not cached.
    p.catch(() => (this.config = undefined));
    return p;
  }

  private async configuration(): Promise<client.Configuration> {
    try {
      return await (this.config ??= this.discover());
    } catch (e) {
      throw idpError(e);
    }
  }

  /** Starts a sign-in: the URL to open in the browser and the state the redirect must carry. */
  async start(
    redirectUri: string,
    codeChallenge: string,
  ): Promise<{ authorizationUrl: string; state: string; expiresIn: number }> {
    checkLoopbackRedirect(redirectUri);
    if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) {
      throw new AppError('BAD_REQUEST', 'codeChallenge must be a base64url SHA-256 (S256).');
    }
    const config = await this.configuration();
    const state = randomBytes(32).toString('base64url');
    const nonce = randomBytes(32).toString('base64url');
    await this.db.query(
      `INSERT INTO oidc_logins (state_hash, nonce, code_challenge, redirect_uri, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [stateHash(state), nonce, codeChallenge, redirectUri, LOGIN_TTL_SECONDS],
    );
    // Housekeeping: abandoned sign-ins.
    void this.db.query(`DELETE FROM oidc_logins WHERE expires_at < now()`).catch(() => undefined);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.settings.scopes,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { authorizationUrl: url.href, state, expiresIn: LOGIN_TTL_SECONDS };
  }

  /**
   * Finishes a sign-in with what the loopback redirect received. The sign-in is consumed first,
   * so a replayed finish (same state or code) is refused whatever the IdP would say.
   */
  async finish(f: {
    state: string;
    code: string;
    iss?: string | undefined;
    codeVerifier: string;
  }): Promise<IdpIdentity> {
    const r = await this.db.query<{ nonce: string; code_challenge: string; redirect_uri: string }>(
      `DELETE FROM oidc_logins WHERE state_hash = $1 AND expires_at > now()
       RETURNING nonce, code_challenge, redirect_uri`,
      [stateHash(f.state)],
    );
    const login = r.rows[0];
    if (!login) throw new AppError('AUTH_LOGIN_EXPIRED');
    if (s256(f.codeVerifier) !== login.code_challenge) throw new AppError('AUTH_LOGIN_INVALID');
    const config = await this.configuration();
    const current = new URL(login.redirect_uri);
    current.searchParams.set('code', f.code);
    current.searchParams.set('state', f.state);
    if (f.iss !== undefined) current.searchParams.set('iss', f.iss);
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: f.codeVerifier,
        expectedState: f.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
    } catch (e) {
      throw idpError(e);
    }
    const meta = config.serverMetadata();
    const claims = await verifyIdToken(tokens.id_token ?? '', {
      issuer: meta.issuer,
      clientId: this.settings.clientId,
      nonce: login.nonce,
      keys: this.jwks ?? (() => Promise.reject(new AppError('AUTH_IDP_UNAVAILABLE'))),
      ...(meta.id_token_signing_alg_values_supported
        ? { algorithms: meta.id_token_signing_alg_values_supported }
        : {}),
    });
    let info: JWTPayload = claims;
    if (claims[this.settings.groupsClaim] === undefined && meta.userinfo_endpoint) {
      // Some IdPs (Keycloak without a mapper, Nextcloud by scope) list groups only in userinfo.
      try {
        const ui = await client.fetchUserInfo(config, tokens.access_token, claims.sub ?? '');
        info = { ...ui, ...claims, [this.settings.groupsClaim]: ui[this.settings.groupsClaim] };
      } catch (e) {
        throw idpError(e);
      }
    }
    return identityOf(claims, info, this.settings.groupsClaim);
  }
}

function identityOf(id: JWTPayload, info: JWTPayload, groupsClaim: string): IdpIdentity {
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const g = info[groupsClaim];
  const groups = Array.isArray(g) ? g.filter((x): x is string => typeof x === 'string') : [];
  return {
    issuer: id.iss ?? '',
    subject: id.sub ?? '',
    preferredUsername: str(info.preferred_username),
    email: str(info.email),
    name: str(info.name),
    groups,
  };
}
