/**
 * `npm run bench -- embed`: embedding throughput on ~1,000-character MedQuAD passages.
 *
 * - USE-lite (the bundled encoder) at batch 1 (baseline) and batch 16.
 * - The ONNX path (tokenizer → onnxruntime-node → pooling → normalisation) on models the bench
 *   builds itself, since no real weights can be downloaded here:
 *     `tiny`: the 8-d test model (measures the pipeline's own overhead),
 *     `synthetic`: MiniLM-sized (384-d, 6 feed-forward blocks of 384→1536→384, no attention),
 *   at batch 1 (baseline), 4 and 16, with 1 and 2 intra-op threads.
 * Prints medians and ratios against the batch-1 baseline of the same run; writes
 * bench/results/embed.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  writeSyntheticModelFolder,
  writeTinyModelFolder,
} from '../../apps/desktop/test-support/embed/tiny-model.js';
import type { Embedder } from '../../apps/desktop/src/sidecar/knowledge/embed/embedder.js';
import { loadOnnxEmbedder } from '../../apps/desktop/src/sidecar/knowledge/embed/onnx/onnx-embedder.js';
import { loadUseLite } from '../../apps/desktop/src/sidecar/knowledge/embed/use-lite.js';

process.env.ORT_DISABLE_TELEMETRY ??= '1';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'medquad', 'docs.jsonl');
const RESULTS = path.join(REPO_ROOT, 'bench', 'results', 'embed.json');
const QUICK = process.argv.includes('--quick');
const PASSAGE_CHARS = 1000;

interface Row {
  readonly backend: string;
  readonly model: string;
  readonly batchSize: number;
  readonly threads: number | null;
  readonly passages: number;
  readonly rounds: number;
  /** Median over rounds of the time to embed all passages. */
  readonly medianRoundMs: number;
  readonly passagesPerSec: number;
  readonly medianMsPerPassage: number;
  readonly medianMsPerCall: number;
}

function loadPassages(count: number): string[] {
  const out: string[] = [];
  for (const line of readFileSync(DATA, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const doc = JSON.parse(line) as { text?: string };
    const text = (doc.text ?? '').replace(/\s+/g, ' ').trim();
    if (text.length < PASSAGE_CHARS) continue;
    out.push(text.slice(0, PASSAGE_CHARS));
    if (out.length === count) break;
  }
  return out;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const round2 = (x: number) => Math.round(x * 100) / 100;

async function measure(
  backend: string,
  model: string,
  threads: number | null,
  embedder: Embedder,
  passages: readonly string[],
  batchSize: number,
  rounds: number,
): Promise<Row> {
  const runOnce = async () => {
    for (let i = 0; i < passages.length; i += batchSize)
      await embedder.embed(passages.slice(i, i + batchSize));
  };
  await embedder.embed(passages.slice(0, batchSize)); // warm-up: first-call allocations
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await runOnce();
    times.push(performance.now() - t0);
  }
  const med = median(times);
  const row: Row = {
    backend,
    model,
    batchSize,
    threads,
    passages: passages.length,
    rounds,
    medianRoundMs: round2(med),
    passagesPerSec: round2((passages.length / med) * 1000),
    medianMsPerPassage: round2(med / passages.length),
    medianMsPerCall: round2(med / Math.ceil(passages.length / batchSize)),
  };
  console.log(
    `${backend.padEnd(8)} ${model.padEnd(10)} batch=${String(batchSize).padEnd(3)} threads=${String(threads ?? '-').padEnd(2)} ` +
      `${row.passagesPerSec.toFixed(1).padStart(8)} passages/s  ${row.medianMsPerPassage.toFixed(2).padStart(8)} ms/passage  ${row.medianMsPerCall.toFixed(1).padStart(8)} ms/call`,
  );
  return row;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'va-bench-embed-'));
  try {
    // USE-lite is ~100+ ms per passage here: fewer passages, fewer rounds.
    const usePassages = loadPassages(QUICK ? 8 : 32);
    const onnxPassages = loadPassages(QUICK ? 16 : 64);
    const meanChars = Math.round(
      onnxPassages.reduce((s, p) => s + p.length, 0) / onnxPassages.length,
    );
    console.log(
      `passages: ${onnxPassages.length} x ~${meanChars} chars from MedQuAD; cores: ${os.availableParallelism()}`,
    );

    for (const batchSize of [1, 16]) {
      const use = await loadUseLite({ maxBatchSize: batchSize });
      rows.push(
        await measure('use-lite', 'use-lite@1', null, use, usePassages, batchSize, QUICK ? 1 : 3),
      );
      await use.close();
    }
    const tinyDir = await writeTinyModelFolder(path.join(dir, 'tiny'), { maxSeqLength: 256 });
    const synthDir = await writeSyntheticModelFolder(path.join(dir, 'synthetic'));
    for (const [model, folder, threadOptions] of [
      ['tiny', tinyDir, [1]],
      ['synthetic', synthDir, [1, 2]],
    ] as const) {
      for (const threads of threadOptions)
        for (const batchSize of [1, 4, 16]) {
          const e = await loadOnnxEmbedder(folder, {
            intraOpNumThreads: threads,
            maxBatchSize: batchSize,
          });
          rows.push(
            await measure('onnx', model, threads, e, onnxPassages, batchSize, QUICK ? 2 : 5),
          );
          await e.close();
        }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const find = (model: string, batchSize: number, threads: number | null) =>
    rows.find((r) => r.model === model && r.batchSize === batchSize && r.threads === threads);
  const comparisons = [
    ['use-lite@1', 16, null, 'use-lite@1', 1, null],
    ['tiny', 16, 1, 'tiny', 1, 1],
    ['synthetic', 4, 1, 'synthetic', 1, 1],
    ['synthetic', 16, 1, 'synthetic', 1, 1],
    ['synthetic', 16, 2, 'synthetic', 1, 2],
    ['synthetic', 1, 2, 'synthetic', 1, 1],
    ['synthetic', 16, 2, 'synthetic', 16, 1],
  ].flatMap(([m, b, t, bm, bb, bt]) => {
    const candidate = find(m as string, b as number, t as number | null);
    const baseline = find(bm as string, bb as number, bt as number | null);
    if (!candidate || !baseline) return [];
    const speedup = round2(candidate.passagesPerSec / baseline.passagesPerSec);
    const label = `${m} batch=${b} threads=${t ?? '-'} vs ${bm} batch=${bb} threads=${bt ?? '-'}`;
    console.log(`${label}: x${speedup}`);
    return [{ candidate: label, speedup }];
  });

  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        bench: 'embed',
        date: new Date().toISOString(),
        machine: {
          cores: os.availableParallelism(),
          node: process.version,
          loadavg: os.loadavg().map(round2),
        },
        passageChars: PASSAGE_CHARS,
        note: 'synthetic = MiniLM-sized feed-forward graph built by the bench (no attention, random weights): throughput only, not quality',
        rows,
        comparisons,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${path.relative(REPO_ROOT, RESULTS)}`);
}

await main();
