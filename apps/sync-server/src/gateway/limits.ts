import type pg from 'pg';
import type { Principal } from '../devices/devices.js';
import { AppError } from '../errors.js';

export type Limits = Readonly<{
  userDailyCostUsd: number | null;
  clinicDailyCostUsd: number | null;
  userRequestsPerMinute: number | null;
  clinicRequestsPerMinute: number | null;
}>;

const CACHE_MS = 2_000;
const WINDOW_MS = 60_000;

/**
 * Per-user and per-clinic limits from the `quotas` table: requests per minute (a sliding window
 * kept in this process) and cost per UTC day (summed from `usage_events`).
 */
export class LimitsService {
  private readonly cache = new Map<string, { at: number; limits: Limits }>();
  private readonly windows = new Map<string, number[]>();

  constructor(
    private readonly db: pg.Pool,
    private readonly now: () => number = Date.now,
  ) {}

  async limitsFor(p: Principal): Promise<Limits> {
    const key = `${p.userId}|${p.clinicId}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < CACHE_MS) return hit.limits;
    const r = await this.db.query<{
      scope: 'user' | 'clinic';
      daily_cost_usd: string | null;
      requests_per_minute: number | null;
    }>(
      `SELECT scope, daily_cost_usd, requests_per_minute FROM quotas
        WHERE (scope = 'user' AND subject = $1) OR (scope = 'clinic' AND subject = $2)`,
      [p.userId, p.clinicId],
    );
    const u = r.rows.find((x) => x.scope === 'user');
    const c = r.rows.find((x) => x.scope === 'clinic');
    const num = (v: string | null | undefined) =>
      v === null || v === undefined ? null : Number(v);
    const limits: Limits = {
      userDailyCostUsd: num(u?.daily_cost_usd),
      clinicDailyCostUsd: num(c?.daily_cost_usd),
      userRequestsPerMinute: u?.requests_per_minute ?? null,
      clinicRequestsPerMinute: c?.requests_per_minute ?? null,
    };
    this.cache.set(key, { at: this.now(), limits });
    return limits;
  }

  /** Counts this request against the rate windows; throws RATE_LIMITED or QUOTA_EXCEEDED. */
  async admit(p: Principal): Promise<void> {
    const l = await this.limitsFor(p);
    this.take(`u:${p.userId}`, l.userRequestsPerMinute, 'user');
    this.take(`c:${p.clinicId}`, l.clinicRequestsPerMinute, 'clinic');
    if (l.userDailyCostUsd === null && l.clinicDailyCostUsd === null) return;
    const r = await this.db.query<{ user_cost: string; clinic_cost: string }>(
      `SELECT coalesce(sum(cost_usd) FILTER (WHERE user_id = $1), 0) AS user_cost,
              coalesce(sum(cost_usd), 0) AS clinic_cost
         FROM usage_events
        WHERE clinic_id = $2 AND at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
      [p.userId, p.clinicId],
    );
    const row = r.rows[0];
    if (l.userDailyCostUsd !== null && Number(row?.user_cost ?? 0) >= l.userDailyCostUsd) {
      throw new AppError(
        'QUOTA_EXCEEDED',
        `The user's daily cost quota ($${l.userDailyCostUsd}) is used up; it resets at 00:00 UTC.`,
      );
    }
    if (l.clinicDailyCostUsd !== null && Number(row?.clinic_cost ?? 0) >= l.clinicDailyCostUsd) {
      throw new AppError(
        'QUOTA_EXCEEDED',
        `The clinic's daily cost quota ($${l.clinicDailyCostUsd}) is used up; it resets at 00:00 UTC.`,
      );
    }
  }

  private take(key: string, perMinute: number | null, who: string): void {
    if (perMinute === null) return;
    const now = this.now();
    const w = (this.windows.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    if (w.length >= perMinute) {
      this.windows.set(key, w);
      const retryS = Math.ceil((WINDOW_MS - (now - (w[0] ?? now))) / 1000);
      throw new AppError(
        'RATE_LIMITED',
        `The ${who} limit of ${perMinute} requests per minute is reached; retry in ${retryS} s.`,
      );
    }
    w.push(now);
    this.windows.set(key, w);
  }
}
