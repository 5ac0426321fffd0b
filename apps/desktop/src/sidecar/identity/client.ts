import { Value } from 'typebox/value';
import { Type, type TSchema, type Static } from 'typebox';
import {
  AUTH_PATHS,
  AuthConfigResponse,
  MeResponse,
  OidcStartResponse,
  TokenResponse,
  type DeviceCredentials,
  type OidcFinishRequest,
  type PasswordLoginRequest,
} from '@voiceassist/contract';
import { CodedError, isErrorCode } from '../../shared/errors.js';
import { identityError } from './errors.js';

const TIMEOUT_MS = 15_000;
const LogoutResult = Type.Object({ ended: Type.Boolean() });

/**
 * The sync server's sign-in API (`/v1/auth/*`, shapes in @voiceassist/contract). Answers are
 * validated before use; the server's coded refusals become CodedErrors with its code and message
 * (written for people, no PHI); a network failure is SERVER_UNREACHABLE.
 */
export class AuthClient {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private async call<S extends TSchema>(
    schema: S,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<Static<S>> {
    let res: Response;
    try {
      res = await this.fetchImpl(new URL(path, this.baseUrl), {
        method,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw identityError('SERVER_UNREACHABLE', (e as Error).name);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw identityError('SERVER_PROTOCOL', `HTTP ${res.status} without JSON`);
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      if (isErrorCode(err?.code) && typeof err.message === 'string') {
        throw new CodedError(err.code, err.message);
      }
      throw identityError('SERVER_PROTOCOL', `HTTP ${res.status}`);
    }
    if (!Value.Check(schema, json)) throw identityError('SERVER_PROTOCOL', path);
    return json;
  }

  config(): Promise<AuthConfigResponse> {
    return this.call(AuthConfigResponse, 'GET', AUTH_PATHS.config);
  }

  oidcStart(redirectUri: string, codeChallenge: string): Promise<OidcStartResponse> {
    return this.call(OidcStartResponse, 'POST', AUTH_PATHS.oidcStart, {
      redirectUri,
      codeChallenge,
    });
  }

  oidcFinish(req: OidcFinishRequest): Promise<TokenResponse> {
    return this.call(TokenResponse, 'POST', AUTH_PATHS.oidcFinish, req);
  }

  login(req: PasswordLoginRequest): Promise<TokenResponse> {
    return this.call(TokenResponse, 'POST', AUTH_PATHS.login, req);
  }

  refresh(refreshToken: string): Promise<TokenResponse> {
    return this.call(TokenResponse, 'POST', AUTH_PATHS.refresh, { refreshToken });
  }

  async logout(by: { accessToken: string } | { refreshToken: string }): Promise<void> {
    const schema = LogoutResult;
    if ('accessToken' in by) await this.call(schema, 'POST', AUTH_PATHS.logout, {}, by.accessToken);
    else await this.call(schema, 'POST', AUTH_PATHS.logout, { refreshToken: by.refreshToken });
  }

  me(accessToken: string): Promise<MeResponse> {
    return this.call(MeResponse, 'GET', AUTH_PATHS.me, undefined, accessToken);
  }
}

export type { DeviceCredentials };
