/**
 * `npm run bench -- phi`: PHI detector speed. p95 per 300-character utterance (goal ≤ 5 ms) and
 * MB/s on long notes (goal ≥ 1 MB/s), each against a naive regex-only detector measured in the
 * same run. Writes bench/results/phi.json; prints numbers only (the inputs are PHI-like).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectPhi, type DetectOptions } from '@voiceassist/phi';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARED = path.resolve(ROOT, '..', 'shared', 'data', 'phi');
/** The dev sets from ../shared, or the copies committed as the package's test fixtures. */
const DATA = existsSync(SHARED) ? SHARED : path.join(ROOT, 'packages', 'phi', 'eval', 'fixtures');
const RESULTS = path.join(ROOT, 'bench', 'results', 'phi.json');

const UTTERANCE_CHARS = 300;
const LONG_NOTE_CHARS = 64_000;

/** The baseline: what a quick regex scrubber does (emails, phones, SSNs, numeric dates, MRNs). */
const NAIVE = [
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g,
  /\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}/g,
  /\b\d{3}-\d{2}-\d{4}\b/g,
  /\b\d{1,2}\/\d{1,2}(?:\/\d{2,4})?\b/g,
  /\bMRN:?\s*[\w-]+/gi,
];
function naiveDetect(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const re of NAIVE)
    for (const m of text.matchAll(re)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

function texts(): string[] {
  return readdirSync(DATA)
    .filter((f) => f.endsWith('.dev.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(path.join(DATA, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => (JSON.parse(l) as { text: string }).text),
    );
}

function utterances(all: readonly string[]): string[] {
  const joined = all.join('\n');
  const out: string[] = [];
  for (let i = 0; i + UTTERANCE_CHARS <= joined.length; i += UTTERANCE_CHARS)
    out.push(joined.slice(i, i + UTTERANCE_CHARS));
  return out;
}

function longNotes(all: readonly string[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const t of all) {
    cur += `${t}\n\n`;
    if (cur.length >= LONG_NOTE_CHARS) {
      out.push(cur);
      cur = '';
    }
  }
  return out;
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const median = (xs: readonly number[]): number =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

/**
 * Latency per call. `p95` is over single calls (what a user sees on this machine right now);
 * `p95MinOf5` takes each utterance's fastest of 5 calls first, which removes preemption and GC
 * pauses caused by other processes on a loaded machine and leaves the detector's own cost.
 */
function perCall(
  inputs: readonly string[],
  fn: (t: string) => unknown,
): { p50: number; p95: number; p99: number; max: number; p95MinOf5: number; maxMinOf5: number } {
  for (const t of inputs.slice(0, 50)) fn(t); // warm-up
  const ms: number[] = [];
  const mins: number[] = [];
  for (const t of inputs) {
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      fn(t);
      const d = performance.now() - t0;
      if (r === 0) ms.push(d);
      best = Math.min(best, d);
    }
    mins.push(best);
  }
  ms.sort((a, b) => a - b);
  mins.sort((a, b) => a - b);
  return {
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    p99: quantile(ms, 0.99),
    max: ms[ms.length - 1] ?? NaN,
    p95MinOf5: quantile(mins, 0.95),
    maxMinOf5: mins[mins.length - 1] ?? NaN,
  };
}

/**
 * MB/s by wall clock (the goal), and per CPU-second of this process: on a shared machine the wall
 * rate is mostly other processes' preemption, the CPU rate is what the detector does with a core.
 */
function throughput(
  notes: readonly string[],
  fn: (t: string) => unknown,
  rounds = 5,
): { mbPerSecond: number; bestMbPerSecond: number; mbPerCpuSecond: number; rounds: number[] } {
  const chars = notes.reduce((n, t) => n + t.length, 0);
  fn(notes[0] ?? '');
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const t of notes) fn(t);
    rates.push(chars / ((performance.now() - t0) / 1000) / 1e6);
    const c = process.cpuUsage(c0);
    cpuRates.push(chars / ((c.user + c.system) / 1e6) / 1e6);
  }
  return {
    mbPerSecond: median(rates),
    bestMbPerSecond: Math.max(...rates),
    mbPerCpuSecond: median(cpuRates),
    rounds: rates,
  };
}

/** What importing costs, each module in fresh processes: the package, then its data dependencies. */
const IMPORT_TARGETS = ['./import-baseline.ts', '@voiceassist/phi', 'libphonenumber-js'];
const IMPORT_RUNS = 5;

interface ImportCost {
  importMs: number;
  importCpuMs: number;
  firstCallMs?: number;
  /** The same JavaScript dependency imported by plain node, without tsx's loader hooks. */
  plainNodeMs?: number;
}

/** Plain-node import time of a JavaScript dependency (as in a bundle-free production run). */
function plainNodeImportMs(target: string): number {
  const code = `const t0 = performance.now(); await import(${JSON.stringify(target)}); console.log(performance.now() - t0);`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`plain import of ${target} failed: ${res.stderr}`);
  return Number(res.stdout.trim());
}

