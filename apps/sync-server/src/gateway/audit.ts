import type pg from 'pg';
import type { Principal } from '../devices/devices.js';

/**
 * Appends to the hash-chained audit log (the chain is built by the database, migration 011).
 * `detail` carries counts and codes only, never request content.
 */
export async function audit(
  db: pg.Pool,
  action: string,
  p: Principal | null,
  provider: string | null,
  detail: Record<string, unknown>,
): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (action, outcome, request_id, user_id, actor, clinic_id, device_id,
                            provider, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      action,
      action === 'phi_blocked' ? 'PHI_BLOCKED' : 'ok',
      typeof detail.requestId === 'string' ? detail.requestId : null,
      p?.userId ?? null,
      p?.userName ?? null,
      p?.clinicId ?? null,
      p?.deviceId ?? null,
      provider,
      JSON.stringify(detail),
    ],
  );
}
