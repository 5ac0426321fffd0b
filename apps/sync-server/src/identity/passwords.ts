import { createHash, randomBytes, randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../errors.js';

/**
 * argon2id (the library's default algorithm; its const enum cannot be imported as a value here,
 * so a test pins the `$argon2id$` prefix) with OWASP's recommended cost (19 MiB, 2 passes, 1
 * lane), spelled out so a library update cannot weaken it silently.
 */
const ARGON2 = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

/**
 * A hash of a random password, verified against when the user does not exist, so an unknown
 * user name costs the same time as a wrong password and does not reveal who has an account.
 */
let dummy: Promise<string> | undefined;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    await verify(await (dummy ??= hashPassword(randomBytes(16).toString('hex'))), password).catch(
      () => false,
    );
    return false;
  }
  return verify(stored, password).catch(() => false);
}

const MIN_LENGTH = 12;

export function checkNewPassword(user: string, password: string): void {
  if (
    password.length < MIN_LENGTH ||
    password.length > 1024 ||
    password.toLowerCase().includes(user.toLowerCase())
  ) {
    throw new AppError('AUTH_PASSWORD_WEAK');
  }
}

/** Unambiguous characters (no 0/O, 1/l/I) for passwords and codes a person types. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function randomWords(groups: number, size: number): string {
  const parts: string[] = [];
  for (let g = 0; g < groups; g++) {
    let s = '';
    for (let i = 0; i < size; i++) s += ALPHABET.charAt(randomInt(ALPHABET.length));
    parts.push(s);
  }
  return parts.join('-');
}

/** A one-time password: 4 groups of 5 from 56 symbols ≈ 116 bits. */
export const oneTimePassword = (): string => randomWords(4, 5);

/** Recovery codes are random (≈ 58 bits each) and single use: SHA-256 is enough to store them. */
export const hashCode = (code: string): Buffer =>
  createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest();
