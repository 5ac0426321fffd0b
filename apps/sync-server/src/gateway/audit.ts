import type pg from 'pg';
import type { Principal } from '../devices/devices.js';

/** Append-only audit rows. `detail` carries counts and codes only, never request content. */
export async function audit(
  db: pg.Pool,
  action: string,
  p: Principal | null,
  provider: string | null,
  detail: Record<string, unknown>,
): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (action, user_id, clinic_id, device_id, provider, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      action,
      p?.userId ?? null,
      p?.clinicId ?? null,
      p?.deviceId ?? null,
      provider,
      JSON.stringify(detail),
    ],
  );
}
