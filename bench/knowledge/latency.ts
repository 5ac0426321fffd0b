/**
 * Query latency in an ENCRYPTED store at 10k and 100k chunks: chunk texts are drawn from real
 * MedQuAD sentences (so term statistics look like medical text), vectors are synthetic (clustered,
 * 512-d), queries are the MedQuAD dev questions. Measures
 * hybrid, vector-only (binary shortlist + float rescoring) and BM25-only. Query embedding time is
 * excluded here (it is the embedder's cost, reported by the quality section).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Retriever,
  type SearchMode,
  type SearchOptions,
} from '../../apps/desktop/src/sidecar/knowledge/search.js';
import { openDatabase } from '../../apps/desktop/src/sidecar/store/database.js';
import { VectorIndex } from '../../apps/desktop/src/sidecar/store/vectors.js';
import { log, rng, summarize } from './common.js';
import { loadMedQuad } from './corpus.js';

const DIM = 512;
const CLUSTERS = 256;

function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / n;
  return v;
}

/**
 * The three modes as shipped (in-memory keyword index and vector bits), and the baseline in the
 * same run: the same searches answered by the store's own indexes (FTS5 with rare-word gating,
 * sqlite-vec), which is also what answers while the in-memory structures load.
 */
type Variant = SearchMode | 'bm25Store' | 'vectorStore' | 'hybridStore';
const STORE = { bm25Engine: 'fts5', vectorEngine: 'sqlite-vec' } as const;
const VARIANTS: readonly { name: Variant; options: SearchOptions }[] = [
  { name: 'bm25', options: { mode: 'bm25' } },
  { name: 'vector', options: { mode: 'vector' } },
  { name: 'hybrid', options: { mode: 'hybrid' } },
  { name: 'bm25Store', options: { mode: 'bm25', ...STORE } },
  { name: 'vectorStore', options: { mode: 'vector', ...STORE } },
  { name: 'hybridStore', options: { mode: 'hybrid', ...STORE } },
];

export interface LatencyResult {
  chunks: number;
  buildSeconds: number;
  fileMiB: number;
  queries: number;
  /** 1-minute load average when measured: the build machines are shared, wall time suffers. */
  loadAverage: number;
  /** Loading the in-memory keyword index and vector bits from the store, once per process. */
  warm: { seconds: number; heapMiB: number };
  /** Wall-clock per query. */
  ms: Record<Variant, { p50: number; p95: number; mean: number; n: number }>;
  /** CPU time of this process per query (what the query costs, less sensitive to other load). */
  cpuMs: Record<Variant, { p50: number; p95: number; mean: number; n: number }>;
}

