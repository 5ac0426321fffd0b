import type pg from 'pg';
import type { Principal } from '../devices/devices.js';
import { AppError } from '../errors.js';

export type Limits = Readonly<{
  userDailyCostUsd: number | null;
  clinicDailyCostUsd: number | null;
  userRequestsPerMinute: number | null;
  clinicRequestsPerMinute: number | null;
}>;

/** Quota rows are re-read this often (a changed quota applies within about this long). */
const LIMITS_FRESH_MS = 2_000;
/** Today's spend is re-read from PostgreSQL this often (other servers' usage shows up then). */
const SPEND_FRESH_MS = 5_000;
const WINDOW_MS = 60_000;

type Spend = { day: string; usd: number; at: number; refreshing: boolean };

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Per-user and per-clinic limits from the `quotas` table: requests per minute (a sliding window
 * kept in this process) and cost per UTC day. The hot path answers from memory: quota rows and
 * today's spend are loaded once, refreshed in the background, and the spend grows at once by what
 * this process meters (`addSpend`), so a request costs no PostgreSQL round trip once warm.
 */
export class LimitsService {
  private readonly cache = new Map<string, { at: number; limits: Limits; refreshing: boolean }>();
  private readonly windows = new Map<string, number[]>();
  private readonly spend = new Map<string, Spend>();
  private readonly loadingLimits = new Map<string, Promise<Limits>>();
  private readonly loadingSpend = new Map<string, Promise<Spend>>();

  constructor(
    private readonly db: pg.Pool,
    private readonly now: () => number = Date.now,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  /** One query per key at a time: a burst of first requests shares it. */
  private loadLimits(p: Principal): Promise<Limits> {
    const key = `${p.userId}|${p.clinicId}`;
    let pending = this.loadingLimits.get(key);
    if (!pending) {
      pending = this.queryLimits(p).finally(() => this.loadingLimits.delete(key));
      this.loadingLimits.set(key, pending);
    }
    return pending;
  }

  private async queryLimits(p: Principal): Promise<Limits> {
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
    this.cache.set(`${p.userId}|${p.clinicId}`, { at: this.now(), limits, refreshing: false });
    return limits;
  }

  /** The limits, from memory when known (a stale entry is served while it is re-read). */
  async limitsFor(p: Principal): Promise<Limits> {
    const hit = this.cache.get(`${p.userId}|${p.clinicId}`);
    if (!hit) return this.loadLimits(p);
    if (this.now() - hit.at >= LIMITS_FRESH_MS && !hit.refreshing) {
      hit.refreshing = true;
      this.loadLimits(p).catch((e: unknown) => {
        hit.refreshing = false;
        this.onError(e);
      });
    }
    return hit.limits;
  }

  private loadSpend(
    key: string,
    day: string,
    scope: 'user' | 'clinic',
    subject: string,
  ): Promise<Spend> {
    let pending = this.loadingSpend.get(key);
    if (!pending) {
      pending = this.querySpend(key, day, scope, subject).finally(() =>
        this.loadingSpend.delete(key),
      );
      this.loadingSpend.set(key, pending);
    }
    return pending;
  }

  private async querySpend(key: string, day: string, scope: 'user' | 'clinic', subject: string) {
    const r = await this.db.query<{ usd: string }>(
      `SELECT coalesce(sum(cost_usd), 0) AS usd FROM usage_events
        WHERE ${scope === 'user' ? 'user_id = $1::uuid' : 'clinic_id = $1'}
          AND at >= $2::timestamp AT TIME ZONE 'UTC'`,
      [subject, day],
    );
    const usd = Number(r.rows[0]?.usd ?? 0);
    const cur = this.spend.get(key);
    // Never below what this process has already counted (its rows may still be in the batch).
    const merged = cur?.day === day ? Math.max(cur.usd, usd) : usd;
    const s: Spend = { day, usd: merged, at: this.now(), refreshing: false };
    this.spend.set(key, s);
    return s;
  }

  private async spent(scope: 'user' | 'clinic', subject: string): Promise<number> {
    const key = `${scope}:${subject}`;
    const day = utcDay(this.now());
    const s = this.spend.get(key);
    if (s?.day !== day) return (await this.loadSpend(key, day, scope, subject)).usd;
    if (this.now() - s.at >= SPEND_FRESH_MS && !s.refreshing) {
      s.refreshing = true;
      this.loadSpend(key, day, scope, subject).catch((e: unknown) => {
        s.refreshing = false;
        this.onError(e);
      });
    }
    return s.usd;
  }

  /** What this process just metered, counted at once (the row itself is written in a batch). */
  addSpend(p: Principal, usd: number): void {
    if (!(usd > 0)) return;
    const day = utcDay(this.now());
    for (const key of [`user:${p.userId}`, `clinic:${p.clinicId}`]) {
      const s = this.spend.get(key);
      if (s?.day === day) s.usd += usd;
    }
  }

  /** Counts this request against the rate windows; throws RATE_LIMITED or QUOTA_EXCEEDED. */
  async admit(p: Principal): Promise<void> {
    const l = await this.limitsFor(p);
    this.take(`u:${p.userId}`, l.userRequestsPerMinute, 'user');
    this.take(`c:${p.clinicId}`, l.clinicRequestsPerMinute, 'clinic');
    if (l.userDailyCostUsd !== null && (await this.spent('user', p.userId)) >= l.userDailyCostUsd) {
      throw new AppError(
        'QUOTA_EXCEEDED',
        `The user's daily cost quota ($${l.userDailyCostUsd}) is used up; it resets at 00:00 UTC.`,
      );
    }
    if (
      l.clinicDailyCostUsd !== null &&
      (await this.spent('clinic', p.clinicId)) >= l.clinicDailyCostUsd
    ) {
      throw new AppError(
        'QUOTA_EXCEEDED',
        `The clinic's daily cost quota ($${l.clinicDailyCostUsd}) is used up; it resets at 00:00 UTC.`,
      );
    }
  }

  private take(key: string, perMinute: number | null, who: string): void {
    if (perMinute === null) return;
    const now = this.now();
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = []));
    let expired = 0;
    while (expired < w.length && now - (w[expired] ?? now) >= WINDOW_MS) expired++;
    if (expired > 0) w.splice(0, expired);
    if (w.length >= perMinute) {
      const retryS = Math.ceil((WINDOW_MS - (now - (w[0] ?? now))) / 1000);
      throw new AppError(
        'RATE_LIMITED',
        `The ${who} limit of ${perMinute} requests per minute is reached; retry in ${retryS} s.`,
      );
    }
    w.push(now);
  }
}
