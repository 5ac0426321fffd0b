import { stemmer } from 'stemmer';
import type { Db } from '../store/database.js';
import {
  changesSince,
  lastChangeSeq,
  SyncedIndexHolder,
  readInPages,
  type SyncState,
  type SyncedIndex,
} from '../store/synced-index.js';
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
  /** Highest frequency in the list (deleted documents included): bounds the term's score. */
  maxFreq = 0;

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
    this.maxFreq = Math.max(this.maxFreq, this.freqs[this.length] ?? 0);
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
  /** The smallest length normaliser of any document (the one a term scores highest in). */
  private minNorm = 0;
  /** Scratch for the k-th best score. */
  private scratch = new Float64Array(0);
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

  /** Applies the store's changes since the last call (see store/synced-index.ts). */
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
      let min = Infinity;
      for (let d = 0; d < this.docs; d++) {
        const norm = K1 * (1 - B + (B * (this.lengths[d] ?? 0)) / average);
        this.normCache[d] = norm;
        if (norm < min) min = norm;
      }
      this.normsFor = { docs: this.docs, average };
      this.minNorm = min;
    }
    return this.normCache;
  }

  /**
   * The best `limit` chunks by BM25 (FTS5's formula: IDF = ln((N - n + 0.5) / (n + 0.5)), floored
   * at 1e-6; title words weighted TITLE_WEIGHT), as chunk id → positive score.
   *
   * Terms are scored one at a time, the one that can add most first (the rarest, as a rule). Once
   * the `limit`-th best score so far exceeds what all remaining terms together could still add
   * (MaxScore, Turtle & Flood 1995), no unscored chunk can reach the top: the remaining, common
   * terms ("symptoms", "disease", with posting lists of a fifth of the store) are then looked up
   * only for the chunks still in contention instead of being walked end to end. Results are exactly
   * those of scoring everything (`prune` false, kept for tests and benchmarks).
   */
  search(
    query: string,
    limit: number,
    allowed?: ReadonlySet<number>,
    prune = true,
  ): Map<number, number> {
    const out = new Map<number, number>();
    const postings = this.queryTerms(query);
    if (postings.length === 0 || this.live === 0 || limit <= 0) return out;
    if (this.scores.length < this.docs) this.scores = new Float64Array(this.chunkIds.length);
    const norms = this.norms();
    const { scores, alive } = this;
    const terms = postings
      .map((p) => {
        const idf = Math.max(1e-6, Math.log((this.live - p.length + 0.5) / (p.length + 0.5)));
        const weight = idf * (K1 + 1);
        // f / (f + norm) grows with f and shrinks with norm; the margin covers float rounding.
        const bound = ((weight * p.maxFreq) / (p.maxFreq + this.minNorm)) * (1 + 1e-9);
        return { p, weight, bound };
      })
      .sort((a, b) => b.bound - a.bound);
    /** rest[i]: the most that terms i.. can add to any chunk's score. */
    const rest = new Float64Array(terms.length + 1);
    const unread = new Float64Array(terms.length + 1);
    for (let i = terms.length - 1; i >= 0; i--) {
      rest[i] = (rest[i + 1] ?? 0) + (terms[i]?.bound ?? 0);
      unread[i] = (unread[i + 1] ?? 0) + (terms[i]?.p.length ?? 0);
    }
    const touched: number[] = [];
    let threshold = 0;
    let i = 0;
    while (i < terms.length) {
      const { p, weight } = terms[i++] ?? { p: new Postings(), weight: 0 };
      const { docs, freqs, length } = p;
      for (let j = 0; j < length; j++) {
        const d = docs[j] ?? 0;
        if (alive[d] === 0) continue;
        const f = freqs[j] ?? 0;
        if (scores[d] === 0) touched.push(d);
        scores[d] = (scores[d] ?? 0) + (weight * f) / (f + (norms[d] ?? 0));
      }
      // Worth checking only when walking the remaining lists would cost more than the check.
      if (
        !prune ||
        i === terms.length ||
        touched.length < limit ||
        (unread[i] ?? 0) < touched.length
      )
        continue;
      threshold = this.kthBest(touched, limit, allowed);
      if (threshold > (rest[i] ?? 0)) break;
    }
    let candidates: Iterable<number> = touched;
    if (i < terms.length) {
      // Chunks outside `touched` score at most rest[i] < threshold: only `touched` can still win,
      // and of those only the ones whose score plus what is left can reach the threshold.
      let live = Int32Array.from(touched).sort();
      for (; i < terms.length; i++) {
        const { p, weight } = terms[i] ?? { p: new Postings(), weight: 0 };
        const { docs, freqs, length } = p;
        let at = 0;
        let kept = 0;
        for (const d of live) {
          if ((scores[d] ?? 0) + (rest[i] ?? 0) < threshold) continue;
          at = gallop(docs, length, at, d);
          if (at < length && docs[at] === d) {
            const f = freqs[at] ?? 0;
            scores[d] = (scores[d] ?? 0) + (weight * f) / (f + (norms[d] ?? 0));
          }
          live[kept++] = d;
        }
        live = live.subarray(0, kept);
      }
      candidates = live;
    }
    const top = new TopK(limit);
    for (const d of candidates) {
      const id = this.chunkIds[d] ?? 0;
      if (!allowed || allowed.has(id)) top.offer(id, scores[d] ?? 0);
    }
    for (const d of touched) scores[d] = 0;
    for (const [id, s] of top.sorted()) out.set(id, s);
    return out;
  }

  /** The k-th highest score among `docs` (allowed ones only), or 0 when there are fewer. */
  private kthBest(docs: readonly number[], k: number, allowed?: ReadonlySet<number>): number {
    if (this.scratch.length < docs.length) this.scratch = new Float64Array(docs.length * 2);
    const values = this.scratch;
    let n = 0;
    for (const d of docs)
      if (!allowed || allowed.has(this.chunkIds[d] ?? 0)) values[n++] = this.scores[d] ?? 0;
    return n < k ? 0 : select(values, n, n - k);
  }
}

/** First position >= `from` in sorted `docs[0, length)` holding a value >= `target`. */
function gallop(docs: Int32Array, length: number, from: number, target: number): number {
  if (from >= length || (docs[from] ?? 0) >= target) return from;
  let lo = from;
  let step = 1;
  let hi = from + 1;
  while (hi < length && (docs[hi] ?? 0) < target) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  hi = Math.min(hi, length);
  // docs[lo] < target, and docs[hi] >= target or hi === length
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((docs[mid] ?? 0) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The value of rank `r` (0 = smallest) among `values[0, n)`, reordering them (quickselect). */
function select(values: Float64Array, n: number, r: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1] ?? 0;
    let a = lo;
    let b = hi;
    while (a <= b) {
      while ((values[a] ?? 0) < pivot) a++;
      while ((values[b] ?? 0) > pivot) b--;
      if (a <= b) {
        const t = values[a] ?? 0;
        values[a++] = values[b] ?? 0;
        values[b--] = t;
      }
    }
    if (r <= b) hi = b;
    else if (r >= a) lo = a;
    else return values[r] ?? 0;
  }
  return values[r] ?? 0;
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

/** The holder of a knowledge base's keyword index. */
export function lexicalIndexHolder(): SyncedIndexHolder<LexicalIndex> {
  return new SyncedIndexHolder({
    build: (d) => LexicalIndex.build(d),
    buildInBackground: (d, signal) => LexicalIndex.buildInBackground(d, signal),
    size: (d) => (d.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n,
    inlineMax: BUILD_INLINE_MAX,
  });
}
