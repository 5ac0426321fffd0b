import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import type {} from '../src/plugins/external/db.js'; // app.db's type
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/db/embedded.js';

export const quietLogger = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** One real PostgreSQL per test file (in a temp folder); each test takes its own database. */
export class TestPostgres {
  private constructor(
    private readonly handle: EmbeddedPostgresHandle,
    private readonly dir: string,
  ) {}

  static async start(): Promise<TestPostgres> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vas-pg-'));
    const log = quietLogger();
    const handle = await startEmbeddedPostgres(dir, {
      info: (m) => log.info(m),
      debug: (m) => log.debug(m),
    });
    return new TestPostgres(handle, dir);
  }

  get pid(): number | undefined {
    return this.handle.pid;
  }

  /** A fresh, empty database; returns its URL. */
  async createDatabase(): Promise<string> {
    const name = `t_${randomBytes(6).toString('hex')}`;
    const c = new pg.Client({ connectionString: this.handle.url });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE ${name}`);
    } finally {
      await c.end();
    }
    return this.handle.url.replace(/\/postgres$/, `/${name}`);
  }

  async stop(): Promise<void> {
    await this.handle.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function testConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  return {
    ...loadConfig({ LOG_LEVEL: 'silent', VOICEASSIST_DATA_DIR: os.tmpdir(), ...env }),
    databaseUrl,
  };
}

/** An app on a fresh database, for `app.inject` tests. Close it in the test (or use `using`). */
export async function build(
  pgServer: TestPostgres,
  opts: BuildOptions & { env?: Record<string, string> } = {},
): Promise<FastifyInstance> {
  const url = await pgServer.createDatabase();
  const app = await buildApp(testConfig(url, opts.env), { logger: quietLogger(), ...opts });
  await app.ready();
  return app;
}
