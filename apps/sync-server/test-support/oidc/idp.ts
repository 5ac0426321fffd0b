import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';

/**
 * A real OpenID Provider (`oidc-provider`) on loopback, set up like Nextcloud's OIDC app: claims
 * `preferred_username`, `email`, `name` and `groups` in the ID token, a confidential client
 * with `client_secret_basic`, authorization code + PKCE, loopback redirects on any port
 * (application_type native, RFC 8252). Its login page is a plain HTML form checked against
 * `users`; consent is implied (a clinic's own app), as Nextcloud does for trusted clients.
 */
export type IdpUser = Readonly<{
  password: string;
  preferred_username: string;
  email: string;
  name: string;
  groups: readonly string[];
}>;

export type Idp = Readonly<{
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Users by login name; may be changed while running (e.g. a group membership). */
  users: Map<string, IdpUser>;
  /** Counts of completed logins (the form accepted a password). */
  logins: () => number;
  close: () => Promise<void>;
}>;

export type IdpOptions = {
  users?: Record<string, IdpUser>;
  clientId?: string;
  clientSecret?: string;
};

const page = (uid: string, error = '') => `<!doctype html>
<html><head><meta charset="utf-8"><title>Log in - Clinic Cloud</title></head>
<body><h1>Clinic Cloud</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>Account name or email <input name="user" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Log in</button></form></body></html>`;

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startIdp(opts: IdpOptions = {}): Promise<Idp> {
  const users = new Map<string, IdpUser>(Object.entries(opts.users ?? {}));
  const clientId = opts.clientId ?? 'voiceassist';
  const clientSecret = opts.clientSecret ?? randomBytes(24).toString('base64url');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  let logins = 0;

  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        application_type: 'native',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'name'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    // Nextcloud puts the scope's claims into the ID token itself.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const u = users.get(sub);
      if (!u) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          preferred_username: u.preferred_username,
          name: u.name,
          email: u.email,
          email_verified: true,
          groups: [...u.groups],
        }),
      };
    },
    // Quiet: the provider's own error page for tests is enough.
    renderError: (ctx, out) => {
      ctx.type = 'text/plain';
      ctx.body = `${out.error}: ${out.error_description ?? ''}`;
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!m) return void callback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        const uid = details.uid;
        if (!m[2]) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return void res.end(page(uid));
        }
        const form = await readForm(req);
        const name = form.get('user') ?? '';
        const u = users.get(name);
        if (u?.password !== form.get('password')) {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return void res.end(page(uid, 'Wrong account name or password.'));
        }
        logins++;
        const grant = new provider.Grant({
          accountId: name,
          clientId: String(details.params.client_id),
        });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: name }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
      } catch (e) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${(e as Error).message}`);
      }
    })();
  });

  return {
    issuer,
    clientId,
    clientSecret,
    users,
    logins: () => logins,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A minimal cookie jar: oidc-provider's cookies have distinct names, so paths can be ignored. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (pair && i > 0) this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * What the browser does between the authorization URL and the loopback redirect, over plain
 * HTTP (for server tests and the benchmark; the workstation's own test drives Chromium): follow
 * the redirects to the login form, post the user's credentials, follow the redirects until one
 * goes to `redirectUri`. Returns that URL (with `code`, `state` and `iss`, or `error`).
 */
export async function browserLogin(
  authorizationUrl: string,
  redirectUri: string,
  user: string,
  password: string,
): Promise<URL> {
  const jar = new CookieJar();
  const get = async (url: string): Promise<{ next?: string; html?: string }> => {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(res);
    const loc = res.headers.get('location');
    return loc ? { next: new URL(loc, url).href } : { html: await res.text() };
  };
  let url = authorizationUrl;
  let posted = false;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(redirectUri)) return new URL(url);
    const r = await get(url);
    if (r.next) {
      url = r.next;
      continue;
    }
    const action = /action="([^"]+)"/.exec(r.html ?? '')?.[1];
    if (!action || posted)
      throw new Error(`no way on from ${url}: ${(r.html ?? '').slice(0, 200)}`);
    posted = true;
    const target = new URL(action, url).href;
    const res = await fetch(target, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user, password }).toString(),
    });
    jar.store(res);
    const loc = res.headers.get('location');
    if (!loc) throw new Error(`login refused: ${res.status} ${(await res.text()).slice(0, 200)}`);
    url = new URL(loc, target).href;
  }
  throw new Error('too many redirects');
}