function importCost(): Record<string, ImportCost> {
  const child = path.join(ROOT, 'bench', 'phi', 'import-child.ts');
  const out: Record<string, ImportCost> = {};
  for (const target of IMPORT_TARGETS) {
    const runs: ImportCost[] = [];
    for (let r = 0; r < IMPORT_RUNS; r++) {
      const res = spawnSync(process.execPath, ['--import', 'tsx', child, target], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      if (res.status !== 0) throw new Error(`import of ${target} failed: ${res.stderr}`);
      runs.push(JSON.parse(res.stdout.trim().split('\n').at(-1) ?? '{}') as (typeof runs)[number]);
    }
    const first = runs.map((x) => x.firstCallMs).filter((x): x is number => x !== undefined);
    const plain =
      target.startsWith('.') || target.startsWith('@voiceassist/')
        ? undefined
        : median(Array.from({ length: IMPORT_RUNS }, () => plainNodeImportMs(target)));
    out[target] = {
      importMs: median(runs.map((x) => x.importMs)),
      importCpuMs: median(runs.map((x) => x.importCpuMs)),
      ...(first.length > 0 ? { firstCallMs: median(first) } : {}),
      ...(plain === undefined ? {} : { plainNodeMs: plain }),
    };
  }
  return out;
}

function main(): void {
  const load0 = os.loadavg()[0];
  const all = texts();
  const utts = utterances(all);
  const notes = longNotes(all);
  const variants: Record<string, (t: string) => unknown> = {
    'detectPhi (default)': (t) => detectPhi(t),
    'detectPhi balanced': (t) => detectPhi(t, { mode: 'balanced' } satisfies DetectOptions),
    'rules only (tagger off)': (t) => detectPhi(t, { disable: ['tagger'] } satisfies DetectOptions),
    'naive regex baseline': naiveDetect,
  };
  const results: Record<
    string,
    { utterance: ReturnType<typeof perCall>; longNotes: ReturnType<typeof throughput> }
  > = {};
  for (const [name, fn] of Object.entries(variants)) {
    results[name] = {
      utterance: perCall(utts, fn),
      longNotes: throughput(notes, fn, 5),
    };
  }
  const imports = process.env.PHI_BENCH_SKIP_IMPORT === '1' ? undefined : importCost();
  const ours = results['detectPhi (default)'];
  const base = results['naive regex baseline'];
  const out = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      loadAverage1mAtStart: load0,
      loadAverage1m: os.loadavg()[0],
    },
    inputs: {
      from: DATA,
      utterances: utts.length,
      utteranceChars: UTTERANCE_CHARS,
      longNotes: notes.length,
      longNoteChars: LONG_NOTE_CHARS,
    },
    goals: { p95UtteranceMs: 5, longNoteMbPerSecond: 1 },
    results,
    importMs: imports,
  };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(out, null, 2));
  console.log(
    `load average (1 min) ${(load0 ?? 0).toFixed(1)} at start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at end, on ${os.cpus().length} CPUs`,
  );
  console.log(
    `${utts.length} utterances of ${UTTERANCE_CHARS} chars, ${notes.length} long notes of ~${LONG_NOTE_CHARS / 1000} k chars`,
  );
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `${name.padEnd(28)} utterance p50 ${r.utterance.p50.toFixed(2)} ms  p95 ${r.utterance.p95.toFixed(2)} ms (min-of-5 p95 ${r.utterance.p95MinOf5.toFixed(2)} ms) | long notes ${r.longNotes.mbPerSecond.toFixed(2)} MB/s median, ${r.longNotes.bestMbPerSecond.toFixed(2)} best, ${r.longNotes.mbPerCpuSecond.toFixed(2)} per CPU-second`,
    );
  }
  if (ours && base) {
    console.log(
      `detectPhi vs naive baseline: p95 ×${(ours.utterance.p95 / base.utterance.p95).toFixed(1)} slower, throughput ×${(base.longNotes.mbPerSecond / ours.longNotes.mbPerSecond).toFixed(1)} lower`,
    );
    console.log(
      `goals: p95 ≤ 5 ms ${ours.utterance.p95 <= 5 ? 'met' : 'NOT met'} (min-of-5: ${ours.utterance.p95MinOf5 <= 5 ? 'met' : 'NOT met'}); ≥ 1 MB/s ${ours.longNotes.mbPerSecond >= 1 ? 'met' : 'NOT met'} (best round: ${ours.longNotes.bestMbPerSecond >= 1 ? 'met' : 'NOT met'})`,
    );
  }
  if (imports) {
    console.log(
      `import cost (median of ${IMPORT_RUNS} fresh processes, tsx, excluding node start-up):`,
    );
    for (const [t, r] of Object.entries(imports))
      console.log(
        `  ${t.padEnd(28)} ${r.importMs.toFixed(0)} ms wall, ${r.importCpuMs.toFixed(0)} ms CPU${r.firstCallMs === undefined ? '' : ` (first detectPhi call ${r.firstCallMs.toFixed(1)} ms)`}${r.plainNodeMs === undefined ? '' : `; plain node ${r.plainNodeMs.toFixed(0)} ms`}`,
      );
  }
  console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
}

main();
