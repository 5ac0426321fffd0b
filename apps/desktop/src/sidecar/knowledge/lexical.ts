import { stemmer } from 'stemmer';
import type { Db } from '../store/database.js';
import {
  changesSince,
  lastChangeSeq,
  SharedIndex,
  readInPages,
  type SyncState,
  type SyncedIndex,
} from '../store/shared-index.js';
import { STOPWORDS } from './terms.js';

/**
 * An in-memory inverted index that scores BM25 exactly the way FTS5's `bm25()` does, but in
 * milliseconds on a large store: FTS5 evaluates its ranking function row by row for every chunk
 * that contains any query word, so a question with a common word ("symptoms", "disease") costs
 * 100+ ms at 100k chunks (bench/knowledge). Here each query term is one pass over a typed-array
 * posting list into a score accumulator.
 *
 * The store stays the source of truth: the index is built from the `chunks` table and kept in step
 * through `chunk_changes`, a log the store's triggers append to in the same transaction as every
 * chunk insert or delete, so writes from another handle or another process are seen on the next
 * query. FTS5 remains the fallback while the index is being built.
 */

/** FTS5's bm25() constants (fts5_aux.c). */
const K1 = 1.2;
const B = 0.75;

/** Same tokenization as the store's FTS5 table (`porter unicode61 remove_diacritics 2`). */
const WORD_CHAR = /[\p{L}\p{N}]/u;
const ASCII_WORD = new Uint8Array(128).map((_, c) =>
  (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : 0,
);

/**
 * Calls `visit` with each word (a run of letters and digits) of lower-cased `text`; returns the
 * word count. A character scan rather than a global regex: building a 100k-chunk index visits
 * about 13M words, and a match object per word is most of the garbage.
 */
function forEachWord(text: string, visit: (word: string) => void): number {
  let n = 0;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    let isWord: boolean;
    let width = 1;
    if (c < 128) isWord = ASCII_WORD[c] === 1;
    else {
      const cp = text.codePointAt(i) ?? 32;
      if (cp > 0xffff) width = 2;
      isWord = WORD_CHAR.test(String.fromCodePoint(cp));
    }
    if (isWord) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      visit(text.slice(start, i));
      n++;
      start = -1;
    }
    i += width - 1;
  }
  return n;
}

/** Text of the FTS5 `title` column for a chunk: the document title, then its heading. */
export function chunkTitle(title: string, heading: string): string {
  return heading && heading !== title ? `${title}\n${heading}` : title;
}

/** Title words count this many times a body word (the FTS5 column weight, `bm25(4, 1)`). */
export const TITLE_WEIGHT = 4;

class Postings {
  docs = new Int32Array(4);
  freqs = new Uint16Array(4);
  length = 0;

  push(doc: number, freq: number): void {
    if (this.length === this.docs.length) {
      const docs = new Int32Array(this.length * 2);
      docs.set(this.docs);
      this.docs = docs;
      const freqs = new Uint16Array(this.length * 2);
      freqs.set(this.freqs);
      this.freqs = freqs;
    }
    this.docs[this.length] = doc;
    this.freqs[this.length] = Math.min(freq, 0xffff);
    this.length++;
  }
}

interface ChunkText {
  id: number;
  title: string;
  heading: string;
  text: string;
}

const CHUNK_TEXT_SQL = `SELECT c.id, d.title, c.heading, c.text FROM chunks c JOIN documents d ON d.id = c.document_id`;
/** Chunks read per step of a background build, between which the event loop runs. */
const BUILD_PAGE = 500;
/** Dead postings above this share of all documents trigger a rebuild (they only cost time). */
const MAX_DEAD_SHARE = 0.25;

export class LexicalIndex implements SyncedIndex {
  /** Postings per term id. */
  private readonly postings: Postings[] = [];
  private readonly termIds = new Map<string, number>();
  /** Lower-cased word → term id, or -1 for a word that is not indexed (stopword, lone letter). */
  private readonly wordIds = new Map<string, number>();
  /** Per-term counts of the chunk being added (reused), and the terms it touched. */
  private counts = new Uint32Array(1024);
  private readonly touchedTerms: number[] = [];
  private chunkIds = new Int32Array(1024);
  private lengths = new Float32Array(1024);
  private alive = new Uint8Array(1024);
  private readonly docOf = new Map<number, number>();
  private docs = 0;
  private live = 0;
  private totalLength = 0;
  private scores = new Float64Array(0);
  /** K1 * (1 - B + B * length / average length) per document, for `normsFor`. */
  private normCache = new Float64Array(0);
  private normsFor = { docs: -1, average: -1 };
  /** Last `chunk_changes.seq` applied. */
  private seq = 0;

  private constructor() {
    // instances come from build() and buildInBackground()
  }

