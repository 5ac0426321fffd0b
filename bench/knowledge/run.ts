/**
 * Knowledge benchmark: ingest throughput (ours vs a naive pipeline, same run), query latency in an
 * encrypted store at 10k/100k chunks, and retrieval quality on MedQuAD. Writes
 * bench/results/knowledge.json. `--quick` shrinks every section (for CI); `--docs N` sets the
 * MedQuAD subset size (gold documents plus distractors; 2000 = all).
 *
 *   npx tsx bench/knowledge/run.ts [--quick] [--docs N] [--skip-latency] [--skip-quality]
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbedder } from '../../apps/desktop/src/sidecar/knowledge/embed/factory.js';
import { silentLogger } from '../../apps/desktop/src/sidecar/knowledge/embed/log.js';
import { RESULTS_DIR, log } from './common.js';
import { CachedEmbedder, loadMedQuad, subset } from './corpus.js';
import { measureLatency, type LatencyResult } from './latency.js';
import { measureQuality } from './quality.js';
import { measureThroughput } from './throughput.js';

process.env.ORT_DISABLE_TELEMETRY = '1';
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    docs: { type: 'string' },
    'skip-latency': { type: 'boolean' },
    'skip-quality': { type: 'boolean' },
    'skip-throughput': { type: 'boolean' },
  },
});
const quick = values.quick === true;
const started = performance.now();
const embedder = await createEmbedder({ model: 'use-lite', log: silentLogger });
const out: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
  mode: quick ? 'quick' : 'full',
  embedder: { id: embedder.id, dimension: embedder.dimension },
};

if (!values['skip-throughput']) {
  const { docs, questions } = loadMedQuad();
  const sample = subset(docs, questions, 2000).slice(200, 200 + (quick ? 15 : 40));
  out.ingestThroughput = await measureThroughput(sample, embedder);
}
if (!values['skip-latency'])
  out.queryLatency = await measureLatency(quick ? [10_000] : [10_000, 100_000], quick ? 100 : 300);
if (!values['skip-quality']) {
  const cached = new CachedEmbedder(
    embedder,
    path.join(RESULTS_DIR, '.cache', `medquad-${embedder.id.replace(/[^\w.-]/g, '_')}.json`),
  );
  const nDocs = Number(values.docs ?? (quick ? 250 : 1000));
  out.quality = await measureQuality(nDocs, cached, embedder);
  await cached.save();
  log(`quality: embedding cache ${cached.hits} hits, ${cached.misses} misses`);
}
await embedder.close();
out.seconds = Math.round((performance.now() - started) / 100) / 10;
await fs.mkdir(RESULTS_DIR, { recursive: true });
// Sections skipped in this run keep their previous results (each section records its own date).
const resultFile = path.join(RESULTS_DIR, 'knowledge.json');
const previous = existsSync(resultFile)
  ? (JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown>)
  : {};
for (const section of ['ingestThroughput', 'queryLatency', 'quality']) {
  if (out[section] !== undefined) out[`${section}Date`] = out.date;
  else if (previous[section] !== undefined) {
    out[section] = previous[section];
    out[`${section}Date`] = previous[`${section}Date`] ?? previous.date;
  }
}
await fs.writeFile(path.join(RESULTS_DIR, 'knowledge.json'), `${JSON.stringify(out, null, 2)}\n`);

const q = out.quality as
  | {
      bm25: { mrrAt10: number; recallAt10: number };
      vector: { mrrAt10: number; recallAt10: number };
      hybrid: { mrrAt10: number; recallAt10: number };
      hybridRrf: { mrrAt10: number };
      hybridWithoutAbbreviations?: { mrrAt10: number };
      abbreviations?: {
        queries: number;
        hybrid: { mrrAt10: number; recallAt10: number };
        hybridWithoutAbbreviations: { mrrAt10: number; recallAt10: number };
      };
    }
  | undefined;
const lat = out.queryLatency as LatencyResult[] | undefined;
const thr = out.ingestThroughput as
  | { ours: { chunksPerSecond: number }; naive: { chunksPerSecond: number }; speedup: number }
  | undefined;
if (thr)
  console.log(
    `ingest: ours ${thr.ours.chunksPerSecond} chunks/s vs naive ${thr.naive.chunksPerSecond} chunks/s (chars/s ratio ${thr.speedup}x)`,
  );
for (const l of lat ?? []) {
  console.log(
    `latency @${l.chunks}: ${Object.entries(l.ms)
      .map(([m, s]) => `${m} p50 ${s.p50} ms / p95 ${s.p95} ms`)
      .join('; ')}`,
  );
  if ('hybridStore' in l.ms && 'warm' in l)
    // older result files lack them
    console.log(
      `latency @${l.chunks}: hybrid p95 ${l.ms.hybrid.p95} ms vs store indexes ${l.ms.hybridStore.p95} ms (ratio ${(l.ms.hybridStore.p95 / l.ms.hybrid.p95).toFixed(1)}x); in-memory indexes load in ${l.warm.seconds} s, ${l.warm.heapMiB} MiB (load average ${l.loadAverage})`,
    );
}
if (q)
  console.log(
    `MedQuAD: MRR@10 bm25 ${q.bm25.mrrAt10}, vector ${q.vector.mrrAt10}, hybrid ${q.hybrid.mrrAt10} (rrf ${q.hybridRrf.mrrAt10}); recall@10 bm25 ${q.bm25.recallAt10}, vector ${q.vector.recallAt10}, hybrid ${q.hybrid.recallAt10}`,
  );
if (q?.abbreviations)
  console.log(
    `abbreviation queries (${q.abbreviations.queries}): MRR@10 hybrid ${q.abbreviations.hybrid.mrrAt10} vs ${q.abbreviations.hybridWithoutAbbreviations.mrrAt10} without spelling out; dev questions MRR@10 ${q.hybrid.mrrAt10} vs ${q.hybridWithoutAbbreviations?.mrrAt10 ?? '?'}`,
  );
console.log(`wrote ${path.join(RESULTS_DIR, 'knowledge.json')} in ${String(out.seconds)} s`);
