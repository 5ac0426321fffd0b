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

async function calc(args: string[], stdin = ''): Promise<Run> {
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
  const code = await main(['calc', ...args], io);
  return { code, stdout: out, stderr: err };
}

const lines = (s: string): unknown[] =>
  s
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);

describe('voiceassist calc list', () => {
  it('--json lists every calculator with inputs (unit, range) and source', async () => {
    const r = await calc(['list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as {
      id: string;
      name: string;
      inputs: { name: string; unit: string | null; range: unknown }[];
      source: string;
    }[];
    expect(list.length).toBeGreaterThanOrEqual(30);
    const ckd = list.find((c) => c.id === 'egfr-ckd-epi-2021');
    expect(ckd?.inputs.map((i) => [i.name, i.unit, i.range])).toEqual([
      ['age', 'years', [18, 120]],
      ['sex', null, null],
      ['creatinine', 'mg/dL', [0.1, 30]],
    ]);
    expect(ckd?.source).toMatch(/N Engl J Med\. 2021/);
  });
});

describe('voiceassist calc run ID', () => {
  it('computes the issue example with --json', async () => {
    const r = await calc([
      'run',
      'egfr-ckd-epi-2021',
      '--inputs',
      '{"age":67,"sex":"female","creatinine":[1.4,"mg/dL"]}',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      value: 41.234939,
      display: '41',
      unit: 'mL/min/1.73 m²',
      interpretation: expect.stringMatching(/^G3b/) as unknown,
      source: expect.stringMatching(/^Inker LA/) as unknown,
    });
  });

  it('prints a readable result without --json', async () => {
    const r = await calc(['run', 'bmi', '--inputs', '{"weight":[165,"lb"],"height":[70,"in"]}']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Body mass index: 23\.7 kg\/m²\nNormal weight/);
  });

  it('fails with the question when an input is missing or its unit ambiguous (exit 1)', async () => {
    const missing = await calc([
      'run',
      'egfr-ckd-epi-2021',
      '--inputs',
      '{"sex":"female","creatinine":1.4}',
      '--json',
    ]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      error: { code: 'CALC_INPUT_MISSING', message: 'How old is the patient?' },
    });
    const unit = await calc([
      'run',
      'egfr-ckd-epi-2021',
      '--inputs',
      '{"age":67,"sex":"female","creatinine":120}',
    ]);
    expect(unit.code).toBe(1);
    expect(unit.stderr).toBe(
      'voiceassist calc: CALC_UNIT_AMBIGUOUS: Serum creatinine 120 — is that µmol/L?\n',
    );
  });

  it('fails on an unknown calculator, bad JSON, and an unknown input', async () => {
    expect((await calc(['run', 'nope', '--inputs', '{}'])).stderr).toMatch(/CALC_UNKNOWN/);
    const bad = await calc(['run', 'bmi', '--inputs', '{weight: 70']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/CALC_REQUEST_INVALID: --inputs is not valid JSON/);
    expect((await calc(['run', 'bmi', '--inputs', '{"mass":70}'])).stderr).toMatch(
      /CALC_INPUT_UNKNOWN/,
    );
  });

  it('rejects unknown arguments and wrong combinations (exit 2)', async () => {
    expect((await calc(['run', 'bmi', '--inputs', '{}', '--fast'])).code).toBe(2);
    expect((await calc(['run', '--inputs', '{}'])).code).toBe(2);
    expect((await calc(['list', '--jsonl'])).code).toBe(2);
    expect((await calc(['run', '--jsonl', '--format', 'other'])).code).toBe(2);
    expect((await calc(['frobnicate'])).code).toBe(2);
    expect((await calc([])).code).toBe(2);
  });
});

describe('voiceassist calc run --jsonl', () => {
  it('answers each line with a value or a coded error', async () => {
    const input = [
      { id: 1, calculator: 'bmi', inputs: { weight: [75, 'kg'], height: [180, 'cm'] } },
      { id: 2, calculator: 'cha2ds2-vasc', inputs: { age: 70, sex: 'male' } },
      {
        id: 'three',
        calculator: 'Body mass index',
        inputs: { weight: [100, 'kg'], height: [2, 'm'] },
      },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const r = await calc(['run', '--jsonl'], `${input}\n`);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      { id: 1, value: 23.148148 },
      {
        id: 2,
        error: {
          code: 'CALC_INPUT_MISSING',
          message: expect.stringMatching(/^Which of these apply/) as unknown,
        },
      },
      { id: 'three', value: 25 },
    ]);
  });

  it('reads MedCalc-Bench names and entities with --format medcalc', async () => {
    const line = {
      id: '34',
      calculator: 'CKD-EPI Equations for Glomerular Filtration Rate',
      inputs: { sex: 'Male', age: [58, 'years'], creatinine: [3.1, 'mg/dL'] },
    };
    const wells = {
      id: '121',
      calculator: "Wells' Criteria for Pulmonary Embolism",
      inputs: {
        'Heart Rate or Pulse': [110.0, 'beats per minute'],
        'Previously Documented Pulmonary Embolism': false,
      },
    };
    const r = await calc(
      ['run', '--jsonl', '--format', 'medcalc'],
      `${JSON.stringify(line)}\n${JSON.stringify(wells)}\n`,
    );
    expect(r.code).toBe(0);
    const [ckd, pe] = lines(r.stdout) as { id: string; value: number }[];
    expect(ckd?.id).toBe('34');
    expect(ckd?.value).toBeCloseTo(22.443, 3);
    expect(pe).toEqual({ id: '121', value: 1.5 });
  });

  it('writes an error line for a line that is not JSON and exits 1 after reading the rest', async () => {
    const r = await calc(
      ['run', '--jsonl'],
      `not json\n${JSON.stringify({ id: 9, calculator: 'anion-gap', inputs: { sodium: 140, chloride: 100, bicarbonate: 24 } })}\n`,
    );
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toEqual([
      { id: null, error: { code: 'CALC_REQUEST_INVALID', message: 'Line 1 is not valid JSON.' } },
      { id: 9, value: 16 },
    ]);
  });
});

describe('voiceassist calc parse', () => {
  it('understands a typed request and shows each input with its provenance', async () => {
    const r = await calc(['parse', 'CKD-EPI for creatinine 1.4, 67-year-old woman']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'calculator: egfr-ckd-epi-2021',
        '  creatinine = 1.4 (typed)',
        '  age = 67 years (typed)',
        '  sex = female (typed)',
        '41 mL/min/1.73 m²: G3b: moderately to severely decreased GFR (KDIGO)',
        '',
      ].join('\n'),
    );
  });
});

describe('the voiceassist bin', () => {
  it('runs calc from the real entry point', async () => {
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          BIN,
          'calc',
          'run',
          'anion-gap',
          '--inputs',
          '{"sodium":140,"chloride":100,"bicarbonate":24}',
          '--json',
        ],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ value: 16, unit: 'mmol/L' });
  });
});