  /** Builds the whole index now (small stores, tests, the CLI). */
  static build(db: Db): LexicalIndex {
    const index = new LexicalIndex();
    index.seq = lastChangeSeq(db);
    for (const row of db.prepare(CHUNK_TEXT_SQL).all() as ChunkText[]) index.add(row);
    index.catchUp(db);
    return index;
  }

  /** Builds in pages, yielding to the event loop between them, so a large store stays responsive. */
  static async buildInBackground(db: Db, signal?: AbortSignal): Promise<LexicalIndex> {
    const index = new LexicalIndex();
    // Changes made while the pages are read are applied afterwards; add and remove are idempotent.
    index.seq = lastChangeSeq(db);
    await readInPages<ChunkText>(
      db,
      `${CHUNK_TEXT_SQL} WHERE c.id > ? ORDER BY c.id`,
      BUILD_PAGE,
      (r) => r.id,
      (r) => index.add(r),
      signal,
    );
    index.catchUp(db);
    return index;
  }

  get size(): number {
    return this.live;
  }

  /**
   * The term id of a lower-cased word, or -1 when the word is not indexed. Indexing creates ids
   * for new terms; a query (`create` false) only looks them up, so unknown query words cost no
   * memory.
   */
  private wordId(word: string, create = true): number {
    let id = this.wordIds.get(word);
    if (id === undefined) {
      const plain = word.normalize('NFD').replace(/\p{M}/gu, '');
      if (STOPWORDS.has(word) || (plain.length < 2 && !/\d/.test(plain))) id = -1;
      else {
        const term = stemmer(plain);
        id = this.termIds.get(term);
        if (id === undefined) {
          if (!create) return -1;
          id = this.postings.length;
          this.termIds.set(term, id);
          this.postings.push(new Postings());
        }
      }
      if (this.wordIds.size < 1_000_000) this.wordIds.set(word, id);
    }
    return id;
  }

  /** Counts a column's tokens into `counts` with `weight`; returns the token count. */
  private tokenize(text: string, weight: number): number {
    return forEachWord(text.toLowerCase(), (word) => {
      const id = this.wordId(word);
      if (id < 0) return;
      if (id >= this.counts.length) {
        const counts = new Uint32Array(Math.max(id + 1, this.counts.length * 2));
        counts.set(this.counts);
        this.counts = counts;
      }
      if (this.counts[id] === 0) this.touchedTerms.push(id);
      this.counts[id] = (this.counts[id] ?? 0) + weight;
    });
  }

  private add(row: ChunkText): void {
    if (this.docOf.has(row.id)) return;
    const length =
      this.tokenize(chunkTitle(row.title, row.heading), TITLE_WEIGHT) + this.tokenize(row.text, 1);
    if (this.docs === this.chunkIds.length) this.grow();
    const doc = this.docs++;
    this.chunkIds[doc] = row.id;
    this.lengths[doc] = length;
    this.alive[doc] = 1;
    this.docOf.set(row.id, doc);
    this.live++;
    this.totalLength += length;
    for (const id of this.touchedTerms) {
      this.postings[id]?.push(doc, this.counts[id] ?? 0);
      this.counts[id] = 0;
    }
    this.touchedTerms.length = 0;
  }

  private remove(chunkId: number): void {
    const doc = this.docOf.get(chunkId);
    if (doc === undefined) return;
    this.docOf.delete(chunkId);
    this.alive[doc] = 0;
    this.live--;
    this.totalLength -= this.lengths[doc] ?? 0;
  }

  private grow(): void {
    const n = this.chunkIds.length * 2;
    const ids = new Int32Array(n);
    ids.set(this.chunkIds);
    this.chunkIds = ids;
    const lengths = new Float32Array(n);
    lengths.set(this.lengths);
    this.lengths = lengths;
    const alive = new Uint8Array(n);
    alive.set(this.alive);
    this.alive = alive;
  }

  /** Applies the store's changes since the last call (see store/shared-index.ts). */
  catchUp(db: Db): SyncState {
    const changes = changesSince(db, this.seq);
    if (changes === 'behind') return 'behind';
    const fetch = db.prepare(`${CHUNK_TEXT_SQL} WHERE c.id = ?`);
    for (const c of changes) {
      if (c.op === 'del') this.remove(c.chunk_id);
      else {
        const row = fetch.get(c.chunk_id) as ChunkText | undefined;
        if (row) this.add(row); // gone again already: a later 'del' follows in the log
      }
      this.seq = c.seq;
    }
    return this.health();
  }

  private health(): SyncState {
    return this.docs - this.live <= MAX_DEAD_SHARE * Math.max(this.docs, 1000) ? 'current' : 'slow';
  }

