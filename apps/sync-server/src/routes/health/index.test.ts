import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { build, TestPostgres } from '../../../test-support/helper.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await TestPostgres.start();
});
afterAll(async () => {
  await server.stop();
});

describe('/health and /ready', () => {
  it('/health reports liveness and version', async () => {
    const app = await build(server);
    try {
      const res = await app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ status: string; version: string; uptimeSeconds: number }>();
      expect(body.status).toBe('ok');
      expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    } finally {
      await app.close();
    }
  });

  it('/ready is 200 against real PostgreSQL once migrations are applied', async () => {
    const app = await build(server);
    try {
      const res = await app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ migrations: { applied: number; pending: number } }>();
      expect(body).toMatchObject({ status: 'ready', database: 'ok' });
      expect(body.migrations.applied).toBeGreaterThan(0);
      expect(body.migrations.pending).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('/ready is 503 with a reason while migrations are pending', async () => {
    const app = await build(server, { migrate: false });
    try {
      const res = await app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        status: 'not_ready',
        error: { code: 'NOT_READY' },
      });
      expect(res.json<{ reason: string }>().reason).toMatch(/migration\(s\) pending/);
    } finally {
      await app.close();
    }
  });

  it('/ready is 503 when the database is unreachable', async () => {
    const app = await build(server);
    await app.db.end(); // the pool is gone: every query fails
    try {
      const res = await app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json<{ reason: string }>().reason).toBe('database unreachable');
    } finally {
      app.db.end = () => Promise.resolve(); // already ended
      await app.close();
    }
  });

  it('unknown routes get a coded 404', async () => {
    const app = await build(server);
    try {
      const res = await app.inject({ method: 'GET', url: '/nope' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    } finally {
      await app.close();
    }
  });
});
