import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { closeOnSignals, startServer } from '../server.js';
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
  const server = await startServer(config, { logger });
  closeOnSignals(server, (m) => logger.info(m));
  io.stdout.write(`listening on ${server.url}\n`);
  return new Promise<number>(() => undefined); // the signal handler exits
};