  /** Index terms of a query (deduplicated), the way its words are indexed. */
  private queryTerms(query: string): Postings[] {
    const ids = new Set<number>();
    forEachWord(query.toLowerCase(), (word) => {
      const id = this.wordId(word, false);
      if (id >= 0) ids.add(id);
    });
    return [...ids]
      .map((id) => this.postings[id])
      .filter((p): p is Postings => p !== undefined && p.length > 0);
  }

  /** BM25's length normaliser per document, recomputed only when the store changed. */
  private norms(): Float64Array {
    const average = this.totalLength / this.live;
    if (this.normsFor.docs !== this.docs || this.normsFor.average !== average) {
      if (this.normCache.length < this.docs)
        this.normCache = new Float64Array(this.chunkIds.length);
      for (let d = 0; d < this.docs; d++)
        this.normCache[d] = K1 * (1 - B + (B * (this.lengths[d] ?? 0)) / average);
      this.normsFor = { docs: this.docs, average };
    }
    return this.normCache;
  }

  /**
   * The best `limit` chunks by BM25 (FTS5's formula: IDF = ln((N - n + 0.5) / (n + 0.5)), floored
   * at 1e-6; title words weighted TITLE_WEIGHT), as chunk id → positive score.
   */
  search(query: string, limit: number, allowed?: ReadonlySet<number>): Map<number, number> {
    const out = new Map<number, number>();
    const terms = this.queryTerms(query);
    if (terms.length === 0 || this.live === 0) return out;
    if (this.scores.length < this.docs) this.scores = new Float64Array(this.chunkIds.length);
    const norms = this.norms();
    const { scores, alive } = this;
    const touched: number[] = [];
    for (const p of terms) {
      const idf = Math.max(1e-6, Math.log((this.live - p.length + 0.5) / (p.length + 0.5)));
      const weight = idf * (K1 + 1);
      const { docs, freqs, length } = p;
      for (let i = 0; i < length; i++) {
        const d = docs[i] ?? 0;
        if (alive[d] === 0) continue;
        const f = freqs[i] ?? 0;
        if (scores[d] === 0) touched.push(d);
        scores[d] = (scores[d] ?? 0) + (weight * f) / (f + (norms[d] ?? 0));
      }
    }
    const top = new TopK(limit);
    for (const d of touched) {
      const id = this.chunkIds[d] ?? 0;
      if (!allowed || allowed.has(id)) top.offer(id, scores[d] ?? 0);
      scores[d] = 0;
    }
    for (const [id, s] of top.sorted()) out.set(id, s);
    return out;
  }
}

/** The k best (id, score) pairs seen, kept in a min-heap; ties go to the lower id. */
export class TopK {
  private readonly ids: number[] = [];
  private readonly scores: number[] = [];
  constructor(private readonly k: number) {}

  /** True when (a, as) ranks below (b, bs). */
  private static below(as: number, a: number, bs: number, b: number): boolean {
    return as < bs || (as === bs && a > b);
  }

  offer(id: number, score: number): void {
    const { ids, scores } = this;
    if (ids.length < this.k) {
      ids.push(id);
      scores.push(score);
      for (let i = ids.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!TopK.below(scores[i] ?? 0, ids[i] ?? 0, scores[parent] ?? 0, ids[parent] ?? 0)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    if (this.k === 0 || !TopK.below(scores[0] ?? 0, ids[0] ?? 0, score, id)) return;
    ids[0] = id;
    scores[0] = score;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (
        l < ids.length &&
        TopK.below(scores[l] ?? 0, ids[l] ?? 0, scores[min] ?? 0, ids[min] ?? 0)
      )
        min = l;
      if (
        r < ids.length &&
        TopK.below(scores[r] ?? 0, ids[r] ?? 0, scores[min] ?? 0, ids[min] ?? 0)
      )
        min = r;
      if (min === i) break;
      this.swap(i, min);
      i = min;
    }
  }

  private swap(i: number, j: number): void {
    const { ids, scores } = this;
    [ids[i], ids[j]] = [ids[j] ?? 0, ids[i] ?? 0];
    [scores[i], scores[j]] = [scores[j] ?? 0, scores[i] ?? 0];
  }

  /** Best first. */
  sorted(): [number, number][] {
    return this.ids
      .map((id, i) => [id, this.scores[i] ?? 0] as [number, number])
      .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }
}

/** Stores up to this many chunks build their keyword index on the first query (~30 ms per 1k). */
const BUILD_INLINE_MAX = 5_000;

/** The keyword index shared by every handle on `db`'s file in this process. */
export function acquireLexicalIndex(db: Db): SharedIndex<LexicalIndex> {
  return SharedIndex.acquire(db, 'lexical', {
    build: (d) => LexicalIndex.build(d),
    buildInBackground: (d, signal) => LexicalIndex.buildInBackground(d, signal),
    size: (d) => (d.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n,
    inlineMax: BUILD_INLINE_MAX,
  });
}
