/**
 * Proves a change to how the PHI lexicons are stored or loaded leaves detection unchanged: runs
 * `detectPhi` (strict and balanced) from this checkout and from `--base REV` (packages/phi of that
 * commit, git archive into a temp folder) in one process over the same texts and compares every
 * span. Also reports what the first lookup costs in each (the lists' build) and the heap they hold.
 *
 *   npx tsx bench/engine/phi-spans.ts --base REV [--medquad 1000]
 *
 * Texts: the PHI dev sets (../shared/data/phi, else the package's committed fixtures), the
 * package's MedQuAD fixtures, and the first N MedQuAD documents from ../shared/data (skipped, and
 * said so, when absent). Prints counts only: the texts are PHI-like.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as Phi from '@voiceassist/phi';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const SHARED = path.resolve(REPO, '..', 'shared', 'data');
const FIXTURES = path.join(REPO, 'packages', 'phi', 'eval', 'fixtures');

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'main' },
    medquad: { type: 'string', default: '1000' },
  },
});

function log(msg: string): void {
  process.stderr.write(`[phi spans] ${msg}\n`);
}

function jsonlTexts(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

function corpus(): { source: string; texts: string[] }[] {
  const phiDir = existsSync(path.join(SHARED, 'phi')) ? path.join(SHARED, 'phi') : FIXTURES;
  const out = readdirSync(phiDir)
    .filter((f) => f.endsWith('.dev.jsonl'))
    .sort()
    .map((f) => ({
      source: path.relative(REPO, path.join(phiDir, f)),
      texts: jsonlTexts(path.join(phiDir, f)),
    }));
  for (const f of ['medquad-train.jsonl', 'medquad-test.jsonl'])
    out.push({
      source: `packages/phi/eval/fixtures/${f}`,
      texts: jsonlTexts(path.join(FIXTURES, f)),
    });
  const medquad = path.join(SHARED, 'medquad', 'docs.jsonl');
  if (existsSync(medquad))
    out.push({
      source: `../shared/data/medquad/docs.jsonl (first ${values.medquad})`,
      texts: jsonlTexts(medquad).slice(0, Number(values.medquad)),
    });
  else log(`${medquad} is absent: comparing on the dev sets and fixtures only`);
  return out;
}

async function loadPhi(
  entry: string,
): Promise<{ phi: typeof Phi; firstCallMs: number; heapMiB: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const phi = (await import(pathToFileURL(entry).href)) as typeof Phi;
  const t0 = performance.now();
  phi.detectPhi('Spoke with Dr. Sarah Johnson at Stanford Hospital on 7/22.');
  const firstCallMs = performance.now() - t0;
  gc?.();
  return { phi, firstCallMs, heapMiB: (process.memoryUsage().heapUsed - heap0) / 2 ** 20 };
}

async function main(): Promise<void> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'va-phi-spans-base-'));
  try {
    execFileSync('sh', ['-c', `git archive ${values.base} packages/phi | tar -x -C ${base}`], {
      cwd: REPO,
    });
    await symlink(path.join(REPO, 'node_modules'), path.join(base, 'node_modules'));
    // Base first, each measured alone: the heap figure is what importing and one call left behind.
    const before = await loadPhi(path.join(base, 'packages/phi/src/index.ts'));
    const after = await loadPhi(path.join(REPO, 'packages/phi/src/index.ts'));
    const sources = [];
    let texts = 0;
    let differing = 0;
    let spans = 0;
    const time = { before: 0, after: 0 };
    for (const { source, texts: list } of corpus()) {
      let diff = 0;
      let n = 0;
      for (const text of list)
        for (const mode of ['strict', 'balanced'] as const) {
          let t = performance.now();
          const a = JSON.stringify(before.phi.detectPhi(text, { mode }));
          time.before += performance.now() - t;
          t = performance.now();
          const b = after.phi.detectPhi(text, { mode });
          time.after += performance.now() - t;
          n += b.length;
          if (a !== JSON.stringify(b)) diff++;
        }
      texts += list.length;
      differing += diff;
      spans += n;
      sources.push({ source, texts: list.length, spans: n, differingTextModes: diff });
      log(`${source}: ${list.length} texts × 2 modes, ${n} spans, ${diff} differing`);
    }
    const out = {
      bench: 'phi-spans',
      date: new Date().toISOString(),
      base: values.base,
      conditions: {
        node: process.version,
        cpus: os.cpus().length,
        loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
        measured:
          'spans of detectPhi (strict, balanced) from both copies compared as JSON; firstCall = first detectPhi after import (lists built); heap = heapUsed after it minus before the import (with --expose-gc)',
      },
      identical: differing === 0,
      texts,
      spans,
      differingTextModes: differing,
      detectSecondsTotal: { before: time.before / 1000, after: time.after / 1000 },
      firstCallMs: { before: before.firstCallMs, after: after.firstCallMs },
      heapMiB: { before: before.heapMiB, after: after.heapMiB },
      sources,
    };
    const dir = path.join(REPO, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `phi-spans-${out.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log(JSON.stringify(out, null, 2));
    log(`wrote ${path.relative(REPO, file)}`);
    if (differing > 0) process.exitCode = 1;
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

await main();
