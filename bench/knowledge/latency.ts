/**
 * Query latency in an ENCRYPTED store at 10k and 100k chunks with synthetic text and vectors:
 * hybrid, vector-only (binary shortlist + float rescoring) and BM25-only. Query embedding time is
 * excluded here (it is the embedder's cost, reported by the quality section).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Retriever, type SearchMode } from '../../apps/desktop/src/sidecar/knowledge/search.js';
import { openDatabase } from '../../apps/desktop/src/sidecar/store/database.js';
import { VectorIndex } from '../../apps/desktop/src/sidecar/store/vectors.js';
import { log, rng, summarize } from './common.js';

const DIM = 512;
const VOCAB = 20_000;
const CLUSTERS = 256;

function makeWord(i: number): string {
  const syll = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vi', 'so', 'pe', 'da', 'gu', 'fo', 'zi', 'be'];
  let w = '';
  let n = i + 7;
  do {
    w += syll[n % syll.length] ?? 'x';
    n = Math.floor(n / syll.length);
  } while (n > 0);
  return w;
}

function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / n;
  return v;
}

export interface LatencyResult {
  chunks: number;
  buildSeconds: number;
  fileMiB: number;
  queries: number;
  ms: Record<SearchMode, { p50: number; p95: number; mean: number; n: number }>;
}

export async function measureLatency(
  sizes: readonly number[],
  queries: number,
): Promise<LatencyResult[]> {
  const words = Array.from({ length: VOCAB }, (_, i) => makeWord(i));
  const results: LatencyResult[] = [];
  for (const size of sizes) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-bench-lat-'));
    const file = path.join(dir, 'knowledge.db');
    const db = openDatabase({ file, key: Buffer.alloc(32, 9) });
    const vectors = new VectorIndex(db);
    const slot = vectors.ensureSlot('synthetic@1', DIM).slot;
    const rand = rng(size);
    const zipf = (): string =>
      words[Math.min(VOCAB - 1, Math.floor(Math.pow(rand(), 3) * VOCAB))] ?? 'x';
    const centroids = Array.from({ length: CLUSTERS }, () =>
      normalize(Float32Array.from({ length: DIM }, () => rand() * 2 - 1)),
    );
    const t0 = performance.now();
    const texts: string[] = [];
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
              insertDoc.run(`/bench/${docNo}.txt`, `${zipf()} ${zipf()}`, `h${docNo}`)
                .lastInsertRowid,
            );
          else docId = docNo + 1;
          const text = Array.from({ length: 120 }, zipf).join(' ');
          const id = Number(insertChunk.run(docId, i % 10, text, text.length).lastInsertRowid);
          insertFts.run(id, `${zipf()} ${zipf()}`, text);
          const c = centroids[Math.floor(rand() * CLUSTERS)] ?? centroids[0];
          const v = normalize(
            Float32Array.from({ length: DIM }, (_, d) => (c?.[d] ?? 0) + (rand() - 0.5) * 0.6),
          );
          vectors.put(slot, id, v);
          if (i % Math.max(1, Math.floor(size / queries)) === 0) {
            texts.push(text);
            vecs.push(v);
          }
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
    const qs = texts.slice(0, queries).map((t, i) => {
      const tw = t.split(' ');
      const pick = (): string => tw[Math.floor(rand() * tw.length)] ?? 'x';
      const v = normalize(Float32Array.from(vecs[i] ?? [], (x) => x + (rand() - 0.5) * 0.2));
      return { text: `${pick()} ${pick()} ${pick()} ${pick()}`, vector: v };
    });
    const ms = {} as LatencyResult['ms'];
    for (const mode of ['bm25', 'vector', 'hybrid'] as const) {
      for (const q of qs.slice(0, 10))
        retriever.search(q.text, { slot, vector: q.vector }, { mode, k: 10 }); // warm the page cache
      const times: number[] = [];
      for (const q of qs) {
        const t = performance.now();
        retriever.search(q.text, { slot, vector: q.vector }, { mode, k: 10 });
        times.push(performance.now() - t);
      }
      ms[mode] = summarize(times);
      log(`latency: ${size} chunks ${mode}: p50 ${ms[mode].p50} ms, p95 ${ms[mode].p95} ms`);
    }
    db.close();
    await fs.rm(dir, { recursive: true, force: true });
    results.push({
      chunks: size,
      buildSeconds: Math.round(buildSeconds * 10) / 10,
      fileMiB: Math.round(fileMiB),
      queries: qs.length,
      ms,
    });
  }
  return results;
}
