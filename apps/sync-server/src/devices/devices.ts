import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { AppError } from '../errors.js';
import type { Role } from '../config.js';

/** Who is calling: what every gateway route meters, limits and audits against. */
export type Principal = Readonly<{
  deviceId: string;
  userId: string;
  userName: string;
  clinicId: string;
  roles: readonly Role[];
  /** The sign-in session an access token belongs to; absent for a device key. */
  sessionId?: string;
}>;

export type DeviceRow = Readonly<{
  id: string;
  user: string;
  clinic: string;
  keyPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}>;

/** Channel the server LISTENs on so revocation from the CLI closes open sockets at once. */
export const REVOKE_CHANNEL = 'voiceassist_device_revoked';

const KEY_PREFIX = 'vak_';

export const hashKey = (key: string): Buffer => createHash('sha256').update(key).digest();

export async function addDevice(
  db: pg.Pool | pg.ClientBase,
  user: string,
  clinic = 'default',
): Promise<{ id: string; userId: string; key: string }> {
  if (!/^[\w.@-]{1,128}$/.test(user)) {
    throw new AppError(
      'BAD_REQUEST',
      'A user name is 1-128 letters, digits, ".", "@", "_" or "-".',
    );
  }
  await db.query(`INSERT INTO clinics (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING`, [clinic]);
  const u = await db.query<{ id: string; clinic_id: string }>(
    `INSERT INTO users (name, clinic_id) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
     RETURNING id, clinic_id`,
    [user, clinic],
  );
  const userId = u.rows[0]?.id;
  if (!userId) throw new AppError('INTERNAL', 'user upsert returned nothing');
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const d = await db.query<{ id: string }>(
    `INSERT INTO devices (user_id, key_prefix, key_hash) VALUES ($1, $2, $3) RETURNING id`,
    [userId, key.slice(0, KEY_PREFIX.length + 6), hashKey(key)],
  );
  const id = d.rows[0]?.id;
  if (!id) throw new AppError('INTERNAL', 'device insert returned nothing');
  return { id, userId, key };
}

export async function listDevices(db: pg.Pool | pg.ClientBase): Promise<DeviceRow[]> {
  const r = await db.query<{
    id: string;
    user: string;
    clinic: string;
    key_prefix: string;
    created_at: Date;
    last_used_at: Date | null;
    revoked_at: Date | null;
  }>(
    `SELECT d.id, u.name AS user, u.clinic_id AS clinic, d.key_prefix, d.created_at,
            d.last_used_at, d.revoked_at
       FROM devices d JOIN users u ON u.id = d.user_id ORDER BY d.created_at`,
  );
  return r.rows.map((x) => ({
    id: x.id,
    user: x.user,
    clinic: x.clinic,
    keyPrefix: x.key_prefix,
    createdAt: x.created_at,
    lastUsedAt: x.last_used_at,
    revokedAt: x.revoked_at,
  }));
}

/**
 * Marks the device revoked, ends its sign-in sessions, writes the audit row and tells every
 * server listening to drop its connections. `by` names who revoked it (an admin's user id and
 * name, or the command line).
 */
export async function revokeDevice(
  db: pg.Pool | pg.ClientBase,
  id: string,
  by: { userId?: string; name: string; requestId?: string } = { name: 'cli' },
): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('DEVICE_NOT_FOUND', `No device ${id}.`);
  const r = await db.query<{ user_id: string; clinic_id: string }>(
    `UPDATE devices d SET revoked_at = coalesce(d.revoked_at, now()) FROM users u
      WHERE d.id = $1 AND u.id = d.user_id RETURNING d.user_id, u.clinic_id`,
    [id],
  );
  const row = r.rows[0];
  if (!row) throw new AppError('DEVICE_NOT_FOUND', `No device ${id}.`);
  await db.query(
    `UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'device_revoked'
      WHERE device_id = $1 AND revoked_at IS NULL`,
    [id],
  );
  await db.query(
    `INSERT INTO audit_log (action, request_id, user_id, actor, clinic_id, device_id, detail)
     VALUES ('device_revoked', $1, $2, $3, $4, $5, $6)`,
    [by.requestId ?? null, by.userId ?? null, by.name, row.clinic_id, id, { owner: row.user_id }],
  );
  await db.query(`SELECT pg_notify($1, $2)`, [REVOKE_CHANNEL, id]);
}

/** Whether a presented string can be a device key at all (checked before any hashing). */
export const looksLikeKey = (key: string): boolean =>
  key.startsWith(KEY_PREFIX) && key.length <= 200;

/**
 * The principal for a key hash, or undefined when unknown or revoked; `stale` when its
 * `last_used_at` is over a minute old (the caller decides whether to touch it).
 */
export async function lookupKeyHash(
  db: pg.Pool,
  keyHash: Buffer,
): Promise<{ principal: Principal; stale: boolean } | undefined> {
  const r = await db.query<{
    device_id: string;
    user_id: string;
    user_name: string;
    clinic_id: string;
    roles: Role[];
    stale: boolean;
  }>(
    `SELECT d.id AS device_id, u.id AS user_id, u.name AS user_name, u.clinic_id, u.roles,
            (d.last_used_at IS NULL OR d.last_used_at < now() - interval '1 minute') AS stale
       FROM devices d JOIN users u ON u.id = d.user_id
      WHERE d.key_hash = $1 AND d.revoked_at IS NULL AND u.disabled_at IS NULL`,
    [keyHash],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    principal: {
      deviceId: row.device_id,
      userId: row.user_id,
      userName: row.user_name,
      clinicId: row.clinic_id,
      roles: row.roles,
    },
    stale: row.stale,
  };
}

/** Bookkeeping only (`device list`); a failure here must not fail a request. */
export function touchDevice(db: pg.Pool, deviceId: string): void {
  db.query(`UPDATE devices SET last_used_at = now() WHERE id = $1`, [deviceId]).catch(
    () => undefined,
  );
}

/** The principal for a presented key, or undefined when unknown or revoked (uncached). */
export async function principalForKey(db: pg.Pool, key: string): Promise<Principal | undefined> {
  if (!looksLikeKey(key)) return undefined;
  const hit = await lookupKeyHash(db, hashKey(key));
  if (!hit) return undefined;
  if (hit.stale) touchDevice(db, hit.principal.deviceId);
  return hit.principal;
}

/** Of these device ids, the ones revoked (or deleted, or whose user was disabled) since. */
export async function revokedAmong(db: pg.Pool, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await db.query<{ id: string }>(
    `SELECT id FROM unnest($1::uuid[]) AS x(id)
      WHERE NOT EXISTS (SELECT 1 FROM devices d JOIN users u ON u.id = d.user_id
                         WHERE d.id = x.id AND d.revoked_at IS NULL AND u.disabled_at IS NULL)`,
    [ids],
  );
  return r.rows.map((x) => x.id);
}
