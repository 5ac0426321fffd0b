import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { openDatabase, schemaVersion, type Db } from '../store/database.js';
import { DocumentRepository, type KbSource } from '../store/documents.js';
import type { KeyLog } from '../store/keystore.js';
import { VectorIndex, type ModelSlot } from '../store/vectors.js';
import {
  ExtractiveAnswerGenerator,
  answerPassages,
  checkCitations,
  type Answer,
  type AnswerGenerator,
} from './answer.js';
import type { Embedder } from './embed/embedder.js';
import { Ingester, type IngestOptions, type IngestReport } from './ingest.js';
import { reembed, type ReembedProgress } from './reembed.js';
import { Retriever, type SearchHit, type SearchOptions } from './search.js';
import { SourcePhiRepository, type BackfillProgress } from './source-phi.js';
import type { PhiSpan } from '@voiceassist/phi';

export type KbLog = KeyLog;
export type { KbSource };

export interface OpenKnowledgeBaseOptions {
  readonly file: string;
  readonly key: Buffer;
  /** Embeds new documents and queries. A different model than the store's triggers a re-embed. */
  readonly embedder: Embedder;
  /** Other models still available (e.g. the previous one), used for queries during a re-embed. */
  readonly queryEmbedders?: readonly Embedder[];
  readonly log?: KbLog;
  readonly cacheMiB?: number;
  /** Start re-embedding in the background when the model changed (default true). */
  readonly reembedInBackground?: boolean;
  readonly onReembedProgress?: (p: ReembedProgress) => void;
  /**
   * Scan chunks ingested before identifier spans were kept, in the background after open
   * (default true). Prompts scan such a chunk themselves if they reach it first.
   */
  readonly phiBackfill?: boolean;
}

export interface SearchResult {
  readonly hits: SearchHit[];
  /** `full`, or `bm25-only` while no query embedder matches the store's active vectors. */
  readonly vectorSearch: 'full' | 'bm25-only';
}

export interface KbStats {
  readonly file: string;
  readonly fileBytes: number;
  readonly schemaVersion: number;
  readonly documents: number;
  readonly chunks: number;
  readonly byKind: Record<string, number>;
  readonly bySource: Record<string, number>;
  readonly models: (ModelSlot & { vectors: number })[];
  readonly reembedding: boolean;
  readonly unfinishedJobs: number;
}

const NOOP_LOG: KbLog = { info: () => undefined, warn: () => undefined };

/** Answers are refused (covered: false) below this share of question terms in the best passages… */
export const MIN_TERM_COVERAGE = 0.5;
/** …unless a passage is this close in embedding space. */
export const MIN_COSINE = 0.55;

/**
 * The knowledge engine over one encrypted store: ingest, search, answer, stats. One instance per
 * profile (profile.ts opens it); the engine's services and the CLI all use that one.
 */
export class KnowledgeBase {
  private readonly vectors: VectorIndex;
  private readonly documents: DocumentRepository;
  private readonly retriever: Retriever;
  private readonly ingester: Ingester;
  private readonly reembedAbort = new AbortController();
  private reembedding: Promise<void> | undefined;
  private phiBackfill: Promise<BackfillProgress> | undefined;
  private generator: AnswerGenerator;
  private readonly sourcePhi: SourcePhiRepository;

  /** The model new documents and queries are embedded with. */
  get embedder(): Pick<Embedder, 'id' | 'dimension'> {
    return this.options.embedder;
  }

  private constructor(
    readonly db: Db,
    private readonly options: OpenKnowledgeBaseOptions,
  ) {
    this.vectors = new VectorIndex(db);
    this.documents = new DocumentRepository(db);
    this.retriever = new Retriever(db, this.vectors);
    this.ingester = new Ingester(db, this.vectors, options.embedder);
    this.generator = new ExtractiveAnswerGenerator();
    this.sourcePhi = new SourcePhiRepository(db);
  }

  static open(options: OpenKnowledgeBaseOptions): KnowledgeBase {
    const db = openDatabase({
      file: options.file,
      key: options.key,
      ...(options.cacheMiB ? { cacheMiB: options.cacheMiB } : {}),
    });
    const kb = new KnowledgeBase(db, options);
    const log = options.log ?? NOOP_LOG;
    const slot = kb.vectors.ensureSlot(options.embedder.id, options.embedder.dimension);
    const active = kb.vectors.active();
    log.info(`knowledge: embedding model ${options.embedder.id} (${options.embedder.dimension}-d)`);
    if (slot.state !== 'active' && active && (options.reembedInBackground ?? true)) {
      log.info(
        `knowledge: store vectors are from ${active.modelId}; re-embedding in the background`,
      );
      kb.reembedding = kb.runReembed();
    }
    if (options.phiBackfill ?? true)
      kb.phiBackfill = kb.runPhiBackfill(log).catch((err: unknown) => {
        // Not fatal: a prompt scans a chunk without spans itself. The error name only (no text).
        if (!kb.reembedAbort.signal.aborted)
          log.warn(
            `knowledge: identifier scan stopped (${err instanceof Error ? err.name : 'error'})`,
          );
        return { done: 0, total: 0 };
      });
    return kb;
  }