export async function measureLatency(
  sizes: readonly number[],
  queries: number,
): Promise<LatencyResult[]> {
  const { docs, questions } = loadMedQuad();
  const sentences = docs.flatMap((d) => d.text.split(/(?<=[.!?])\s+/)).filter((x) => x.length > 20);
  const results: LatencyResult[] = [];
  for (const size of sizes) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-bench-lat-'));
    const file = path.join(dir, 'knowledge.db');
    const db = openDatabase({ file, key: Buffer.alloc(32, 9) });
    const vectors = new VectorIndex(db);
    const slot = vectors.ensureSlot('synthetic@1', DIM).slot;
    const rand = rng(size);
    const sentence = (): string => sentences[Math.floor(rand() * sentences.length)] ?? '';
    const title = (): string => docs[Math.floor(rand() * docs.length)]?.title ?? '';
    const centroids = Array.from({ length: CLUSTERS }, () =>
      normalize(Float32Array.from({ length: DIM }, () => rand() * 2 - 1)),
    );
    const t0 = performance.now();
    const vecs: Float32Array[] = [];
    const insertDoc = db.prepare(
      `INSERT INTO documents (source_path, folder, source, title, kind, content_hash, size_bytes, text, pages, chunk_count, ingested_at)
       VALUES (?, '/bench', 'local', ?, 'text', ?, 0, '', NULL, 10, '')`,
    );
    const insertChunk = db.prepare(
      `INSERT INTO chunks (document_id, ord, heading, text, start, "end", page) VALUES (?, ?, '', ?, 0, ?, NULL)`,
    );
    const insertFts = db.prepare('INSERT INTO chunks_fts (rowid, title, body) VALUES (?, ?, ?)');
    const BATCH = 1000;
    for (let base = 0; base < size; base += BATCH) {
      db.transaction(() => {
        for (let i = base; i < Math.min(size, base + BATCH); i++) {
          const docNo = Math.floor(i / 10);
          let docId: number;
          if (i % 10 === 0)
            docId = Number(
              insertDoc.run(`/bench/${docNo}.txt`, title(), `h${docNo}`).lastInsertRowid,
            );
          else docId = docNo + 1;
          const text = Array.from({ length: 6 }, sentence).join(' ');
          const id = Number(insertChunk.run(docId, i % 10, text, text.length).lastInsertRowid);
          insertFts.run(id, title(), text);
          const c = centroids[Math.floor(rand() * CLUSTERS)] ?? centroids[0];
          const v = normalize(
            Float32Array.from({ length: DIM }, (_, d) => (c?.[d] ?? 0) + (rand() - 0.5) * 0.6),
          );
          vectors.put(slot, id, v);
          if (i % Math.max(1, Math.floor(size / queries)) === 0) vecs.push(v);
        }
      })();
    }
    const buildSeconds = (performance.now() - t0) / 1000;
    db.pragma('wal_checkpoint(TRUNCATE)');
    const fileMiB = (await fs.stat(file)).size / 2 ** 20;
    log(
      `latency: built ${size} chunks in ${buildSeconds.toFixed(1)} s (${fileMiB.toFixed(0)} MiB encrypted)`,
    );
    const retriever = new Retriever(db, vectors);
    const heapBefore = process.memoryUsage();
    const warmStart = performance.now();
    await retriever.warm();
    const heapAfter = process.memoryUsage();
    const warm = {
      seconds: Math.round((performance.now() - warmStart) / 10) / 100,
      heapMiB: Math.round(
        (heapAfter.heapUsed +
          heapAfter.arrayBuffers -
          heapBefore.heapUsed -
          heapBefore.arrayBuffers) /
          2 ** 20,
      ),
    };
    log(`latency: in-memory indexes loaded in ${warm.seconds} s (${warm.heapMiB} MiB)`);
    const qs = vecs.slice(0, queries).map((vec, i) => ({
      text: questions[i % questions.length]?.question ?? '',
      vector: normalize(Float32Array.from(vec, (x) => x + (rand() - 0.5) * 0.2)),
    }));
    const ms = {} as LatencyResult['ms'];
    const cpuMs = {} as LatencyResult['ms'];
    const load = os.loadavg()[0] ?? 0;
    for (const { name: mode, options } of VARIANTS) {
      for (const q of qs.slice(0, 10))
        retriever.search(q.text, { slot, vector: q.vector }, { ...options, k: 10 }); // warm the page cache
      const times: number[] = [];
      const cpu: number[] = [];
      for (const q of qs) {
        const c = process.cpuUsage();
        const t = performance.now();
        retriever.search(q.text, { slot, vector: q.vector }, { ...options, k: 10 });
        times.push(performance.now() - t);
        const used = process.cpuUsage(c);
        cpu.push((used.user + used.system) / 1000);
      }
      ms[mode] = summarize(times);
      cpuMs[mode] = summarize(cpu);
      log(
        `latency: ${size} chunks ${mode}: p50 ${ms[mode].p50} ms, p95 ${ms[mode].p95} ms (cpu p95 ${cpuMs[mode].p95} ms)`,
      );
    }
    retriever.close();
    vectors.close();
    db.close();
    await fs.rm(dir, { recursive: true, force: true });
    results.push({
      chunks: size,
      buildSeconds: Math.round(buildSeconds * 10) / 10,
      fileMiB: Math.round(fileMiB),
      queries: qs.length,
      loadAverage: Math.round(load * 10) / 10,
      warm,
      ms,
      cpuMs,
    });
  }
  return results;
}
