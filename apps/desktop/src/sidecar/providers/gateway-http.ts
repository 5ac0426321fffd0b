import { AUTHORIZATION_HEADER, GatewayError } from '@voiceassist/contract';
import { Value } from 'typebox/value';
import { authorizationOf, type GatewayConfig } from './config.js';
import { ProviderError, fromGatewayCode, type ProviderKind } from './errors.js';

/** A gateway path on the configured server. */
export const gatewayUrl = (config: GatewayConfig, path: string): string =>
  `${config.serverUrl}${path}`;

/**
 * The device key or the signed-in person's token, and the JSON content type when a body is sent.
 * Nobody signed in (or locked): refused here as AUTH_REQUIRED, as the gateway would.
 */
export async function gatewayHeaders(
  config: GatewayConfig,
  json: boolean,
  kind: ProviderKind,
): Promise<Record<string, string>> {
  return {
    [AUTHORIZATION_HEADER]: await gatewayAuthorization(config, kind),
    ...(json ? { 'content-type': 'application/json' } : {}),
  };
}

/** The `Authorization` header value; AUTH_REQUIRED when nobody is signed in. */
export async function gatewayAuthorization(
  config: GatewayConfig,
  kind: ProviderKind,
): Promise<string> {
  try {
    return await authorizationOf(config);
  } catch (cause) {
    throw new ProviderError('AUTH_REQUIRED', kind, { status: 401, cause });
  }
}

/** A refused request's coded error: the gateway's JSON body, else classified by status. */
export async function errorFrom(res: Response, kind: ProviderKind): Promise<ProviderError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined; // not the gateway's JSON (a proxy?): classify by status
  }
  const code = Value.Check(GatewayError, body) ? body.error.code : undefined;
  return fromGatewayCode(code, kind, res.status);
}
