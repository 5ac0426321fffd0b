import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { AppError } from '../errors.js';

/**
 * The server talks to PostgreSQL as two roles. The *owner* (DATABASE_URL, or the embedded
 * cluster's superuser) owns the schema and applies migrations; the *app role* serves requests
 * and may not change history: on the audit log it has INSERT and SELECT only, and it cannot read
 * the owner's secrets. The app role is created on first start (its name and password live in
 * `server_secrets`, readable by the owner only) unless DATABASE_APP_URL names one.
 */

/** Tables the app role may read and append to, never change. */
export const APPEND_ONLY_TABLES = ['audit_log'] as const;
/** Tables the app role may read only. */
export const READ_ONLY_TABLES = ['schema_migrations', 'audit_head'] as const;
/** Tables the app role may not touch at all. */
export const OWNER_ONLY_TABLES = ['server_secrets'] as const;

const SECRET_KEY = 'app_role';
/** Any constant; shared by every server so two starting at once set the role up once. */
const ROLE_LOCK_KEY = 0x76617070; // "vapp"

type AppRole = { name: string; password: string };

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

async function storedRole(c: pg.ClientBase): Promise<AppRole | undefined> {
  const r = await c.query<{ value: string }>(`SELECT value FROM server_secrets WHERE key = $1`, [
    SECRET_KEY,
  ]);
  const v = r.rows[0]?.value;
  return v ? (JSON.parse(v) as AppRole) : undefined;
}

async function grant(c: pg.ClientBase, role: string): Promise<void> {
  const r = quoteIdent(role);
  const db = (await c.query<{ d: string }>('SELECT current_database() AS d')).rows[0]?.d ?? '';
  // One transaction: the role never holds the broad grant without the revocations after it.
  await c.query('BEGIN');
  try {
    await c.query(`GRANT CONNECT ON DATABASE ${quoteIdent(db)} TO ${r}`);
    await c.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    for (const t of APPEND_ONLY_TABLES)
      await c.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${quoteIdent(t)} FROM ${r}`);
    for (const t of READ_ONLY_TABLES)
      await c.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${quoteIdent(t)} FROM ${r}`);
    for (const t of OWNER_ONLY_TABLES) await c.query(`REVOKE ALL ON ${quoteIdent(t)} FROM ${r}`);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * Makes sure the app role exists and holds exactly its grants; returns the URL to serve requests
 * with. Run by the owner after migrations, on every start (new tables get their grants).
 */
export async function ensureAppRole(
  owner: pg.Pool,
  ownerUrl: string,
  appUrl?: string,
): Promise<string> {
  const c = await owner.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [ROLE_LOCK_KEY]);
    if (appUrl) {
      const name = decodeURIComponent(new URL(appUrl).username);
      const self = (await c.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u;
      if (name === self) {
        throw new AppError(
          'CONFIG_INVALID',
          'DATABASE_APP_URL uses the same role as DATABASE_URL; give the app its own role (the audit log must be append-only for it).',
        );
      }
      await grant(c, name);
      return appUrl;
    }
    let role = await storedRole(c);
    if (!role) {
      role = {
        name: `voiceassist_app_${randomBytes(4).toString('hex')}`,
        password: randomBytes(24).toString('base64url'),
      };
      await c.query(`INSERT INTO server_secrets (key, value) VALUES ($1, $2)`, [
        SECRET_KEY,
        JSON.stringify(role),
      ]);
    }
    const exists = await c.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role.name]);
    try {
      const attrs = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
      const sql = exists.rowCount
        ? `ALTER ROLE ${quoteIdent(role.name)} ${attrs} PASSWORD ${quoteLiteral(role.password)}`
        : `CREATE ROLE ${quoteIdent(role.name)} ${attrs} PASSWORD ${quoteLiteral(role.password)}`;
      await c.query(sql);
    } catch (e) {
      if ((e as { code?: string }).code === '42501') {
        throw new AppError(
          'CONFIG_INVALID',
          "DATABASE_URL's role may not create roles. Create a login role for the app (no superuser) and set DATABASE_APP_URL to it.",
          { cause: e },
        );
      }
      throw e;
    }
    await grant(c, role.name);
    return withCredentials(ownerUrl, role.name, role.password);
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [ROLE_LOCK_KEY]).catch(() => undefined);
    c.release();
  }
}

/** The app role's URL for an owner URL (for `db url`); undefined before the first start. */
export async function appRoleUrl(
  owner: pg.ClientBase,
  ownerUrl: string,
): Promise<string | undefined> {
  const exists = await owner.query<{ t: string | null }>(
    `SELECT to_regclass('server_secrets')::text AS t`,
  );
  if (!exists.rows[0]?.t) return undefined;
  const role = await storedRole(owner);
  return role ? withCredentials(ownerUrl, role.name, role.password) : undefined;
}