  /**
   * Chunks stored before migration 6 get their identifier spans, in slices, with a progress line
   * per tenth (counts only: the spans are never logged).
   */
  private async runPhiBackfill(log: KbLog): Promise<BackfillProgress> {
    await new Promise((resolve) => setImmediate(resolve)); // after open returns
    const pending = this.reembedAbort.signal.aborted ? 0 : this.sourcePhi.pending();
    if (pending === 0) return { done: 0, total: 0 };
    log.info(`knowledge: scanning ${pending} stored passages for identifiers (sources mode)`);
    let reported = 0;
    const result = await this.sourcePhi.backfill({
      signal: this.reembedAbort.signal,
      onProgress: ({ done, total }) => {
        if (done - reported < total / 10 && done < total) return;
        reported = done;
        log.info(`knowledge: identifier scan ${done} of ${total} passages`);
      },
    });
    return result;
  }

  /** Resolves when the background identifier scan of older chunks is over (tests, CLI). */
  async phiBackfillDone(): Promise<BackfillProgress> {
    return (await this.phiBackfill) ?? { done: 0, total: 0 };
  }

  /**
   * The identifier spans of each hit's chunk text, found at ingest in the sources mode (a chunk
   * from before is scanned now): what a prompt replaces in source text, and nothing else.
   */
  sourceSpans(hits: readonly Pick<SearchHit, 'chunkId' | 'text'>[]): Map<number, PhiSpan[]> {
    return this.sourcePhi.spansFor(hits);
  }

  /** Sets the answer generator (the LLM path, once the assistant wires one); extractive by default. */
  setAnswerGenerator(generator: AnswerGenerator): void {
    this.generator = generator;
  }

  /** Re-embeds now (awaitable); resolves when the store's vectors are from the current model. */
  reembedNow(): Promise<void> {
    this.reembedding ??= this.runReembed();
    return this.reembedding;
  }

  private async runReembed(): Promise<void> {
    const log = this.options.log ?? NOOP_LOG;
    try {
      await reembed(this.db, this.vectors, this.options.embedder, {
        signal: this.reembedAbort.signal,
        ...(this.options.onReembedProgress ? { onProgress: this.options.onReembedProgress } : {}),
      });
      log.info(`knowledge: re-embedding with ${this.options.embedder.id} finished`);
    } catch (err) {
      if (!this.reembedAbort.signal.aborted)
        log.warn(
          `knowledge: re-embedding failed: ${err instanceof Error ? err.message : String(err)}`,
        );
    } finally {
      this.reembedding = undefined;
    }
  }

  unfinishedJobs(): number[] {
    return this.ingester.unfinishedJobs();
  }

  ingest(inputs: readonly string[], options?: IngestOptions): Promise<IngestReport> {
    return this.ingester.ingest(inputs, options);
  }

  /** Removes what was ingested from these paths (files deleted at their source); returns how many. */
  removeSources(paths: readonly string[]): number {
    const find = this.db.prepare('SELECT id FROM documents WHERE source_path = ?');
    return this.db.transaction(() => {
      let n = 0;
      for (const p of paths) {
        const row = find.get(p) as { id: number } | undefined;
        if (!row) continue;
        this.ingester.deleteDocument(row.id);
        n++;
      }
      return n;
    })();
  }

  /**
   * Files renamed or moved at their source (Nextcloud folder sync): each document keeps its
   * chunks and vectors under the new path, so nothing is parsed or embedded again. A pair whose
   * old path is not stored, or whose new path already is, is left alone. Returns how many moved.
   */
  renameSources(moves: readonly Readonly<{ from: string; to: string }>[]): number {
    const taken = this.db.prepare('SELECT 1 FROM documents WHERE source_path = ?');
    const move = this.db.prepare(
      'UPDATE documents SET source_path = ?, folder = ? WHERE source_path = ?',
    );
    return this.db.transaction(() => {
      let n = 0;
      for (const m of moves) {
        if (taken.get(m.to)) continue;
        n += move.run(m.to, path.dirname(m.to), m.from).changes;
      }
      return n;
    })();
  }

  resumeIngestion(options?: Pick<IngestOptions, 'signal' | 'onProgress'>): Promise<IngestReport> {
    return this.ingester.resume(options);
  }

