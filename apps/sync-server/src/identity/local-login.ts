import type pg from 'pg';
import { AppError } from '../errors.js';
import { checkNewPassword, hashCode, hashPassword, verifyPassword } from './passwords.js';
import { checkTotp } from './totp.js';

/** Failed sign-ins before an account locks; each further failure doubles the wait. */
export const LOCK_AFTER = 5;
const LOCK_BASE_SECONDS = 30;
const LOCK_MAX_SECONDS = 3_600;

export type PasswordLogin = Readonly<{
  name: string;
  password: string;
  totp?: string | undefined;
  recoveryCode?: string | undefined;
  newPassword?: string | undefined;
}>;

type Row = {
  id: string;
  password_hash: string | null;
  must_change_password: boolean;
  totp_secret: string | null;
  mfa: boolean;
  totp_last_step: string | null;
  locked_for: number | null;
  disabled: boolean;
};

/** Seconds an account stays locked after its n-th consecutive failure (0 below the threshold). */
export function lockSeconds(failures: number): number {
  if (failures < LOCK_AFTER) return 0;
  return Math.min(LOCK_BASE_SECONDS * 2 ** (failures - LOCK_AFTER), LOCK_MAX_SECONDS);
}

async function recordFailure(db: pg.Pool, id: string): Promise<void> {
  await db.query(
    `UPDATE users SET failed_logins = failed_logins + 1,
            locked_until = CASE WHEN failed_logins + 1 >= $2
              THEN now() + make_interval(secs => least($3 * power(2, failed_logins + 1 - $2), $4))
              ELSE locked_until END
      WHERE id = $1`,
    [id, LOCK_AFTER, LOCK_BASE_SECONDS, LOCK_MAX_SECONDS],
  );
}

/**
 * Checks a local sign-in: lockout, argon2id password, TOTP or a recovery code when MFA is on,
 * and the change of a one-time password. An unknown user costs the same argon2 work as a wrong
 * password and gets the same answer. Returns the user id and whether a second factor was used.
 */
export async function checkPasswordLogin(
  db: pg.Pool,
  login: PasswordLogin,
): Promise<{ userId: string; mfa: boolean; passwordChanged: boolean }> {
  const r = await db.query<Row>(
    `SELECT id, password_hash, must_change_password, totp_secret,
            totp_enabled_at IS NOT NULL AS mfa, totp_last_step::text,
            CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()))::int END
              AS locked_for,
            disabled_at IS NOT NULL AS disabled
       FROM users WHERE name = $1`,
    [login.name],
  );
  const u = r.rows[0];
  if (u?.locked_for) {
    throw new AppError(
      'AUTH_LOCKED',
      `Too many failed sign-ins for this account; try again in ${u.locked_for} seconds.`,
    );
  }
  const ok = await verifyPassword(u?.password_hash ?? null, login.password);
  if (!u || !ok) {
    if (u) await recordFailure(db, u.id);
    throw new AppError('AUTH_LOGIN_FAILED');
  }
  if (u.disabled) {
    throw new AppError('AUTH_LOGIN_FAILED', 'This account is disabled; ask your administrator.');
  }
  let mfa = false;
  if (u.mfa && u.totp_secret) {
    if (login.totp) {
      const after = u.totp_last_step === null ? null : Number(u.totp_last_step);
      const step = checkTotp(u.totp_secret, login.totp, after);
      // Conditional: two sign-ins racing with one code cannot both win.
      const used =
        step !== undefined &&
        (
          await db.query(
            `UPDATE users SET totp_last_step = $2
              WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`,
            [u.id, step],
          )
        ).rowCount === 1;
      if (!used) {
        await recordFailure(db, u.id);
        throw new AppError('AUTH_MFA_INVALID');
      }
    } else if (login.recoveryCode) {
      const used = await db.query(
        `UPDATE recovery_codes SET used_at = now()
          WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
        [u.id, hashCode(login.recoveryCode)],
      );
      if (used.rowCount !== 1) {
        await recordFailure(db, u.id);
        throw new AppError('AUTH_MFA_INVALID', 'The recovery code is wrong or was already used.');
      }
    } else {
      throw new AppError('AUTH_MFA_REQUIRED');
    }
    mfa = true;
  }
  let passwordChanged = false;
  if (u.must_change_password) {
    if (!login.newPassword) throw new AppError('AUTH_PASSWORD_CHANGE_REQUIRED');
    checkNewPassword(login.name, login.newPassword);
    if (login.newPassword === login.password) throw new AppError('AUTH_PASSWORD_WEAK');
    await db.query(
      `UPDATE users SET password_hash = $2, must_change_password = false WHERE id = $1`,
      [u.id, await hashPassword(login.newPassword)],
    );
    passwordChanged = true;
  }
  await db.query(`UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, [u.id]);
  return { userId: u.id, mfa, passwordChanged };
}
