import type pg from 'pg';

/**
 * Fixed-window counters in PostgreSQL (table `rate_limits`, unlogged), so a limit holds across
 * every server instance sharing the database: one upsert per counted request.
 */
export class RateCounter {
  constructor(private readonly db: pg.Pool) {}

  async hit(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
    const r = await this.db.query<{ count: number; ttl: number }>(
      `INSERT INTO rate_limits AS r (key, count, window_end)
       VALUES ($1, 1, now() + make_interval(secs => $2::float8 / 1000))
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN r.window_end <= now() THEN 1 ELSE r.count + 1 END,
         window_end = CASE WHEN r.window_end <= now() THEN EXCLUDED.window_end ELSE r.window_end END
       RETURNING count, greatest(0, ceil(extract(epoch FROM window_end - now()) * 1000))::int AS ttl`,
      [key, windowMs],
    );
    const row = r.rows[0];
    return { count: row?.count ?? 1, ttlMs: row?.ttl ?? windowMs };
  }

  /** Drops windows that ended (housekeeping; a stale row is reset by the next hit anyway). */
  async sweep(): Promise<void> {
    await this.db.query(`DELETE FROM rate_limits WHERE window_end < now() - interval '1 minute'`);
  }
}

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;
type TimeWindow = number | ((...args: unknown[]) => number);

/**
 * A `store` for @fastify/rate-limit backed by RateCounter. Each route gets its own prefix (its
 * method and URL), so a route's limit counts only that route's requests.
 */
export function pgRateLimitStore(counter: RateCounter) {
  return class PgRateLimitStore {
    constructor(
      _params?: unknown,
      readonly prefix = 'global',
    ) {}

    incr(key: string, cb: Callback, timeWindow: TimeWindow): void {
      const windowMs = typeof timeWindow === 'number' ? timeWindow : 60_000;
      counter.hit(`${this.prefix}|${key}`, windowMs).then(
        (r) => cb(null, { current: r.count, ttl: r.ttlMs }),
        (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
      );
    }

    // The plugin passes its merged settings with `routeInfo` (its typings say RouteOptions).
    child(routeOptions: object): PgRateLimitStore {
      const info = (routeOptions as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
      const m = info?.method;
      const u = info?.url;
      return new PgRateLimitStore(
        undefined,
        `${Array.isArray(m) ? m.join(',') : String(m)} ${String(u)}`,
      );
    }
  };
}