  private queryEmbedderFor(modelId: string): Embedder | undefined {
    if (this.options.embedder.id === modelId) return this.options.embedder;
    return this.options.queryEmbedders?.find((e) => e.id === modelId);
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    // A re-embed may switch the active model while the query is being embedded (its old vector
    // tables are then gone): check again after the await and embed once more with the new model.
    for (let attempt = 0; ; attempt++) {
      const active = this.vectors.active();
      const embedder =
        active && options.mode !== 'bm25' ? this.queryEmbedderFor(active.modelId) : undefined;
      let q: { slot: number; vector: Float32Array } | undefined;
      if (active && embedder) {
        const [vector] = await embedder.embed([query]);
        if (vector) q = { slot: active.slot, vector };
      }
      if (q && this.vectors.active()?.slot !== q.slot && attempt < 2) continue;
      if (q && this.vectors.active()?.slot !== q.slot) q = undefined; // still switching: keywords only
      const hits = this.retriever.search(query, q, options);
      return { hits, vectorSearch: q || options.mode === 'bm25' ? 'full' : 'bm25-only' };
    }
  }

  async answer(
    question: string,
    options: { k?: number; filter?: SearchOptions['filter']; signal?: AbortSignal } = {},
  ): Promise<Answer> {
    const { hits } = await this.search(question, {
      k: options.k ?? 8,
      ...(options.filter ? { filter: options.filter } : {}),
    });
    const sources = dedupeSources(hits);
    const supported = answerPassages(question, hits, { MIN_TERM_COVERAGE, MIN_COSINE });
    const input = {
      question,
      passages: supported,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    // The local generator also says how sure it is and when the closest source is off topic.
    const local =
      this.generator instanceof ExtractiveAnswerGenerator && supported.length > 0
        ? this.generator.answer(input)
        : undefined;
    const generated = local
      ? local.sentences
      : supported.length > 0
        ? await this.generator.generate(input)
        : [];
    const sentences = checkCitations(generated, supported);
    const covered = sentences.length > 0 && (local?.covered ?? true);
    const nearest = sources.slice(0, 3).map((s) => s.title);
    const notCovered =
      nearest.length > 0
        ? `Your sources do not cover this question. Nearest sources: ${nearest.join('; ')}.`
        : 'Your sources do not cover this question: the knowledge store has nothing related.';
    return {
      answer: covered
        ? sentences.map((s) => s.text.replace(/\s+/g, ' ')).join(' ')
        : (local?.notice ?? notCovered),
      // Off-topic or unsure local sentences are still shown, under the notice, for checking.
      sentences: covered || local?.notice ? sentences : [],
      covered,
      generator: this.generator.id,
      sources,
      confidence: local ? local.confidence : covered ? 1 : 0,
      ...(local?.notice ? { notice: local.notice } : {}),
    };
  }

  /** Every document in the store, newest first, for a sources list. */
  sources(): KbSource[] {
    return this.documents.list();
  }

  /** Removes documents with their chunks, full-text rows and vectors; returns how many were there. */
  removeDocuments(documentIds: readonly number[]): number {
    return this.db.transaction(() => {
      let removed = 0;
      const exists = this.db.prepare('SELECT 1 FROM documents WHERE id = ?');
      for (const id of documentIds)
        if (exists.get(id)) {
          this.ingester.deleteDocument(id);
          removed++;
        }
      return removed;
    })();
  }

  /** The heading path of the chunk holding `offset` of a document ('' before the first heading). */
  sectionAt(documentId: number, offset: number): string {
    const row = this.db
      .prepare(
        'SELECT heading FROM chunks WHERE document_id = ? AND start <= ? ORDER BY start DESC LIMIT 1',
      )
      .get(documentId, offset) as { heading: string } | undefined;
    return row?.heading ?? '';
  }

  /** The source text of a document, for showing a citation's span highlighted. */
  documentText(
    documentId: number,
  ): { sourcePath: string; title: string; text: string } | undefined {
    return this.documents.text(documentId);
  }

  stats(): KbStats {
    return {
      file: this.options.file,
      fileBytes: existsSync(this.options.file) ? statSync(this.options.file).size : 0,
      schemaVersion: schemaVersion(this.db),
      ...this.documents.counts(),
      models: this.vectors.models().map((m) => ({ ...m, vectors: this.vectors.count(m.slot) })),
      reembedding: this.reembedding !== undefined,
      unfinishedJobs: this.unfinishedJobs().length,
    };
  }

  /**
   * Resolves once the in-memory keyword index and vector bits are loaded. Without this call they
   * load on the first query (small stores inline, large ones in the background while FTS5 and
   * sqlite-vec answer).
   */
  warmSearch(): Promise<void> {
    return this.retriever.warm();
  }

  async close(): Promise<void> {
    this.reembedAbort.abort();
    await this.reembedding;
    await this.phiBackfill?.catch(() => undefined);
    this.retriever.close();
    this.vectors.close();
    this.db.close();
  }
}

function dedupeSources(
  hits: readonly SearchHit[],
): { sourcePath: string; title: string; page: number | null; score: number }[] {
  const seen = new Set<string>();
  const out: { sourcePath: string; title: string; page: number | null; score: number }[] = [];
  for (const h of hits) {
    if (seen.has(h.sourcePath)) continue;
    seen.add(h.sourcePath);
    out.push({ sourcePath: h.sourcePath, title: h.title, page: h.page, score: h.score });
  }
  return out;
}
