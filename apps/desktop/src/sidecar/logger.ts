import { pino, type Logger } from 'pino';
import { phiRedactingStream } from './egress/log-redaction.js';

/**
 * Logs go to stderr as JSON lines: stdout is reserved for the one "ready" line a launcher parses.
 * Never log message contents, transcripts or error messages that may quote them (PHI); as a second
 * line of defence every string is run through the PHI detector before it is written (egress/).
 */
export function createLogger(
  name: string,
  level = process.env.VOICEASSIST_LOG_LEVEL ?? 'info',
): Logger {
  return pino(
    { name, level, base: { pid: process.pid } },
    phiRedactingStream(pino.destination({ fd: 2, sync: true })),
  );
}

export type { Logger };
