import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors.js';
import { CLOCK_SKEW_SECONDS } from './tokens.js';

/** Signature algorithms an ID token may use: asymmetric only (never `none`, never HMAC). */
export const ID_TOKEN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

export type IdTokenCheck = Readonly<{
  issuer: string;
  clientId: string;
  nonce: string;
  keys: JWTVerifyGetKey;
  /** From discovery (`id_token_signing_alg_values_supported`), intersected with ours. */
  algorithms?: readonly string[];
  now?: Date;
}>;

const invalid = (reason: string) =>
  new AppError(
    'AUTH_TOKEN_INVALID',
    `The sign-in token from your clinic's login server was refused (${reason}); sign in again.`,
  );

/**
 * Verifies an ID token as OpenID Connect Core §3.1.3.7 asks: signature by the provider's JWKS
 * with an asymmetric algorithm, `iss`, `aud` (and `azp` when there are several audiences),
 * `exp`/`iat`/`nbf` with at most 60 s of clock skew, and the `nonce` this sign-in sent.
 */
export async function verifyIdToken(idToken: string, c: IdTokenCheck): Promise<JWTPayload> {
  const algorithms = ID_TOKEN_ALGORITHMS.filter((a) => !c.algorithms || c.algorithms.includes(a));
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, c.keys, {
      issuer: c.issuer,
      audience: c.clientId,
      algorithms,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      ...(c.now ? { currentDate: c.now } : {}),
    }));
  } catch (e) {
    if (e instanceof errors.JWTExpired) {
      return Promise.reject(
        new AppError(
          'AUTH_TOKEN_EXPIRED',
          "The sign-in token from your clinic's login server has expired; sign in again.",
        ),
      );
    }
    if (e instanceof errors.JWTClaimValidationFailed) throw invalid(`claim "${e.claim}"`);
    if (e instanceof errors.JOSEAlgNotAllowed) throw invalid('algorithm not allowed');
    if (e instanceof errors.JWSSignatureVerificationFailed) throw invalid('signature');
    if (e instanceof errors.JWKSNoMatchingKey) throw invalid('unknown signing key');
    if (e instanceof errors.JWKSTimeout || (e as { code?: string }).code === 'ERR_JOSE_GENERIC') {
      throw new AppError('AUTH_IDP_UNAVAILABLE');
    }
    if (e instanceof errors.JOSEError) throw invalid(e.code);
    throw invalid('malformed');
  }
  const iat = payload.iat ?? 0;
  const now = (c.now ?? new Date()).getTime() / 1000;
  if (iat > now + CLOCK_SKEW_SECONDS) throw invalid('issued in the future');
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if ((aud.length > 1 || payload.azp !== undefined) && payload.azp !== c.clientId) {
    throw invalid('claim "azp"');
  }
  if (payload.nonce !== c.nonce) throw invalid('claim "nonce"');
  return payload;
}
