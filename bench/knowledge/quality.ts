/**
 * Retrieval quality on MedQuAD (CC BY 4.0): one Markdown file per document, the dev questions,
 * recall@10 and MRR@10 at document level for BM25-only, vector-only and hybrid fusions, plus the
 * sweep of the BM25 weight that chose the default (BM25_WEIGHT in search.ts).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Embedder } from '../../apps/desktop/src/sidecar/knowledge/embed/embedder.js';
import { KnowledgeBase } from '../../apps/desktop/src/sidecar/knowledge/kb.js';
import {
  BM25_WEIGHT,
  Retriever,
  type SearchOptions,
} from '../../apps/desktop/src/sidecar/knowledge/search.js';
import { VectorIndex } from '../../apps/desktop/src/sidecar/store/vectors.js';
import { log, summarize } from './common.js';
import { definedBefore } from '../../apps/desktop/src/sidecar/knowledge/acronyms.js';
import { loadMedQuad, subset, writeDocs, type MedDoc, type MedQuestion } from './corpus.js';

const SECTION_WORDS = ['symptoms', 'treatment', 'causes'];

/**
 * Queries made of an abbreviation the corpus defines ("chronic kidney disease (CKD)") and a section
 * word, for every abbreviation whose long form is in some document titles (the gold documents).
 */
export function abbreviationQueries(docs: readonly MedDoc[]): MedQuestion[] {
  const forms = new Map<string, string>();
  for (const d of docs)
    for (const m of d.text.matchAll(/\(([A-Z][A-Za-z]?[A-Z0-9]{1,5})\)/g)) {
      const abbr = m[1] ?? '';
      const long = definedBefore(d.text.slice(Math.max(0, m.index - 120), m.index), abbr);
      if (long && long.split(' ').length >= 2 && !forms.has(abbr))
        forms.set(abbr, long.toLowerCase());
    }
  const out: MedQuestion[] = [];
  for (const [abbr, long] of [...forms].sort((a, b) => a[0].localeCompare(b[0]))) {
    const gold = docs.filter((d) => d.title.toLowerCase().includes(long)).map((d) => d.id);
    if (gold.length === 0) continue;
    SECTION_WORDS.forEach((w, i) =>
      out.push({ id: `abbr-${abbr}-${i}`, question: `${abbr} ${w}`, gold_doc_ids: gold }),
    );
  }
  return out;
}

export interface Metrics {
  recallAt10: number;
  mrrAt10: number;
  /** Questions whose first gold document is not at rank 1: id → rank (0 = not in the top 10). */
  misses: Record<string, number>;
}

