import type pg from 'pg';
import { AppError } from '../errors.js';
import type { Role } from './roles.js';
import { hashPassword, oneTimePassword } from './passwords.js';

const NAME = /^[\w.@-]{1,128}$/;

export function checkUserName(name: string): void {
  if (!NAME.test(name)) {
    throw new AppError(
      'BAD_REQUEST',
      'A user name is 1-128 letters, digits, ".", "@", "_" or "-".',
    );
  }
}

export type UserRecord = Readonly<{
  id: string;
  name: string;
  clinicId: string;
  roles: Role[];
  displayName: string | null;
  email: string | null;
  disabled: boolean;
  authVersion: number;
  hasPassword: boolean;
  mfa: boolean;
  idpIssuer: string | null;
}>;

type Row = {
  id: string;
  name: string;
  clinic_id: string;
  roles: Role[];
  display_name: string | null;
  email: string | null;
  disabled: boolean;
  auth_version: number;
  has_password: boolean;
  mfa: boolean;
  idp_issuer: string | null;
};

const COLUMNS = `id, name, clinic_id, roles, display_name, email, disabled_at IS NOT NULL AS disabled,
  auth_version, password_hash IS NOT NULL AS has_password, totp_enabled_at IS NOT NULL AS mfa,
  idp_issuer`;

const record = (r: Row): UserRecord => ({
  id: r.id,
  name: r.name,
  clinicId: r.clinic_id,
  roles: r.roles,
  displayName: r.display_name,
  email: r.email,
  disabled: r.disabled,
  authVersion: r.auth_version,
  hasPassword: r.has_password,
  mfa: r.mfa,
  idpIssuer: r.idp_issuer,
});

export async function listUsers(db: pg.Pool | pg.ClientBase): Promise<UserRecord[]> {
  const r = await db.query<Row>(`SELECT ${COLUMNS} FROM users ORDER BY name`);
  return r.rows.map(record);
}

export async function findUser(
  db: pg.Pool | pg.ClientBase,
  by: { id: string } | { name: string },
): Promise<UserRecord | undefined> {
  if ('id' in by && !/^[0-9a-f-]{36}$/i.test(by.id)) return undefined;
  const r = await db.query<Row>(
    `SELECT ${COLUMNS} FROM users WHERE ${'id' in by ? 'id' : 'name'} = $1`,
    ['id' in by ? by.id : by.name],
  );
  const row = r.rows[0];
  return row ? record(row) : undefined;
}

/**
 * Creates a local user (or resets an existing one) with a one-time password that must be
 * changed at the first sign-in. Returns the password, shown once.
 */
export async function setOneTimePassword(
  db: pg.Pool | pg.ClientBase,
  name: string,
  roles: readonly Role[],
  clinic = 'default',
): Promise<{ user: UserRecord; password: string; created: boolean }> {
  checkUserName(name);
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  await db.query(`INSERT INTO clinics (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [clinic]);
  const r = await db.query<Row & { created: boolean }>(
    `INSERT INTO users (name, clinic_id, roles, password_hash, must_change_password)
     VALUES ($1, $2, $3, $4, true)
     ON CONFLICT (name) DO UPDATE
        SET roles = (SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(users.roles || EXCLUDED.roles) x),
            password_hash = EXCLUDED.password_hash, must_change_password = true,
            failed_logins = 0, locked_until = NULL, disabled_at = NULL,
            auth_version = users.auth_version + 1, auth_changed_at = now()
     RETURNING ${COLUMNS}, (xmax = 0) AS created`,
    [name, clinic, roles, hash],
  );
  const row = r.rows[0];
  if (!row) throw new AppError('INTERNAL', 'user upsert returned nothing');
  return { user: record(row), password, created: row.created };
}

/**
 * Sets a user's roles or disabled state; bumps the user's auth version so access tokens issued
 * before are refused (stale) everywhere. Returns the record after the change.
 */
export async function updateUser(
  db: pg.Pool | pg.ClientBase,
  id: string,
  change: { roles?: readonly Role[]; disabled?: boolean },
): Promise<{ before: UserRecord; after: UserRecord }> {
  const before = await findUser(db, { id });
  if (!before) throw new AppError('USER_NOT_FOUND');
  const r = await db.query<Row>(
    `UPDATE users SET roles = coalesce($2, roles),
            disabled_at = CASE WHEN $3::boolean IS NULL THEN disabled_at
                               WHEN $3 THEN coalesce(disabled_at, now()) ELSE NULL END,
            auth_version = auth_version + 1, auth_changed_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, change.roles ?? null, change.disabled ?? null],
  );
  const row = r.rows[0];
  if (!row) throw new AppError('USER_NOT_FOUND');
  return { before, after: record(row) };
}
