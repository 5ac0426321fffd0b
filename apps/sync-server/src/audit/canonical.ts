import { createHash } from 'node:crypto';

/**
 * One audit row as PostgreSQL renders its columns to text (`id::text`, `user_id::text`,
 * `detail::text`, `at` as ISO-8601 UTC with milliseconds). The chain is defined over these
 * strings, so the verifier needs no JSON or timestamp re-serialisation of its own.
 */
export type CanonicalRow = Readonly<{
  id: string;
  at: string;
  action: string;
  outcome: string;
  requestId: string | null;
  userId: string | null;
  actor: string | null;
  clinicId: string | null;
  deviceId: string | null;
  provider: string | null;
  detail: string;
}>;

/** The hash before the first row. */
export const GENESIS_HASH = Buffer.alloc(32);

const field = (v: string | null): string =>
  v === null ? '-' : `${Buffer.byteLength(v, 'utf8')}:${v}`;

/** Same as the SQL function audit_canonical (migration 011). */
export function canonical(r: CanonicalRow): string {
  return (
    'v1' +
    field(r.id) +
    field(r.at) +
    field(r.action) +
    field(r.outcome) +
    field(r.requestId) +
    field(r.userId) +
    field(r.actor) +
    field(r.clinicId) +
    field(r.deviceId) +
    field(r.provider) +
    field(r.detail)
  );
}

/** sha256(prev_hash || canonical(row)). */
export function chainHash(prev: Buffer, r: CanonicalRow): Buffer {
  return createHash('sha256').update(prev).update(canonical(r), 'utf8').digest();
}

/** The SELECT list that renders a row the way `canonical` expects. */
export const CANONICAL_COLUMNS = `id::text AS id,
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
  action, outcome, request_id AS "requestId", user_id::text AS "userId", actor,
  clinic_id AS "clinicId", device_id::text AS "deviceId", provider, detail::text AS detail,
  prev_hash AS "prevHash", hash`;
