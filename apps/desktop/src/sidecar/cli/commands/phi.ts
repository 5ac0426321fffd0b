import { PHI_MODES, PhiError, redactText, type PhiMode, type PhiSpan } from '@voiceassist/phi';
import { EXIT_OK, parseCommandArgs, readAll, UsageError, writeLine, type Command } from '../io.js';

const USAGE = `usage: voiceassist phi redact [--mode strict|balanced] [--json | --jsonl]

Finds protected health information on this machine (nothing is sent anywhere) and prints the
text with each identifier replaced by its type, e.g. "[NAME]", "[DATE]".

  (default)  read text on stdin, print the redacted text
  --json     print {"text": redacted, "spans": [{"start","end","type"}]}; offsets index the INPUT
  --jsonl    read lines {"id","text"} on stdin, write lines {"id","text","spans"} (text redacted)
  --mode     strict (default: what the egress guard uses, recall first) or balanced (display
             redaction: keeps more clinical prose, still every pattern-shaped identifier)

exit codes: 0 done, 1 bad input (not JSON, missing "text", too large), 2 wrong usage`;

const spansOut = (spans: readonly PhiSpan[]): { start: number; end: number; type: string }[] =>
  spans.map((s) => ({ start: s.start, end: s.end, type: s.type }));

function redact(text: string, mode: PhiMode): ReturnType<typeof redactText> {
  try {
    return redactText(text, { mode });
  } catch (err) {
    if (err instanceof PhiError) throw new Error(`${err.code}: ${err.message}`, { cause: err });
    throw err;
  }
}

function parseLine(line: string, n: number): { id: unknown; text: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`line ${n}: not valid JSON`); // the line itself may hold PHI: never echoed
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`line ${n}: expected an object {"id","text"}`);
  const { id, text } = value as { id?: unknown; text?: unknown };
  if (typeof text !== 'string') throw new Error(`line ${n}: "text" must be a string`);
  return { id, text };
}

export const command: Command = {
  name: 'phi',
  summary: 'redact protected health information from text on stdin (on-device)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      json: { type: 'boolean' },
      jsonl: { type: 'boolean' },
      mode: { type: 'string' },
    });
    const mode = PHI_MODES.find((m) => m === (values.mode ?? 'strict'));
    if (mode === undefined)
      throw new UsageError(`--mode must be strict or balanced, not '${String(values.mode)}'`);
    if (positionals[0] !== 'redact' || positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0
          ? 'missing subcommand: redact'
          : `unknown subcommand '${positionals.join(' ')}'`,
      );
    if (values.json === true && values.jsonl === true)
      throw new UsageError('--json and --jsonl exclude each other');
    const input = await readAll(io.stdin);
    if (values.jsonl === true) {
      const lines = input.split('\n');
      let n = 0;
      const out: string[] = [];
      for (const raw of lines) {
        n++;
        const line = raw.replace(/\r$/, '');
        if (line.trim() === '') continue;
        const { id, text } = parseLine(line, n);
        const r = redact(text, mode);
        out.push(JSON.stringify({ id, text: r.text, spans: spansOut(r.spans) }));
      }
      // All lines are validated before anything is written: a bad line never leaves half a file.
      for (const l of out) writeLine(io.stdout, l);
      return EXIT_OK;
    }
    const r = redact(input, mode);
    if (values.json === true)
      writeLine(io.stdout, JSON.stringify({ text: r.text, spans: spansOut(r.spans) }));
    else io.stdout.write(r.text);
    return EXIT_OK;
  },
};
