import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { enrolDevice } from '../src/devices/enrol.js';
import { createSession } from '../src/auth/sessions.js';
import type { Role } from '../src/identity/roles.js';

let n = 0;

export type SignedIn = {
  userId: string;
  userName: string;
  deviceId: string;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
};

/**
 * A person with these roles, signed in on a new device: the rows a real sign-in writes and an
 * access token from the server's own issuer (no password or IdP round trip).
 */
export async function signedIn(app: FastifyInstance, roles: readonly Role[]): Promise<SignedIn> {
  const auth = app.auth;
  if (!auth) throw new Error('app built without migrations');
  const name = `person${++n}_${Date.now()}`;
  const u = await app.db.query<{ id: string; auth_version: number }>(
    `INSERT INTO users (name, clinic_id, roles) VALUES ($1, 'default', $2) RETURNING id, auth_version`,
    [name, roles],
  );
  const userId = u.rows[0]?.id ?? '';
  const device = await enrolDevice(app.db, userId, 'test workstation', 'password');
  const s = await createSession(
    app.db,
    { userId, deviceId: device.id, method: 'password', mfa: false },
    3600,
  );
  const accessToken = await auth.tokens.issue({
    userId,
    userName: name,
    clinicId: 'default',
    deviceId: device.id,
    sessionId: s.sessionId,
    roles,
    version: u.rows[0]?.auth_version ?? 1,
  });
  return {
    userId,
    userName: name,
    deviceId: device.id,
    sessionId: s.sessionId,
    accessToken,
    refreshToken: s.refreshToken,
  };
}

/** Runs SQL as the database owner (a superuser in tests): what an intruder with the server's OS account could do. */
export async function asSuperuser<T>(
  app: FastifyInstance,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const c = new pg.Client({ connectionString: app.databaseUrls.owner });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
