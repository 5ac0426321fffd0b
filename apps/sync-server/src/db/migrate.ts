import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { AppError } from '../errors.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Any constant works; it only has to be the same in every server that shares a database. */
const ADVISORY_LOCK_KEY = 0x766f6963; // "voic"

export type Migration = Readonly<{ version: number; name: string; sql: string; checksum: string }>;

const FILE = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const out: Migration[] = [];
  for (const f of files) {
    const m = FILE.exec(f);
    if (!m?.[1] || !m[2]) {
      throw new AppError('MIGRATION_FAILED', `Migration file ${f} must be named NNN_name.sql`);
    }
    const sql = await readFile(`${dir}/${f}`, 'utf8');
    out.push({
      version: Number(m[1]),
      name: m[2],
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  const versions = new Set(out.map((x) => x.version));
  if (versions.size !== out.length) {
    throw new AppError('MIGRATION_FAILED', `Two migrations in ${dir} share a number`);
  }
  return out;
}

type AppliedRow = { version: number; name: string; checksum: string };

async function appliedRows(client: pg.ClientBase): Promise<AppliedRow[] | undefined> {
  const exists = await client.query<{ t: string | null }>(
    `SELECT to_regclass('schema_migrations')::text AS t`,
  );
  if (!exists.rows[0]?.t) return undefined;
  const r = await client.query<AppliedRow>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );
  return r.rows;
}

function checkUnchanged(applied: AppliedRow[], migrations: Migration[]): void {
  for (const row of applied) {
    const m = migrations.find((x) => x.version === row.version);
    if (m && m.checksum !== row.checksum) {
      throw new AppError(
        'MIGRATION_CHECKSUM_MISMATCH',
        `Migration ${String(row.version).padStart(3, '0')}_${row.name} was changed after it was applied ` +
          `(checksum ${row.checksum.slice(0, 12)} in the database, ${m.checksum.slice(0, 12)} on disk). ` +
          'Restore the original file and add a new migration instead.',
      );
    }
  }
}

/**
 * Applies pending migrations, each in its own transaction. A session advisory lock serialises
 * concurrent starts: the second server waits, then finds nothing left to do.
 */
export async function runMigrations(
  pool: pg.Pool,
  dir = MIGRATIONS_DIR,
): Promise<{ applied: number[]; total: number }> {
  const migrations = await loadMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = (await appliedRows(client)) ?? [];
    checkUnchanged(done, migrations);
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.some((d) => d.version === m.version)) continue;
      try {
        await client.query('BEGIN');
        await client.query(m.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
          [m.version, m.name, m.checksum],
        );
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new AppError(
          'MIGRATION_FAILED',
          `Migration ${m.version}_${m.name} failed: ${(e as Error).message}`,
          { cause: e },
        );
      }
      applied.push(m.version);
    }
    return { applied, total: migrations.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

export type MigrationStatus = { applied: number; pending: number; mismatched: number };

export async function migrationStatus(
  pool: pg.Pool,
  dir = MIGRATIONS_DIR,
): Promise<MigrationStatus> {
  const migrations = await loadMigrations(dir);
  const client = await pool.connect();
  try {
    const rows = (await appliedRows(client)) ?? [];
    const byVersion = new Map(rows.map((r) => [r.version, r.checksum]));
    let applied = 0;
    let mismatched = 0;
    for (const m of migrations) {
      const c = byVersion.get(m.version);
      if (c === undefined) continue;
      applied++;
      if (c !== m.checksum) mismatched++;
    }
    return { applied, pending: migrations.length - applied, mismatched };
  } finally {
    client.release();
  }
}
