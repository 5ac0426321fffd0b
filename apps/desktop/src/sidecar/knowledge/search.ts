import type { Db } from '../store/database.js';
import { dot, type VectorIndex } from '../store/vectors.js';
import type { SyncedIndexHolder } from '../store/synced-index.js';
import { AcronymExpander } from './acronyms.js';
import { lexicalIndexHolder, TITLE_WEIGHT, type LexicalIndex } from './lexical.js';
import { STOPWORDS, words } from './terms.js';

export type SearchMode = 'hybrid' | 'bm25' | 'vector';
export type Fusion = 'weighted' | 'rrf';

export interface SearchFilter {
  /** Document sources (`local`, `clinic`, …). */
  readonly sources?: readonly string[];
  /** Folders; a document matches when it lies in one of them or below. */
  readonly folders?: readonly string[];
  /** A document matches when it carries every one of these tags. */
  readonly tags?: readonly string[];
}

export interface SearchOptions {
  readonly k?: number;
  readonly mode?: SearchMode;
  readonly filter?: SearchFilter;
  readonly fusion?: Fusion;
  /** Weight of the (max-normalised) BM25 score against the cosine in weighted fusion. */
  readonly bm25Weight?: number;
  /** Rare-word gating of BM25 candidates: `auto` (large stores only, default), `always`, `never`. */
  readonly bm25Gate?: 'auto' | 'always' | 'never';
  /** BM25 engine: the in-memory index when it is ready (`auto`, default), or always FTS5. */
  readonly bm25Engine?: 'auto' | 'fts5';
  /** Hamming shortlist: in memory when loaded (`auto`, default), or always sqlite-vec. */
  readonly vectorEngine?: 'auto' | 'sqlite-vec';
  /** Spell out abbreviations the sources define ("CKD" → "chronic kidney disease") for BM25 (default true). */
  readonly expandAbbreviations?: boolean;
}

export interface SearchHit {
  readonly chunkId: number;
  readonly documentId: number;
  readonly title: string;
  readonly sourcePath: string;
  readonly heading: string;
  readonly page: number | null;
  /** Character offsets of the chunk in its document's source text. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly score: number;
  /** Positive BM25 score when the chunk matched the full-text query. */
  readonly bm25: number | null;
  /** Cosine similarity to the query when a query vector was available. */
  readonly cosine: number | null;
}

/**
 * Fusion weights chosen by measurement on the MedQuAD dev questions (bench/knowledge/run.ts
 * sweeps them and reports the curve): titles weigh 4x body text in BM25 (TITLE_WEIGHT), and the
 * fused score is BM25_WEIGHT * bm25/max(bm25) + (1 - BM25_WEIGHT) * cosine. With 1000 documents,
 * MRR@10 is 0.977 for weights 0.3-0.5 against 0.970 for BM25 alone; 0.4 is the plateau's middle.
 */
export { TITLE_WEIGHT };
export const BM25_WEIGHT = 0.4;
const RRF_K = 60;
/**
 * Candidates per retriever. The Hamming shortlist is rescored exactly with the float vectors, one
 * encrypted-page read each, so it stays small (sqlite-vec's own k-NN, the fallback while the bits
 * load, also grows with k: at 100k, k=40 is about 4x cheaper than k=200; bench/knowledge).
 */
const POOL_MIN = 30;
const SHORTLIST_MIN = 40;
/** From this many chunks on, BM25 candidates must contain a word rarer than COMMON_WORD_SHARE. */
const GATE_MIN_CHUNKS = 20_000;
const COMMON_WORD_SHARE = 0.05;
const COUNT_TTL_MS = 5_000;

