import type pg from 'pg';
import { AppError } from '../errors.js';
import { hashCode, randomWords } from './passwords.js';
import { checkTotp, newTotpSecret, totpUri } from './totp.js';

const RECOVERY_CODES = 10;

/** Starts TOTP enrolment for a local user: a new secret, pending until confirmed with a code. */
export async function beginTotp(
  db: pg.Pool,
  userId: string,
): Promise<{ secret: string; uri: string }> {
  const secret = newTotpSecret();
  const r = await db.query<{ name: string }>(
    `UPDATE users SET totp_secret = $2
      WHERE id = $1 AND totp_enabled_at IS NULL AND password_hash IS NOT NULL RETURNING name`,
    [userId, secret],
  );
  const name = r.rows[0]?.name;
  if (!name) {
    throw new AppError(
      'BAD_REQUEST',
      'Authenticator sign-in is already on, or this account signs in through your clinic login server.',
    );
  }
  return { secret, uri: totpUri(secret, name) };
}

/** Turns TOTP on once the user proves their app has the secret; returns fresh recovery codes. */
export async function confirmTotp(
  db: pg.Pool,
  userId: string,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const r = await db.query<{ totp_secret: string | null }>(
    `SELECT totp_secret FROM users WHERE id = $1 AND totp_enabled_at IS NULL`,
    [userId],
  );
  const secret = r.rows[0]?.totp_secret;
  const step = secret ? checkTotp(secret, code, null) : undefined;
  if (!secret || step === undefined) throw new AppError('AUTH_MFA_INVALID');
  const codes = Array.from({ length: RECOVERY_CODES }, () => randomWords(2, 5));
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    await c.query(`UPDATE users SET totp_enabled_at = now(), totp_last_step = $2 WHERE id = $1`, [
      userId,
      step,
    ]);
    await c.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
    for (const code of codes) {
      await c.query(`INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, [
        userId,
        hashCode(code),
      ]);
    }
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
  return { recoveryCodes: codes };
}
