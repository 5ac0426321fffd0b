import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { TestPostgres } from '../../test-support/helper.js';
import { loadMigrations, migrationStatus, runMigrations } from './migrate.js';
import { AppError } from '../errors.js';

let server: TestPostgres;
let dir: string;

beforeAll(async () => {
  server = await TestPostgres.start();
  dir = await mkdtemp(path.join(os.tmpdir(), 'vas-mig-'));
  // No IF NOT EXISTS: applying any of these twice fails loudly. The sleep widens the race window.
  await writeFile(path.join(dir, '001_a.sql'), 'CREATE TABLE a (id int); SELECT pg_sleep(0.2);');
  await writeFile(path.join(dir, '002_b.sql'), 'CREATE TABLE b (id int);');
  await writeFile(path.join(dir, '003_c.sql'), 'INSERT INTO a VALUES (1);');
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

async function withPool<T>(fn: (p: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: await server.createDatabase(), max: 10 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

describe('runMigrations', () => {
  it('applies every migration once and is a no-op the second time', async () => {
    await withPool(async (pool) => {
      expect(await migrationStatus(pool, dir)).toEqual({ applied: 0, pending: 3, mismatched: 0 });
      expect((await runMigrations(pool, dir)).applied).toEqual([1, 2, 3]);
      expect((await runMigrations(pool, dir)).applied).toEqual([]);
      expect(await migrationStatus(pool, dir)).toEqual({ applied: 3, pending: 0, mismatched: 0 });
      const rows = await pool.query('SELECT count(*)::int AS n FROM a');
      expect(rows.rows[0]).toEqual({ n: 1 });
    });
  });

  it('applies each migration exactly once under concurrent runs on an empty database', async () => {
    await withPool(async (pool) => {
      const runs = await Promise.all([1, 2, 3, 4].map(() => runMigrations(pool, dir)));
      expect(runs.flatMap((r) => r.applied).sort()).toEqual([1, 2, 3]);
      const r = await pool.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(r.rows.map((x) => x.version)).toEqual([1, 2, 3]);
    });
  });

  it('refuses to continue when an applied migration was edited', async () => {
    const edited = await mkdtemp(path.join(os.tmpdir(), 'vas-mig-'));
    try {
      await writeFile(path.join(edited, '001_a.sql'), 'CREATE TABLE a (id int);');
      await withPool(async (pool) => {
        await runMigrations(pool, edited);
        await writeFile(path.join(edited, '001_a.sql'), 'CREATE TABLE a (id bigint);');
        const err = await runMigrations(pool, edited).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('MIGRATION_CHECKSUM_MISMATCH');
        expect((err as AppError).message).toContain('001_a');
        expect((await migrationStatus(pool, edited)).mismatched).toBe(1);
      });
    } finally {
      await rm(edited, { recursive: true, force: true });
    }
  });

  it('rolls back a failing migration and reports which one', async () => {
    const bad = await mkdtemp(path.join(os.tmpdir(), 'vas-mig-'));
    try {
      await writeFile(path.join(bad, '001_ok.sql'), 'CREATE TABLE ok (id int);');
      await writeFile(path.join(bad, '002_bad.sql'), 'CREATE TABLE half (id int); SELEC 1;');
      await withPool(async (pool) => {
        const err = await runMigrations(pool, bad).catch((e: unknown) => e);
        expect((err as AppError).code).toBe('MIGRATION_FAILED');
        expect((err as AppError).message).toContain('2_bad');
        const half = await pool.query(`SELECT to_regclass('half') AS t`);
        expect(half.rows[0]).toEqual({ t: null });
        expect(await migrationStatus(pool, bad)).toEqual({ applied: 1, pending: 1, mismatched: 0 });
      });
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('ships numbered migrations', async () => {
    const shipped = await loadMigrations();
    expect(shipped.length).toBeGreaterThan(0);
    // Numbers are unique and ascending from 001; parallel work streams own ranges (001-009 the
    // gateway, 010-019 identity), so a range may have unused numbers.
    const versions = shipped.map((m) => m.version);
    expect(versions[0]).toBe(1);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
  });
});