/** Content words of a query, for FTS5 (stopwords and single letters dropped, deduplicated). */
export function queryWords(query: string): string[] {
  const seen = new Set<string>();
  for (const { word } of words(query)) {
    if (STOPWORDS.has(word) || (word.length < 2 && !/\d/.test(word))) continue;
    seen.add(word.replace(/"/g, ''));
  }
  return [...seen];
}

const quoteOr = (ws: readonly string[]): string => ws.map((w) => `"${w}"`).join(' OR ');

/** FTS5 query: the content words of the question, each quoted, OR-ed (BM25 ranks them). */
export function ftsQuery(query: string): string | null {
  const ws = queryWords(query);
  return ws.length === 0 ? null : quoteOr(ws);
}

interface ChunkRow {
  id: number;
  document_id: number;
  heading: string;
  text: string;
  start: number;
  end: number;
  page: number | null;
  title: string;
  source_path: string;
}

export class Retriever {
  private cachedCount: { at: number; n: number } | undefined;
  private readonly lexical: SyncedIndexHolder<LexicalIndex> = lexicalIndexHolder();
  private readonly acronyms: AcronymExpander;
  constructor(
    private readonly db: Db,
    private readonly vectors: VectorIndex,
  ) {
    this.acronyms = new AcronymExpander(db);
  }

  /**
   * Resolves when the in-memory keyword index and vector bits are loaded (they load on their own
   * otherwise: small stores on the first query, large ones in the background).
   */
  async warm(): Promise<void> {
    await Promise.all([this.lexical.ready(this.db), this.vectors.warm()]);
  }

  close(): void {
    this.lexical.close();
  }

  /** Chunk ids allowed by a filter, or undefined when there is no filter. */
  private allowedChunks(filter: SearchFilter | undefined): Set<number> | undefined {
    if (!filter) return undefined;
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.sources?.length) {
      where.push(`d.source IN (${filter.sources.map(() => '?').join(',')})`);
      args.push(...filter.sources);
    }
    if (filter.folders?.length) {
      where.push(
        `(${filter.folders.map(() => `(d.folder = ? OR d.folder LIKE ? ESCAPE '\\')`).join(' OR ')})`,
      );
      for (const f of filter.folders) {
        const clean = f.replace(/[/\\]+$/, '');
        args.push(clean, `${clean.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`);
      }
    }
    for (const tag of filter.tags ?? []) {
      where.push('EXISTS (SELECT 1 FROM document_tags t WHERE t.document_id = d.id AND t.tag = ?)');
      args.push(tag);
    }
    if (where.length === 0) return undefined;
    const rows = this.db
      .prepare(
        `SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id WHERE ${where.join(' AND ')}`,
      )
      .all(...args) as { id: number }[];
    return new Set(rows.map((r) => r.id));
  }

  private chunkCount(): number {
    const now = Date.now();
    if (!this.cachedCount || now - this.cachedCount.at > COUNT_TTL_MS)
      this.cachedCount = {
        at: now,
        n: (this.db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n,
      };
    return this.cachedCount.n;
  }

  /** Chunks containing `word` after FTS5's Porter stemming: the longest indexed prefix of it. */
  private documentFrequency(word: string): number {
    const rows = this.db
      .prepare('SELECT term, doc FROM chunks_fts_vocab WHERE term >= ? AND term <= ?')
      .all(word.slice(0, Math.max(2, word.length - 4)), word) as { term: string; doc: number }[];
    let best: { term: string; doc: number } | undefined;
    for (const r of rows)
      if (word.startsWith(r.term) && (!best || r.term.length > best.term.length)) best = r;
    return best?.doc ?? 0;
  }

  /**
   * The FTS5 expression. In a large store, scoring every chunk that contains a common word
   * ("treatment", "symptoms") dominates query time; there the candidates must contain at least
   * one rarer word, while the common words still add to their BM25 score (bench/knowledge: about
   * 3x less CPU per query on MedQuAD-like text, same top hit for 75 of 76 dev questions).
   */
  ftsExpression(query: string, gate: 'auto' | 'always' | 'never' = 'auto'): string | null {
    const ws = queryWords(query);
    if (ws.length === 0) return null;
    const n = gate === 'never' ? 0 : this.chunkCount();
    if (gate === 'never' || (gate === 'auto' && n < GATE_MIN_CHUNKS) || ws.length < 2)
      return quoteOr(ws);
    const rare = ws.filter((w) => {
      const df = this.documentFrequency(w);
      return df > 0 && df < COMMON_WORD_SHARE * n; // an unknown word (typo) must not gate everything out
    });
    if (rare.length === 0 || rare.length === ws.length) return quoteOr(ws);
    // The rare words appear twice in the expression (gate + score), so the common ones are listed
    // twice too: every word then counts double and BM25's ranking of the candidates is unchanged.
    const common = ws.filter((w) => !rare.includes(w));
    return `(${quoteOr(rare)}) AND (${quoteOr(ws)} OR ${quoteOr(common)})`;
  }

  /** BM25 over chunk titles (document title + heading, boosted) and text; scores are positive. */
  bm25(
    query: string,
    limit: number,
    allowed?: Set<number>,
    gate?: 'auto' | 'always' | 'never',
    engine: 'auto' | 'fts5' = 'auto',
  ): Map<number, number> {
    const index = engine === 'auto' ? this.lexical.current(this.db) : undefined;
    if (index) return index.search(query, limit, allowed);
    const fts = this.ftsExpression(query, gate);
    const out = new Map<number, number>();
    if (!fts) return out;
    const rows = this.db
      .prepare(
        `SELECT rowid AS id, -rank AS score FROM chunks_fts
         WHERE chunks_fts MATCH ? AND rank MATCH 'bm25(${TITLE_WEIGHT}, 1.0)' ORDER BY rank LIMIT ?`,
      )
      .all(fts, allowed ? limit * 20 : limit) as { id: number; score: number }[];
    for (const r of rows) {
      if (allowed && !allowed.has(r.id)) continue;
      out.set(r.id, r.score);
      if (out.size >= limit) break;
    }
    return out;
  }

  /**
   * Vector candidates: a Hamming shortlist on the sign bits, rescored with the float vectors. With
   * a narrow filter the allowed chunks are scored exactly instead.
   */
  vector(
    slot: number,
    q: Float32Array,
    limit: number,
    allowed?: Set<number>,
    engine: 'auto' | 'sqlite-vec' = 'auto',
  ): Map<number, number> {
    let ids: number[];
    if (allowed && allowed.size <= 5_000) ids = [...allowed];
    else {
      const k = allowed ? limit * 10 : Math.max(limit, SHORTLIST_MIN);
      const shortlist =
        engine === 'sqlite-vec'
          ? this.vectors.shortlistInStore(slot, q, k)
          : this.vectors.shortlist(slot, q, k);
      ids = allowed ? shortlist.filter((id) => allowed.has(id)) : shortlist;
    }
    const scored = [...this.vectors.vectors(slot, ids)].map(([id, v]) => [id, dot(q, v)] as const);
    scored.sort((a, b) => b[1] - a[1]);
    return new Map(scored.slice(0, limit));
  }

  search(
    query: string,
    q: { slot: number; vector: Float32Array } | undefined,
    options: SearchOptions = {},
  ): SearchHit[] {
    const k = options.k ?? 10;
    const requested = options.mode ?? 'hybrid';
    const mode = q ? requested : requested === 'vector' ? 'vector' : 'bm25';
    const allowed = this.allowedChunks(options.filter);
    const pool = Math.max(POOL_MIN, k * 3);
    const keywords = options.expandAbbreviations === false ? query : this.acronyms.expand(query);
    const bm25 =
      mode === 'vector'
        ? new Map<number, number>()
        : this.bm25(keywords, pool, allowed, options.bm25Gate, options.bm25Engine);
    const cos =
      mode === 'bm25' || !q
        ? new Map<number, number>()
        : this.vector(q.slot, q.vector, pool, allowed, options.vectorEngine);
    if (mode === 'hybrid' && q) {
      // Exact cosine for BM25 candidates the vector shortlist missed, so every candidate has both.
      const missing = [...bm25.keys()].filter((id) => !cos.has(id));
      for (const [id, v] of this.vectors.vectors(q.slot, missing)) cos.set(id, dot(q.vector, v));
    }
    const fused = fuse(
      mode,
      bm25,
      cos,
      options.fusion ?? 'weighted',
      options.bm25Weight ?? BM25_WEIGHT,
    );
    const top = fused.slice(0, k);
    return this.hydrate(top, bm25, cos);
  }

  private hydrate(
    top: readonly (readonly [number, number])[],
    bm25: Map<number, number>,
    cos: Map<number, number>,
  ): SearchHit[] {
    const stmt = this.db.prepare(
      `SELECT c.id, c.document_id, c.heading, c.text, c.start, c."end" AS "end", c.page, d.title, d.source_path
       FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ?`,
    );
    const hits: SearchHit[] = [];
    for (const [id, score] of top) {
      const r = stmt.get(id) as ChunkRow | undefined;
      if (!r) continue;
      hits.push({
        chunkId: r.id,
        documentId: r.document_id,
        title: r.title,
        sourcePath: r.source_path,
        heading: r.heading,
        page: r.page,
        start: r.start,
        end: r.end,
        text: r.text,
        score,
        bm25: bm25.get(id) ?? null,
        cosine: cos.get(id) ?? null,
      });
    }
    return hits;
  }
}

/** Ranked [chunkId, score] pairs. */
export function fuse(
  mode: SearchMode,
  bm25: Map<number, number>,
  cos: Map<number, number>,
  fusion: Fusion,
  bm25Weight: number,
): (readonly [number, number])[] {
  const sorted = (m: Map<number, number>): [number, number][] => [...m].sort((a, b) => b[1] - a[1]);
  if (mode === 'bm25') return sorted(bm25);
  if (mode === 'vector') return sorted(cos);
  const ids = new Set([...bm25.keys(), ...cos.keys()]);
  const out = new Map<number, number>();
  if (fusion === 'rrf') {
    const rank = (m: Map<number, number>): Map<number, number> =>
      new Map(sorted(m).map(([id], i) => [id, i + 1]));
    const rb = rank(bm25);
    const rv = rank(new Map([...cos].filter(([id]) => ids.has(id))));
    for (const id of ids) {
      const a = rb.get(id);
      const b = rv.get(id);
      out.set(id, (a ? 1 / (RRF_K + a) : 0) + (b ? 1 / (RRF_K + b) : 0));
    }
  } else {
    let maxB = 0;
    for (const s of bm25.values()) maxB = Math.max(maxB, s);
    for (const id of ids) {
      const b = maxB > 0 ? (bm25.get(id) ?? 0) / maxB : 0;
      out.set(id, bm25Weight * b + (1 - bm25Weight) * (cos.get(id) ?? 0));
    }
  }
  return sorted(out);
}
