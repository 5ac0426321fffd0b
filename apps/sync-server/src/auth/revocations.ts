import type pg from 'pg';
import { AppError } from '../errors.js';
import type { AccessClaims } from './tokens.js';

/** Channel for ended sessions and changed users (payload `s:ID` or `u:ID:VERSION`). */
export const AUTH_CHANNEL = 'voiceassist_auth_changed';
/**
 * Older revocations cannot matter: no token outlives its 15 minutes (plus skew) and none is
 * issued for a revoked session, device or an older user version.
 */
const WINDOW = "interval '20 minutes'";
/** After this long without a successful poll, every request asks PostgreSQL itself. */
const STALE_AFTER_MS = 2_000;

export type Revoked = 'session' | 'device' | 'user_disabled' | 'user_changed';

/**
 * What every server instance knows about ended sessions, revoked devices and changed users
 * within the access tokens' lifetime. Fed by NOTIFY (milliseconds) and by a poll of the tables
 * (every 0.5 s; it also catches changes written with plain SQL), so a check per request is a few
 * Map lookups. When the poll has not succeeded for 2 s the state is not trusted and the check
 * asks PostgreSQL.
 */
export class RevocationState {
  private sessions = new Set<string>();
  private devices = new Set<string>();
  /** user id → current auth_version (only users changed within the window). */
  private users = new Map<string, { version: number; disabled: boolean }>();
  private lastPoll = 0;
  /** Notifications newer than the poll in flight: a poll that started before them must keep them. */
  private recent: { at: number; apply: () => void }[] = [];

  constructor(
    private readonly db: pg.Pool,
    private readonly now: () => number = Date.now,
  ) {}

  async poll(): Promise<void> {
    const started = this.now();
    const r = await this.db.query<{ k: string; id: string; v: number | null; off: boolean | null }>(
      `SELECT 's' AS k, id::text, NULL::int AS v, NULL::boolean AS off FROM auth_sessions
        WHERE revoked_at > now() - ${WINDOW}
       UNION ALL
       SELECT 'd', id::text, NULL, NULL FROM devices WHERE revoked_at > now() - ${WINDOW}
       UNION ALL
       SELECT 'u', id::text, auth_version, disabled_at IS NOT NULL FROM users
        WHERE auth_changed_at > now() - ${WINDOW}`,
    );
    const sessions = new Set<string>();
    const devices = new Set<string>();
    const users = new Map<string, { version: number; disabled: boolean }>();
    for (const x of r.rows) {
      if (x.k === 's') sessions.add(x.id);
      else if (x.k === 'd') devices.add(x.id);
      else users.set(x.id, { version: x.v ?? 0, disabled: x.off ?? false });
    }
    this.sessions = sessions;
    this.devices = devices;
    this.users = users;
    this.recent = this.recent.filter((n) => n.at >= started - STALE_AFTER_MS);
    for (const n of this.recent) n.apply();
    this.lastPoll = this.now();
  }

  private note(apply: () => void): void {
    apply();
    this.recent.push({ at: this.now(), apply });
  }

  /** Applied at once from NOTIFY; the next poll confirms. */
  sessionRevoked(id: string): void {
    this.note(() => this.sessions.add(id));
  }
  deviceRevoked(id: string): void {
    this.note(() => this.devices.add(id));
  }
  userChanged(id: string, version: number, disabled: boolean): void {
    this.note(() => {
      const cur = this.users.get(id);
      if (!cur || cur.version <= version) this.users.set(id, { version, disabled });
    });
  }

  get fresh(): boolean {
    return this.now() - this.lastPoll < STALE_AFTER_MS;
  }

  /** Why these claims no longer hold, or undefined. */
  async check(c: AccessClaims): Promise<Revoked | undefined> {
    if (!this.fresh) return this.checkInDatabase(c);
    // A revoked device ended its sessions too: say device, which tells the person what to do.
    if (this.devices.has(c.deviceId)) return 'device';
    if (this.sessions.has(c.sessionId)) return 'session';
    const u = this.users.get(c.userId);
    if (u?.disabled) return 'user_disabled';
    if (u && u.version > c.version) return 'user_changed';
    return undefined;
  }

  private async checkInDatabase(c: AccessClaims): Promise<Revoked | undefined> {
    const r = await this.db.query<{
      s: boolean | null;
      d: boolean | null;
      v: number | null;
      off: boolean | null;
    }>(
      `SELECT (SELECT revoked_at IS NOT NULL FROM auth_sessions WHERE id = $1) AS s,
              (SELECT revoked_at IS NOT NULL FROM devices WHERE id = $2) AS d,
              u.auth_version AS v, u.disabled_at IS NOT NULL AS off
         FROM users u WHERE u.id = $3`,
      [c.sessionId, c.deviceId, c.userId],
    );
    const row = r.rows[0];
    if (row?.d === true) return 'device';
    if (row?.s !== false) return 'session'; // unknown session, or ended
    if (row.d !== false) return 'device';
    if (row.off) return 'user_disabled';
    if ((row.v ?? 0) > c.version) return 'user_changed';
    return undefined;
  }

  /** Every session, device and user known as revoked now (for closing open connections). */
  snapshot(): { sessions: ReadonlySet<string>; devices: ReadonlySet<string> } {
    return { sessions: this.sessions, devices: this.devices };
  }
}

export function revokedError(why: Revoked): AppError {
  switch (why) {
    case 'session':
    case 'user_disabled':
      return new AppError('AUTH_SESSION_REVOKED');
    case 'device':
      return new AppError('AUTH_DEVICE_REVOKED');
    case 'user_changed':
      return new AppError('AUTH_TOKEN_STALE');
  }
}

/** Tells every server instance that a session ended (after the change is committed). */
export async function notifySessionRevoked(
  db: pg.Pool | pg.ClientBase,
  sessionIds: readonly string[],
): Promise<void> {
  for (const id of sessionIds)
    await db.query('SELECT pg_notify($1, $2)', [AUTH_CHANNEL, `s:${id}`]);
}

export async function notifyUserChanged(
  db: pg.Pool | pg.ClientBase,
  userId: string,
  version: number,
  disabled: boolean,
): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [
    AUTH_CHANNEL,
    `u:${userId}:${version}:${disabled ? 1 : 0}`,
  ]);
}
