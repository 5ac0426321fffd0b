import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../io.js';
import { main } from '../main.js';

const BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../bin/voiceassist.mjs',
);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runInProcess(args: string[], stdin: string): Promise<Run> {
  const input = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  input.end(stdin);
  const io: CliIO = {
    stdin: input,
    stdout,
    stderr,
    env: {},
    cwd: process.cwd(),
    interactive: false,
  };
  const code = await main(['phi', ...args], io);
  return { code, stdout: out, stderr: err };
}

function runBin(args: string[], stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'phi', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const NOTE = 'Pt John Smith seen 7/22 by Dr. Vasquez; call 410-422-6213. On metformin 500 mg.';

describe('voiceassist phi redact', () => {
  it('prints redacted text by default', async () => {
    const r = await runInProcess(['redact'], NOTE);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Pt [NAME] seen [DATE] by Dr. [NAME]; call [PHONE]. On metformin 500 mg.',
    );
  });

  it('--json gives spans with offsets into the input', async () => {
    const r = await runInProcess(['redact', '--json'], NOTE);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      text: string;
      spans: { start: number; end: number; type: string }[];
    };
    expect(out.text).toContain('[PHONE]');
    expect(out.spans.map((s) => [NOTE.slice(s.start, s.end), s.type])).toEqual([
      ['John Smith', 'NAME'],
      ['7/22', 'DATE'],
      ['Vasquez', 'NAME'],
      ['410-422-6213', 'PHONE'],
    ]);
  });

  it('--jsonl maps {"id","text"} lines to {"id","text","spans"} lines', async () => {
    const input = `${JSON.stringify({ id: 'a', text: 'Mrs. Powers, DOB 02/14/1950' })}\n\n${JSON.stringify({ id: 7, text: 'no identifiers here' })}\n`;
    const r = await runInProcess(['redact', '--jsonl'], input);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: unknown; text: string; spans: unknown[] });
    expect(lines).toEqual([
      {
        id: 'a',
        text: 'Mrs. [NAME], DOB [DATE]',
        spans: [
          { start: 5, end: 11, type: 'NAME' },
          { start: 17, end: 27, type: 'DATE' },
        ],
      },
      { id: 7, text: 'no identifiers here', spans: [] },
    ]);
  });

  it('exit 1 on a bad line without echoing it, and writes nothing', async () => {
    const r = await runInProcess(
      ['redact', '--jsonl'],
      `{"id":1,"text":"ok"}\n{not json John Smith\n`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('line 2');
    expect(r.stderr).not.toContain('John');
  });

  it('--mode strict|balanced; offsets stay in the input when normalisation removes characters', async () => {
    const text = 'MRN ８８２\u00AD１３４５, Jo\u200Bhn Quimby';
    for (const mode of ['strict', 'balanced']) {
      const r = await runInProcess(
        ['redact', '--jsonl', '--mode', mode],
        JSON.stringify({ id: 1, text }),
      );
      expect(r.code).toBe(0);
      const line = JSON.parse(r.stdout) as { spans: { start: number; end: number }[] };
      expect(line.spans.map((s) => text.slice(s.start, s.end))).toEqual([
        '８８２\u00AD１３４５',
        'Jo\u200Bhn Quimby',
      ]);
    }
    expect((await runInProcess(['redact', '--mode', 'lenient'], '')).code).toBe(2);
  });

  it('exit 2 on wrong usage', async () => {
    expect((await runInProcess([], '')).code).toBe(2);
    expect((await runInProcess(['scrub'], '')).code).toBe(2);
    expect((await runInProcess(['redact', '--json', '--jsonl'], '')).code).toBe(2);
    expect((await runInProcess(['redact', '--nope'], '')).code).toBe(2);
  });

  it('runs as the real bin in a subprocess', { timeout: 60_000 }, async () => {
    const r = await runBin(['redact', '--json'], NOTE);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { text: string };
    expect(out.text).toBe(
      'Pt [NAME] seen [DATE] by Dr. [NAME]; call [PHONE]. On metformin 500 mg.',
    );
    const usage = await runBin(['frobnicate'], '');
    expect(usage.code).toBe(2);
  });
});
