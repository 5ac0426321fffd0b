import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { startEmbeddedPostgres } from '../db/embedded.js';
import { parse, type Command } from './command.js';

export const flagsToEnv = (values: Record<string, unknown>) => {
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    PORT: s(values.port),
    HOST: s(values.host),
    VOICEASSIST_DATA_DIR: s(values['data-dir']),
  };
};

/** `start`: prints `listening on http://HOST:PORT` once ready; runs until SIGINT/SIGTERM. */
export const start: Command = async (args, io) => {
  const { values } = parse(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const config = loadConfig(io.env, flagsToEnv(values));
  // Logs are JSON on stderr; stdout carries only the line scripts wait for.
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  // The embedded PostgreSQL boots in its own process while this one loads the HTTP stack and
  // the provider SDKs (seconds of module loading): ready sooner after every start.
  const embedded = config.databaseUrl
    ? undefined
    : startEmbeddedPostgres(config.dataDir, {
        info: (m) => logger.info(m),
        debug: (m) => logger.debug(m),
      });
  embedded?.catch(() => undefined); // awaited by startServer, which reports its failure
  const { closeOnSignals, startServer } = await import('../server.js');
  const server = await startServer(config, { logger }, embedded);
  closeOnSignals(server, (m) => logger.info(m));
  io.stdout.write(`listening on ${server.url}\n`);
  return new Promise<number>(() => undefined); // the signal handler exits
};
