import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from './app.js';
import type { Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './db/embedded.js';

export type RunningServer = Readonly<{
  app: FastifyInstance;
  url: string;
  embedded: EmbeddedPostgresHandle | undefined;
  close: () => Promise<void>;
}>;

/** Resolves the database (DATABASE_URL or embedded), builds the app and listens. */
export async function startServer(
  config: Config,
  opts: BuildOptions = {},
  /** The embedded PostgreSQL, already starting (the CLI starts it before loading this module). */
  starting?: Promise<EmbeddedPostgresHandle>,
): Promise<RunningServer> {
  let embedded: EmbeddedPostgresHandle | undefined;
  let app: FastifyInstance | undefined;
  try {
    if (starting) embedded = await starting;
    else if (!config.databaseUrl) {
      const log = opts.logger ?? (await import('pino')).pino({ level: config.logLevel });
      embedded = await startEmbeddedPostgres(config.dataDir, {
        info: (m) => log.info(m),
        debug: (m) => log.debug(m),
      });
    }
    app = await buildApp({ ...config, databaseUrl: config.databaseUrl ?? embedded?.url }, opts);
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const running = app;
  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${host}:${port}`,
    embedded,
    close: () =>
      (closing ??= (async () => {
        await running.close(); // drains requests, ends the pool (onClose hooks)
        await embedded?.stop();
      })()),
  };
}

/** SIGINT/SIGTERM: close the app, the pool and the embedded PostgreSQL, then exit 0. */
export function closeOnSignals(server: RunningServer, log: (msg: string) => void): void {
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: shutting down`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
