import os from 'node:os';
import pg from 'pg';
import { IN_PROGRESS } from './metering.js';

/**
 * Advisory-lock class for server instances (two-key form: its key space never overlaps the
 * one-key locks of migrations). Each running server holds (INSTANCE_LOCK, its id) on a session of
 * its own; PostgreSQL releases it when that session ends — the process exited or was killed — so
 * a free lock means the instance is gone, immediately and without heartbeats or clocks.
 */
const INSTANCE_LOCK = 0x76617369; // "vasi"
/** A killed server's calls are also found by running servers this often (several processes). */
const RECONCILE_EVERY_MS = 60_000;
const RELOCK_AFTER_MS = 1_000;
const UNDEFINED_TABLE = '42P01';

type Log = {
  info: (o: object, m: string) => void;
  warn: (o: object, m: string) => void;
};

/**
 * Marks the calls of server instances that are gone (killed, crashed, lost power) as
 * SERVER_CRASHED, keeping what they had delivered (see Meter.progress). Skips `ownId`, and any
 * instance whose lock is held (it is alive). Returns how many calls it closed.
 */
export async function reconcileCrashed(db: pg.Pool, ownId: number): Promise<number> {
  const r = await db.query<{ instance_id: string }>(
    `SELECT DISTINCT instance_id FROM usage_events
      WHERE outcome = $1 AND instance_id IS NOT NULL AND instance_id <> $2`,
    [IN_PROGRESS, ownId],
  );
  let closed = 0;
  for (const { instance_id: id } of r.rows) {
    const c = await db.connect();
    try {
      await c.query('BEGIN');
      const lock = await c.query<{ free: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1, $2::int) AS free',
        [INSTANCE_LOCK, id],
      );
      if (lock.rows[0]?.free) {
        const u = await c.query<{ request_id: string }>(
          `UPDATE usage_events SET outcome = 'SERVER_CRASHED', ended_at = now()
            WHERE outcome = $1 AND instance_id = $2 RETURNING request_id`,
          [IN_PROGRESS, id],
        );
        await c.query(
          'UPDATE server_instances SET ended_at = coalesce(ended_at, now()) WHERE id = $1',
          [id],
        );
        closed += new Set(u.rows.map((x) => x.request_id)).size;
      }
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }
  return closed;
}

/**
 * This server process as a row in `server_instances`, alive for as long as it holds its lock on
 * a connection of its own (re-taken after a lost connection). Meter rows carry its id.
 */
export class ServerInstance {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    readonly id: number,
    private readonly databaseUrl: string,
    private readonly db: pg.Pool,
    private readonly log: Log,
  ) {
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_EVERY_MS);
    this.timer.unref();
  }

  /** Registers this process, takes its lock, and reconciles what killed servers left behind. */
  static async start(
    databaseUrl: string,
    db: pg.Pool,
    log: Log,
  ): Promise<ServerInstance | undefined> {
    let r;
    try {
      r = await db.query<{ id: string }>(
        'INSERT INTO server_instances (host, pid) VALUES ($1, $2) RETURNING id',
        [os.hostname(), process.pid],
      );
    } catch (e) {
      if ((e as { code?: string }).code !== UNDEFINED_TABLE) throw e;
      // Started without its migrations (not ready, see /ready): calls go unregistered.
      log.warn({ code: 'NOT_READY' }, 'server instance not registered: migrations pending');
      return undefined;
    }
    const instance = new ServerInstance(Number(r.rows[0]?.id), databaseUrl, db, log);
    try {
      await instance.lock();
      await instance.reconcile();
    } catch (e) {
      await instance.close();
      throw e;
    }
    return instance;
  }

  private async lock(): Promise<void> {
    const c = new pg.Client({ connectionString: this.databaseUrl });
    this.client = c;
    let lost = false;
    const onLost = (e?: Error) => {
      if (lost) return;
      lost = true;
      c.end().catch(() => undefined);
      if (this.closed) return;
      this.log.warn({ code: (e as { code?: string } | undefined)?.code }, 'instance lock lost');
      this.retry = setTimeout(() => void this.lock().catch(() => undefined), RELOCK_AFTER_MS);
      this.retry.unref();
    };
    c.on('error', onLost);
    c.on('end', () => onLost());
    try {
      await c.connect();
      await c.query('SELECT pg_advisory_lock($1, $2::int)', [INSTANCE_LOCK, this.id]);
    } catch (e) {
      onLost(e as Error);
      throw e;
    }
  }

  async reconcile(): Promise<void> {
    try {
      const n = await reconcileCrashed(this.db, this.id);
      if (n > 0) this.log.info({ calls: n }, 'calls of a stopped server marked SERVER_CRASHED');
    } catch (e) {
      this.log.warn({ code: (e as { code?: string }).code }, 'crashed-call reconciliation failed');
    }
  }

  /** Releases the lock (the server stops: its calls have been metered by now). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.retry);
    await this.db
      .query('UPDATE server_instances SET ended_at = now() WHERE id = $1', [this.id])
      .catch(() => undefined);
    await this.client?.end().catch(() => undefined);
  }
}
