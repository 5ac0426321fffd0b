import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { phiRedactingStream, redactLogValue } from './log-redaction.js';

/** Identifiers that must never reach a log line, in every form a log call can carry them. */
const CANARY = {
  name: 'Zebulon Quackenbush',
  mrn: 'QX-4242424',
  ssn: '078-05-1120',
  dob: '03/14/1961',
  phone: '410-555-0199',
  email: 'zebulon.q@example.org',
};
const SENTENCE = `Mr. ${CANARY.name}, MRN: ${CANARY.mrn}, SSN ${CANARY.ssn}, DOB ${CANARY.dob}, call ${CANARY.phone} or ${CANARY.email}`;
const FRAGMENTS = [
  'Zebulon',
  'Quackenbush',
  CANARY.mrn,
  CANARY.ssn,
  CANARY.dob,
  CANARY.phone,
  CANARY.email,
];

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (c: Buffer) => (out += c.toString()));
  return { stream, text: () => out };
}

describe('PHI redaction in logs', () => {
  it('no canary reaches pino output: message, args, fields, bindings, errors and stacks', async () => {
    const { stream, text } = capture();
    const log = pino({ level: 'trace' }, phiRedactingStream(stream));
    log.info(SENTENCE);
    log.warn('transcript was %s', SENTENCE);
    log.info({ transcript: SENTENCE, nested: { list: [SENTENCE] } }, 'turn finished');
    const err = new Error(`could not parse ${SENTENCE}`);
    log.error(err);
    log.error({ err, extra: SENTENCE }, 'provider failed');
    log.child({ patient: SENTENCE }).info('child logger');
    log.child({}, { msgPrefix: SENTENCE }).info('prefixed');
    log.debug(new TypeError(SENTENCE), SENTENCE);
    await new Promise((r) => setImmediate(r));
    const output = text();
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(8);
    for (const f of FRAGMENTS) expect(output).not.toContain(f);
    // The log stays useful: structure, non-PHI words and types remain.
    expect(output).toContain('turn finished');
    expect(output).toContain('[NAME]');
    expect(output).toContain('could not parse');
    const errLine = JSON.parse(lines[3] ?? '{}') as { err?: { stack?: string; message?: string } };
    expect(errLine.err?.stack).toContain('log-redaction.test.ts');
  });

  it(
    'the sidecar logger (createLogger) redacts what it writes to stderr',
    { timeout: 60_000 },
    async () => {
      const here = path.dirname(fileURLToPath(import.meta.url));
      const script = [
        `const { createLogger } = await import(${JSON.stringify(path.join(here, '..', 'logger.ts'))});`,
        `const log = createLogger('canary');`,
        `log.info({ text: ${JSON.stringify(SENTENCE)} }, ${JSON.stringify(SENTENCE)});`,
        `log.error(new Error(${JSON.stringify(SENTENCE)}));`,
      ].join('\n');
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(stderr).toContain('"name":"canary"');
      for (const f of FRAGMENTS) expect(stderr).not.toContain(f);
    },
  );

  it('redactLogValue never prints very long strings', () => {
    expect(redactLogValue(`${SENTENCE} ${'x'.repeat(30_000)}`)).toMatch(
      /^\[REDACTED: \d+ characters/,
    );
  });
});
