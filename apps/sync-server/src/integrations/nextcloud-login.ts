import { AppError } from '../errors.js';
import { DavStatusError, davError } from '../nextcloud/dav-errors.js';
import { basicAuth } from './caldav.js';

/**
 * Nextcloud Login Flow v2 — how Nextcloud's own clients obtain an app password
 * (https://docs.nextcloud.com/server/latest/developer_manual/client_apis/LoginFlow/):
 * `POST /index.php/login/v2` gives a browser URL and a poll token; the person signs in there
 * and grants access; `POST <poll endpoint>` with the token answers 404 until then, and once
 * `{server, loginName, appPassword}` (a single time).
 */

/** The name Nextcloud shows in the person's "Devices & sessions" list. */
export const CLIENT_NAME = 'VoiceAssist';
/** Nextcloud keeps a flow for 20 minutes. */
export const FLOW_TTL_SECONDS = 20 * 60;

export type LoginFlow = Readonly<{ loginUrl: string; pollEndpoint: string; token: string }>;
export type Granted = Readonly<{ loginName: string; appPassword: string }>;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export async function startLoginFlow(baseUrl: string, timeoutMs: number): Promise<LoginFlow> {
  try {
    const res = await fetch(`${baseUrl}/index.php/login/v2`, {
      method: 'POST',
      headers: { 'user-agent': CLIENT_NAME, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new DavStatusError(res.status);
    }
    const body: unknown = await res.json();
    const poll = isObj(body) ? body.poll : undefined;
    const login = isObj(body) ? body.login : undefined;
    if (
      !isObj(poll) ||
      typeof poll.token !== 'string' ||
      typeof poll.endpoint !== 'string' ||
      typeof login !== 'string'
    ) {
      throw new AppError(
        'NEXTCLOUD_ERROR',
        'Nextcloud did not start a sign-in (unexpected answer).',
      );
    }
    // The poll token is a secret: it may only ever go back to the configured Nextcloud.
    const origin = new URL(baseUrl).origin;
    if (new URL(poll.endpoint).origin !== origin || new URL(login).origin !== origin) {
      throw new AppError('NEXTCLOUD_ERROR', 'Nextcloud named another server for the sign-in.');
    }
    return { loginUrl: login, pollEndpoint: poll.endpoint, token: poll.token };
  } catch (e) {
    throw davError(e, false);
  }
}

/** Once: undefined while the person has not granted access yet. */
export async function pollLoginFlow(
  flow: Pick<LoginFlow, 'pollEndpoint' | 'token'>,
  timeoutMs: number,
): Promise<Granted | undefined> {
  try {
    const res = await fetch(flow.pollEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token: flow.token }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new DavStatusError(res.status);
    }
    const body: unknown = await res.json();
    if (
      !isObj(body) ||
      typeof body.loginName !== 'string' ||
      typeof body.appPassword !== 'string' ||
      !body.loginName ||
      !body.appPassword
    ) {
      throw new AppError('NEXTCLOUD_ERROR', 'Nextcloud answered the sign-in without credentials.');
    }
    return { loginName: body.loginName, appPassword: body.appPassword };
  } catch (e) {
    throw davError(e, false);
  }
}

/** Asks Nextcloud to delete the app password (OCS); best effort, false when it could not. */
export async function revokeAppPassword(
  baseUrl: string,
  cred: { login: string; appPassword: string },
  timeoutMs: number,
): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/ocs/v2.php/core/apppassword`, {
      method: 'DELETE',
      headers: { authorization: basicAuth(cred), 'ocs-apirequest': 'true' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false; // unreachable: the stored copy is deleted anyway
  }
}
