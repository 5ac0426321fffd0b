import { AUTHORIZATION_HEADER, GatewayError, bearer } from '@voiceassist/contract';
import { Value } from 'typebox/value';
import type { GatewayConfig } from './config.js';
import { fromGatewayCode, type ProviderError, type ProviderKind } from './errors.js';

/** A gateway path on the configured server. */
export const gatewayUrl = (config: GatewayConfig, path: string): string =>
  `${config.serverUrl}${path}`;

/** The device key, and the JSON content type when a body is sent. */
export const gatewayHeaders = (config: GatewayConfig, json: boolean): Record<string, string> => ({
  [AUTHORIZATION_HEADER]: bearer(config.deviceKey),
  ...(json ? { 'content-type': 'application/json' } : {}),
});

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