export interface QualityResult {
  documents: number;
  chunks: number;
  questions: number;
  embedder: string;
  ingestSeconds: number;
  queryEmbedMs: { p50: number; p95: number; mean: number; n: number };
  bm25: Metrics;
  vector: Metrics;
  hybrid: Metrics & { bm25Weight: number };
  /** The same without spelling out abbreviations the sources define (the earlier behaviour). */
  hybridWithoutAbbreviations: Metrics;
  abbreviations: {
    queries: number;
    examples: string[];
    hybrid: Metrics;
    hybridWithoutAbbreviations: Metrics;
  };
  hybridRrf: Metrics;
  /**
   * The store's own indexes (FTS5 ranking with rare-word gating forced on, sqlite-vec), which
   * answer while the in-memory ones load: BM25-only and hybrid.
   */
  bm25Store: Metrics;
  hybridStore: Metrics;
  weightSweep: (Metrics & { bm25Weight: number })[];
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;

/**
 * `embedder` may cache document vectors across runs; `queryEmbedder` is the plain model, so the
 * reported query embedding time is real.
 */
export async function measureQuality(
  nDocs: number,
  embedder: Embedder,
  queryEmbedder: Embedder = embedder,
): Promise<QualityResult> {
  const { docs, questions } = loadMedQuad();
  const chosen = subset(docs, questions, nDocs);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-bench-medquad-'));
  try {
    await writeDocs(path.join(dir, 'docs'), chosen);
    const kb = KnowledgeBase.open({
      file: path.join(dir, 'knowledge.db'),
      key: Buffer.alloc(32, 3),
      embedder,
    });
    const t0 = performance.now();
    let lastLog = 0;
    const report = await kb.ingest([path.join(dir, 'docs')], {
      onProgress: (p) => {
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          log(`quality: ingesting ${p.filesDone}/${p.filesTotal} files, ${p.chunksDone} chunks`);
        }
      },
    });
    const ingestSeconds = (performance.now() - t0) / 1000;
    log(
      `quality: ingested ${report.added} docs, ${report.chunks} chunks in ${ingestSeconds.toFixed(1)} s`,
    );
    const vectors = new VectorIndex(kb.db);
    const slot = vectors.active()?.slot ?? 1;
    const retriever = new Retriever(kb.db, vectors);
    const qv: Float32Array[] = [];
    const embedMs: number[] = [];
    for (const q of questions) {
      const t = performance.now();
      const [v] = await queryEmbedder.embed([q.question]);
      embedMs.push(performance.now() - t);
      qv.push(v ?? new Float32Array(embedder.dimension));
    }
    // Abbreviation queries: "CKD symptoms" for each abbreviation the corpus defines whose long
    // form names documents (titles); gold = those documents.
    const abbreviationSet = abbreviationQueries(chosen);
    const av: Float32Array[] = [];
    for (const q of abbreviationSet) {
      const [v] = await queryEmbedder.embed([q.question]);
      av.push(v ?? new Float32Array(embedder.dimension));
    }
    const evaluate = (
      options: SearchOptions,
      set: readonly MedQuestion[] = questions,
      vectors: readonly Float32Array[] = qv,
    ): Metrics => {
      let recall = 0;
      let mrr = 0;
      const misses: Record<string, number> = {};
      set.forEach((q, i) => {
        const hits = retriever.search(
          q.question,
          { slot, vector: vectors[i] ?? new Float32Array() },
          { ...options, k: 40 },
        );
        const ranked: string[] = [];
        for (const h of hits) {
          const id = path.basename(h.sourcePath, '.md');
          if (!ranked.includes(id)) ranked.push(id);
        }
        const top = ranked.slice(0, 10);
        const gold = new Set(q.gold_doc_ids);
        recall += top.filter((id) => gold.has(id)).length / gold.size;
        const first = top.findIndex((id) => gold.has(id));
        mrr += first >= 0 ? 1 / (first + 1) : 0;
        if (first !== 0) misses[q.id] = first + 1;
      });
      return {
        recallAt10: round(recall / Math.max(1, set.length)),
        mrrAt10: round(mrr / Math.max(1, set.length)),
        misses,
      };
    };
    const weightSweep = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((w) => ({
      bm25Weight: w,
      ...evaluate({ mode: 'hybrid', bm25Weight: w }),
    }));
    const result: QualityResult = {
      documents: report.added,
      chunks: report.chunks,
      questions: questions.length,
      embedder: embedder.id,
      ingestSeconds: Math.round(ingestSeconds * 10) / 10,
      queryEmbedMs: summarize(embedMs),
      bm25: evaluate({ mode: 'bm25' }),
      vector: evaluate({ mode: 'vector' }),
      hybrid: { bm25Weight: BM25_WEIGHT, ...evaluate({ mode: 'hybrid' }) },
      hybridWithoutAbbreviations: evaluate({ mode: 'hybrid', expandAbbreviations: false }),
      abbreviations: {
        queries: abbreviationSet.length,
        examples: abbreviationSet.slice(0, 5).map((q) => q.question),
        hybrid: evaluate({ mode: 'hybrid' }, abbreviationSet, av),
        hybridWithoutAbbreviations: evaluate(
          { mode: 'hybrid', expandAbbreviations: false },
          abbreviationSet,
          av,
        ),
      },
      hybridRrf: evaluate({ mode: 'hybrid', fusion: 'rrf' }),
      bm25Store: evaluate({ mode: 'bm25', bm25Gate: 'always', bm25Engine: 'fts5' }),
      hybridStore: evaluate({
        mode: 'hybrid',
        bm25Gate: 'always',
        bm25Engine: 'fts5',
        vectorEngine: 'sqlite-vec',
      }),
      weightSweep,
    };
    await kb.close();
    return result;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
