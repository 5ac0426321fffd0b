import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { IdpIdentity } from '../auth/oidc.js';
import type { Role } from './roles.js';

const NAME = /^[\w.@-]{1,128}$/;

export type OidcUserResult = Readonly<{
  userId: string;
  created: boolean;
  /** Set when the IdP's groups gave different roles than last time. */
  rolesChanged: { before: readonly Role[]; after: readonly Role[] } | undefined;
}>;

/** A user name for a new IdP identity: its preferred_username when free, else made unique. */
function nameFor(id: IdpIdentity, attempt: number): string {
  const base = (id.preferredUsername ?? id.email ?? 'user').replace(/[^\w.@-]/g, '_').slice(0, 100);
  if (attempt === 0 && NAME.test(base)) return base;
  const tag = createHash('sha256').update(`${id.issuer} ${id.subject}`).digest('hex');
  return `${base}.${tag.slice(0, 6 + attempt)}`;
}

/**
 * Finds or creates the user for an IdP identity (matched by issuer and subject, never by name:
 * a local account named like an IdP user is not taken over) and applies the roles its groups map
 * to. A change of roles bumps the user's auth version, so older access tokens turn stale.
 */
export async function upsertOidcUser(
  db: pg.Pool,
  id: IdpIdentity,
  roles: readonly Role[],
  clinic: string,
): Promise<OidcUserResult> {
  const found = await db.query<{ id: string; roles: Role[] }>(
    `SELECT id, roles FROM users WHERE idp_issuer = $1 AND idp_subject = $2`,
    [id.issuer, id.subject],
  );
  const row = found.rows[0];
  const sorted = [...roles].sort();
  if (row) {
    const same =
      row.roles.length === sorted.length && [...row.roles].sort().every((r, i) => r === sorted[i]);
    await db.query(
      `UPDATE users SET email = $2, display_name = $3, roles = $4,
              auth_version = auth_version + $5, auth_changed_at = CASE WHEN $5 = 1 THEN now() ELSE auth_changed_at END
        WHERE id = $1`,
      [row.id, id.email ?? null, id.name ?? null, sorted, same ? 0 : 1],
    );
    return {
      userId: row.id,
      created: false,
      rolesChanged: same ? undefined : { before: row.roles, after: sorted },
    };
  }
  await db.query(`INSERT INTO clinics (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [clinic]);
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await db.query<{ id: string }>(
        `INSERT INTO users (name, clinic_id, roles, email, display_name, idp_issuer, idp_subject)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          nameFor(id, attempt),
          clinic,
          sorted,
          id.email ?? null,
          id.name ?? null,
          id.issuer,
          id.subject,
        ],
      );
      return { userId: r.rows[0]?.id ?? '', created: true, rolesChanged: undefined };
    } catch (e) {
      const c = (e as { code?: string; constraint?: string }).constraint;
      // Two first sign-ins of one identity at once: the other created it.
      if (c === 'users_idp') return upsertOidcUser(db, id, roles, clinic);
      if (c !== 'users_name_key' || attempt >= 5) throw e;
    }
  }
}
