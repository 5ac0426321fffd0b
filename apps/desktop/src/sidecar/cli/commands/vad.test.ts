import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngineAudio } from '../../../../test-support/voice/speech.js';
import { SPEECH_DIR } from '../../../../test-support/data.js';
import { resample } from '../../voice/resample.js';
import { encodeWav } from '../../voice/wav.js';
import type { CliIO } from '../io.js';
import { main } from '../main.js';

const BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../bin/voiceassist.mjs',
);
const JFK = path.join(SPEECH_DIR, 'jfk.wav');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runInProcess(args: string[], cwd = process.cwd()): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdin: new PassThrough(), stdout, stderr, env: {}, cwd, interactive: false };
  const code = await main(['vad', ...args], io);
  return { code, stdout: out, stderr: err };
}

interface Report {
  sampleRate: number;
  segments: { start: number; end: number }[];
  frames: { t: number; p: number }[];
}

describe('voiceassist vad', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voiceassist-vad-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the JSON report for a 16 kHz mono WAV', async () => {
    const { code, stdout } = await runInProcess([JFK, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report.sampleRate).toBe(16_000);
    expect(Object.keys(report)).toEqual(['sampleRate', 'segments', 'frames']);
    expect(report.frames).toHaveLength(Math.ceil(176_000 / 512));
    expect(report.frames[1]).toEqual({ t: 0.032, p: expect.any(Number) as number });
    expect(report.segments.length).toBeGreaterThanOrEqual(1);
    for (const s of report.segments) expect(s.end).toBeGreaterThan(s.start);
  });

  it('resamples other rates and mixes stereo down: 44.1 kHz stereo finds the same speech', async () => {
    const mono = loadEngineAudio(JFK);
    const up = resample(mono, 16_000, 44_100);
    // Interleave into a stereo float WAV by hand: encodeWav writes mono only.
    const stereo = new Float32Array(up.length * 2);
    up.forEach((x, i) => {
      stereo[2 * i] = x;
      stereo[2 * i + 1] = x;
    });
    const bytes = encodeWav(stereo, 44_100, 'float32');
    const view = new DataView(bytes.buffer);
    view.setUint16(22, 2, true); // channels
    view.setUint32(28, 44_100 * 8, true); // byte rate
    view.setUint16(32, 8, true); // block align
    const file = path.join(dir, 'jfk-44k-stereo.wav');
    await writeFile(file, bytes);
    const a = JSON.parse((await runInProcess([JFK, '--json'])).stdout) as Report;
    const b = JSON.parse((await runInProcess([file, '--json'])).stdout) as Report;
    // Same frames, nearly the same probabilities (the round trip keeps everything below 7.3 kHz).
    expect(b.frames).toHaveLength(a.frames.length);
    const diffs = a.frames.map((f, i) => Math.abs(f.p - (b.frames[i]?.p ?? 0)));
    expect(diffs.reduce((x, y) => x + y, 0) / diffs.length).toBeLessThan(0.03);
    // And speech in the same places: the first onset and the last offset agree within a frame.
    expect(Math.abs(b.segments[0]!.start - a.segments[0]!.start)).toBeLessThanOrEqual(0.032);
    expect(Math.abs(b.segments.at(-1)!.end - a.segments.at(-1)!.end)).toBeLessThanOrEqual(0.032);
  });

  it('prints a readable segment list without --json', async () => {
    const { code, stdout } = await runInProcess(['jfk.wav'], SPEECH_DIR);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^jfk\.wav: 11\.00 s, \d+ speech segments/);
    expect(stdout).toMatch(/\n\s+1\s+0\.\d{3} – \d+\.\d{3} s/);
  });

  it('exits 1 with a clear message for a missing file', async () => {
    const { code, stderr } = await runInProcess([path.join(dir, 'nope.wav')]);
    expect(code).toBe(1);
    expect(stderr).toContain('No such file');
  });

  it('exits 1 for a file that is not a WAV', async () => {
    const file = path.join(dir, 'text.wav');
    await writeFile(file, 'not audio');
    const { code, stderr } = await runInProcess([file]);
    expect(code).toBe(1);
    expect(stderr).toContain('RIFF/WAVE');
  });

  it('exits 2 on bad arguments', async () => {
    expect((await runInProcess(['--bogus', JFK])).code).toBe(2);
    expect((await runInProcess([])).code).toBe(2);
    expect((await runInProcess([JFK, JFK])).code).toBe(2);
  });

  it('runs through the real bin as a subprocess', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'vad', JFK, '--json'], {
      env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const report = JSON.parse(stdout) as Report;
    const inProcess = JSON.parse((await runInProcess([JFK, '--json'])).stdout) as Report;
    expect(report).toEqual(inProcess);
  });
});
