/**
 * PHI redaction for logs: every string a log line carries — the message, interpolation arguments,
 * fields of the merging object, child bindings, error messages and stacks — passes through the
 * detector and leaves with identifiers replaced by their type ("[NAME]").
 */
import { PhiError, redactText } from '@voiceassist/phi';

const MAX_DEPTH = 8;
/** Longer strings are not scanned (cost) and never printed. */
const MAX_LOG_STRING = 20_000;

function redactString(s: string): string {
  if (s.length > MAX_LOG_STRING) return `[REDACTED: ${s.length} characters, too long to scan]`;
  try {
    return redactText(s, { maxLength: MAX_LOG_STRING }).text;
  } catch (err) {
    if (err instanceof PhiError) return '[REDACTED]';
    throw err;
  }
}

function redactError(err: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: err.name,
    message: redactString(err.message),
    stack: err.stack === undefined ? undefined : redactString(err.stack),
  };
  for (const [k, v] of Object.entries(err)) out[k] = redactValue(v, depth + 1);
  if (err.cause !== undefined) out.cause = redactValue(err.cause, depth + 1);
  return out;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[REDACTED: nested too deep]';
  if (value instanceof Error) return redactError(value, depth);
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
    return `[binary ${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, depth + 1);
  return out;
}

/** Pure: a copy of `value` with every string run through the PHI detector. */
export function redactLogValue(value: unknown): unknown {
  return redactValue(value, 0);
}

/** Anything pino can write to. */
export interface LogSink {
  write(chunk: string): unknown;
}

/**
 * Wraps pino's destination: each JSON line is parsed, every string in it (message, fields, child
 * bindings, msgPrefix, err.message, err.stack) is run through the detector, and the line is
 * written again. Working on the final line means no pino option or child logger can bypass it.
 */
export function phiRedactingStream(dest: LogSink): LogSink & { write(chunk: string): boolean } {
  return {
    write(chunk: string): boolean {
      const lines = chunk.split('\n');
      const out = lines.map((line) => {
        if (line === '') return line;
        try {
          return JSON.stringify(redactLogValue(JSON.parse(line)));
        } catch {
          return redactString(line); // not JSON (a pretty printer): redact it as text
        }
      });
      dest.write(out.join('\n'));
      return true;
    },
  };
}
