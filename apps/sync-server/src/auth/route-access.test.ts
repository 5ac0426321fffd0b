import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { build, TestPostgres } from '../../test-support/helper.js';
import { signedIn } from '../../test/auth.js';
import { addDevice } from '../devices/devices.js';
import { ROLES, type Role } from '../identity/roles.js';
import { accessFor, ROUTE_ACCESS } from './route-access.js';

let server: TestPostgres;
let app: FastifyInstance;
beforeAll(async () => {
  server = await TestPostgres.start();
  app = await build(server);
});
afterAll(async () => {
  await app.close();
  await server.stop();
});

/** The routes Fastify registered (HEAD twins of GET routes share their GET entry). */
const routes = () =>
  app.registeredRoutes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');

const fill = (url: string) => url.replace(/:id\b/g, randomUUID()).replace(/:requestId\b/g, 'x');

type Outcome = { status: number; code: string | undefined };

async function call(method: string, url: string, token?: string): Promise<Outcome> {
  const res = await app.inject({
    method: method as 'GET',
    url: fill(url),
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(method === 'GET' ? {} : { payload: {} }),
  });
  let code: string | undefined;
  try {
    code = res.json<{ error?: { code?: string } }>().error?.code;
  } catch {
    code = undefined; // not JSON (e.g. the WebSocket route's plain 404 without an upgrade)
  }
  return { status: res.statusCode, code };
}

describe('route × role matrix (generated from the routes Fastify registered)', () => {
  it('every registered route is in ROUTE_ACCESS, and every entry is a registered route', () => {
    const registered = routes().map((r) => `${r.method} ${r.url}`);
    expect(registered.length).toBeGreaterThan(20);
    expect(registered.filter((r) => !(r in ROUTE_ACCESS))).toEqual([]);
    expect(Object.keys(ROUTE_ACCESS).filter((k) => !registered.includes(k))).toEqual([]);
    for (const r of app.registeredRoutes) expect(accessFor(r.method, r.url), r.url).toBeDefined();
  });

  it('each route answers each role as the table says, and anonymous callers get AUTH_REQUIRED', async () => {
    const rows: string[] = [];
    for (const { method, url } of routes()) {
      const access = ROUTE_ACCESS[`${method} ${url}`];
      const anon = await call(method, url);
      if (access === 'public') {
        expect(anon.code, `${method} ${url} anonymous`).not.toBe('FORBIDDEN');
      } else {
        expect(anon, `${method} ${url} anonymous`).toEqual({ status: 401, code: 'AUTH_REQUIRED' });
      }
      for (const role of ROLES) {
        // A fresh person per call: some routes end or change the caller's session.
        const { accessToken } = await signedIn(app, [role]);
        const got = await call(method, url, accessToken);
        const allowed = access === 'public' || access?.includes(role) === true;
        if (allowed) {
          expect(got.status, `${method} ${url} as ${role}: ${JSON.stringify(got)}`).not.toBe(401);
          expect(got.code, `${method} ${url} as ${role}`).not.toBe('FORBIDDEN');
        } else {
          expect(got, `${method} ${url} as ${role}`).toEqual({ status: 403, code: 'FORBIDDEN' });
        }
        rows.push(`${method} ${url} ${role} ${allowed ? 'allowed' : 'forbidden'} ${got.status}`);
      }
    }
    expect(rows.length).toBe(routes().length * ROLES.length);
  });

  it('a person with several roles reaches the union; with none, nothing but public routes', async () => {
    const both = await signedIn(app, ['clinician', 'auditor']);
    expect((await call('GET', '/v1/audit/verify', both.accessToken)).status).toBe(200);
    expect((await call('GET', '/v1/usage', both.accessToken)).status).toBe(200);
    const none = await signedIn(app, [] as Role[]);
    expect(await call('GET', '/v1/usage', none.accessToken)).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
    expect(await call('GET', '/v1/auth/me', none.accessToken)).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
  });

  it("an admin-issued device key acts with its user's roles (clinician by default)", async () => {
    const d = await addDevice(app.db, `headless_${Date.now()}`);
    expect((await call('GET', '/v1/usage', d.key)).status).toBe(200);
    expect(await call('GET', '/v1/admin/users', d.key)).toEqual({ status: 403, code: 'FORBIDDEN' });
  });
});
