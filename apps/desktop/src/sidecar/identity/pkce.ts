import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636 with S256: a 256-bit verifier (43 base64url characters) and its SHA-256 challenge. */
export function createPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
