/**
 * `npm run bench -- embed` (`-- --quick` for a smoke run): embedding throughput.
 *
 * Workloads: `passages` (~1,000-character MedQuAD passages, what ingestion embeds) and `queries`
 * (MedQuAD dev questions, what search embeds). Backends:
 * - USE-lite (the bundled encoder).
 * - The ONNX path (tokenizer → onnxruntime-node → pooling → normalisation) on models the bench
 *   builds itself, since no real weights can be downloaded here:
 *     `tiny`: the 8-d test model (the pipeline's own overhead),
 *     `synthetic`: MiniLM-sized (384-d, 6 feed-forward blocks 384→1536→384, no attention,
 *     random weights): throughput only, its vectors mean nothing.
 * Batching: `b1` (one text per run: the baseline), `b4`, `b16` (fixed batch sizes), and `auto`
 * (the shipped defaults: all texts in one call, the embedder plans batches by a token budget).
 * Prints medians and ratios against `b1` of the same run; writes bench/results/embed.json.
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
const DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'medquad');
const RESULTS = path.join(REPO_ROOT, 'bench', 'results', 'embed.json');
const QUICK = process.argv.includes('--quick');
const PASSAGE_CHARS = 1000;

type Batching = 'b1' | 'b4' | 'b16' | 'auto';
const FIXED: Record<Exclude<Batching, 'auto'>, number> = { b1: 1, b4: 4, b16: 16 };

interface Row {
  readonly workload: string;
  readonly backend: string;
  readonly model: string;
  readonly batching: Batching;
  readonly threads: number | null;
  readonly texts: number;
  readonly rounds: number;
  /** Median over rounds of the time to embed all texts. */
  readonly medianRoundMs: number;
  readonly textsPerSec: number;
  readonly medianMsPerText: number;
}

function jsonl(file: string): Record<string, unknown>[] {
  return readFileSync(path.join(DATA, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function loadPassages(count: number): string[] {
  const out: string[] = [];
  for (const doc of jsonl('docs.jsonl')) {
    const text = (typeof doc.text === 'string' ? doc.text : '').replace(/\s+/g, ' ').trim();
    if (text.length >= PASSAGE_CHARS) out.push(text.slice(0, PASSAGE_CHARS));
    if (out.length === count) break;
  }
  return out;
}

function loadQueries(count: number): string[] {
  return jsonl('questions.dev.jsonl')
    .map((q) => (typeof q.question === 'string' ? q.question : ''))
    .filter((q) => q !== '')
    .slice(0, count);
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const round2 = (x: number) => Math.round(x * 100) / 100;

async function measure(
  label: Omit<Row, 'texts' | 'rounds' | 'medianRoundMs' | 'textsPerSec' | 'medianMsPerText'>,
  embedder: Embedder,
  texts: readonly string[],
  rounds: number,
): Promise<Row> {
  const call = label.batching === 'auto' ? texts.length : FIXED[label.batching];
  const runOnce = async () => {
    for (let i = 0; i < texts.length; i += call) await embedder.embed(texts.slice(i, i + call));
  };
  await embedder.embed(texts.slice(0, Math.min(call, 16))); // warm-up: first-call allocations
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await runOnce();
    times.push(performance.now() - t0);
  }
  const med = median(times);
  const row: Row = {
    ...label,
    texts: texts.length,
    rounds,
    medianRoundMs: round2(med),
    textsPerSec: round2((texts.length / med) * 1000),
    medianMsPerText: round2(med / texts.length),
  };
  console.log(
    `${row.workload.padEnd(8)} ${row.model.padEnd(10)} ${row.batching.padEnd(4)} threads=${String(row.threads ?? '-').padEnd(2)}` +
      `${row.textsPerSec.toFixed(1).padStart(9)} texts/s ${row.medianMsPerText.toFixed(2).padStart(9)} ms/text`,
  );
  return row;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'va-bench-embed-'));
  const workloads = {
    passages: { use: loadPassages(QUICK ? 8 : 32), onnx: loadPassages(QUICK ? 16 : 64) },
    queries: { use: loadQueries(QUICK ? 16 : 64), onnx: loadQueries(QUICK ? 16 : 64) },
  };
  console.log(
    `MedQuAD: ${workloads.passages.onnx.length} passages x ${PASSAGE_CHARS} chars, ${workloads.queries.onnx.length} questions; ` +
      `${os.availableParallelism()} cores, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  try {
    for (const [workload, texts] of Object.entries(workloads))
      for (const batching of ['b1', 'b16', 'auto'] as const) {
        const use = await loadUseLite(batching === 'auto' ? {} : { maxBatchSize: FIXED[batching] });
        const label = {
          workload,
          backend: 'use-lite',
          model: 'use-lite@1',
          batching,
          threads: null,
        };
        rows.push(await measure(label, use, texts.use, QUICK ? 1 : 3));
        await use.close();
      }
    const folders = {
      tiny: await writeTinyModelFolder(path.join(dir, 'tiny'), { maxSeqLength: 256 }),
      synthetic: await writeSyntheticModelFolder(path.join(dir, 'synthetic')),
    };
    for (const [workload, texts] of Object.entries(workloads))
      for (const [model, threadOptions] of [
        ['tiny', [1]],
        ['synthetic', [1, 2]],
      ] as const)
        for (const threads of threadOptions)
          for (const batching of ['b1', 'b4', 'b16', 'auto'] as const) {
            const e = await loadOnnxEmbedder(folders[model], {
              intraOpNumThreads: threads,
              ...(batching === 'auto'
                ? {}
                : { maxBatchSize: FIXED[batching], maxBatchTokens: Number.POSITIVE_INFINITY }),
            });
            const label = { workload, backend: 'onnx', model, batching, threads };
            rows.push(await measure(label, e, texts.onnx, QUICK ? 2 : 5));
            await e.close();
          }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const comparisons = rows
    .filter((r) => r.batching !== 'b1' || (r.threads ?? 1) > 1)
    .flatMap((r) => {
      const baseline = rows.find(
        (b) =>
          b.workload === r.workload &&
          b.model === r.model &&
          b.batching === 'b1' &&
          (b.threads ?? 1) === (r.batching === 'b1' ? 1 : (r.threads ?? 1)),
      );
      if (!baseline || baseline === r) return [];
      const label = `${r.workload} ${r.model} ${r.batching} threads=${r.threads ?? '-'} vs b1 threads=${baseline.threads ?? '-'}`;
      return [{ candidate: label, speedup: round2(r.textsPerSec / baseline.textsPerSec) }];
    });
  for (const c of comparisons) console.log(`${c.candidate}: x${c.speedup}`);

  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        bench: 'embed',
        date: new Date().toISOString(),
        quick: QUICK,
        machine: {
          cores: os.availableParallelism(),
          node: process.version,
          loadavg: os.loadavg().map(round2),
        },
        passageChars: PASSAGE_CHARS,
        note: 'synthetic = MiniLM-sized feed-forward graph built by the bench (no attention, random weights): throughput only; auto = shipped defaults (ONNX: maxBatchSize 32, maxBatchTokens 256; USE-lite: maxBatchSize 16)',
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
