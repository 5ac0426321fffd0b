/**
 * The slice of a pino logger the embedder uses (`info(fields, msg)`), so the sidecar's pino logger
 * can be passed straight in. Fields never carry document text.
 */
export interface EmbedLogger {
  info(fields: Readonly<Record<string, unknown>>, msg: string): void;
  warn(fields: Readonly<Record<string, unknown>>, msg: string): void;
}

/** One JSON line per event on stderr: stdout stays clean for the CLI's JSON output. */
export const stderrLogger: EmbedLogger = {
  info: (fields, msg) => writeLine('info', fields, msg),
  warn: (fields, msg) => writeLine('warn', fields, msg),
};

export const silentLogger: EmbedLogger = { info: () => undefined, warn: () => undefined };

function writeLine(level: string, fields: Readonly<Record<string, unknown>>, msg: string): void {
  process.stderr.write(`${JSON.stringify({ level, component: 'embed', msg, ...fields })}\n`);
}
