import type { Db } from './database.js';
import { HammingMatrix, smallest } from './hamming.js';
import {
  changesSince,
  lastChangeSeq,
  SyncedIndexHolder,
  readInPages,
  type SyncState,
  type SyncedIndex,
} from './synced-index.js';

/** Sign bits of `v`, packed the way sqlite-vec's `vec_quantize_binary` packs them (LSB first). */
export function signBits(v: Float32Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(v.length / 8));
  for (let i = 0; i < v.length; i++)
    if ((v[i] ?? 0) > 0) out[i >> 3] = (out[i >> 3] ?? 0) | (1 << (i & 7));
  return out;
}

const PAGE = 5_000;

interface BitRow {
  chunk_id: number;
  v: Buffer;
}

/**
 * One embedding slot's sign bits in memory for the Hamming shortlist (store/hamming.ts), read from
 * the slot's sqlite-vec table and kept in step through the chunk change log.
 */
export class BitIndex implements SyncedIndex {
  private readonly matrix: HammingMatrix;
  private readonly rowOf = new Map<number, number>();
  private readonly chunkAt: number[] = [];
  private seq = 0;

  private constructor(
    private readonly slot: number,
    dimension: number,
  ) {
    this.matrix = new HammingMatrix(dimension / 8);
  }

  /** Reads the whole slot now: for small slots (about 6 ms per 10k vectors). */
  static build(db: Db, slot: number, dimension: number): BitIndex {
    const index = new BitIndex(slot, dimension);
    index.seq = lastChangeSeq(db);
    const rows = db.prepare(`SELECT chunk_id, v FROM vec_bit_${slot}`).all() as BitRow[];
    for (const r of rows) index.add(r.chunk_id, r.v);
    index.catchUp(db);
    return index;
  }

  /** Reads the slot in pages, yielding to the event loop between them. */
  static async buildInBackground(
    db: Db,
    slot: number,
    dimension: number,
    signal?: AbortSignal,
  ): Promise<BitIndex> {
    const index = new BitIndex(slot, dimension);
    // Changes made while the pages are read are applied afterwards; add and remove are idempotent.
    index.seq = lastChangeSeq(db);
    await readInPages<BitRow>(
      db,
      `SELECT chunk_id, v FROM vec_bit_${slot} WHERE chunk_id > ? ORDER BY chunk_id`,
      PAGE,
      (r) => r.chunk_id,
      (r) => index.add(r.chunk_id, r.v),
      signal,
    );
    index.catchUp(db);
    return index;
  }

  get size(): number {
    return this.chunkAt.length;
  }

  private add(chunkId: number, bits: Uint8Array): void {
    if (this.rowOf.has(chunkId) || bits.length !== this.matrix.bytes) return;
    this.rowOf.set(chunkId, this.matrix.push(bits));
    this.chunkAt.push(chunkId);
  }

  private remove(chunkId: number): void {
    const row = this.rowOf.get(chunkId);
    if (row === undefined) return;
    this.rowOf.delete(chunkId);
    const moved = this.matrix.swapRemove(row);
    const last = this.chunkAt.pop() ?? 0;
    if (moved !== row) {
      this.chunkAt[row] = last;
      this.rowOf.set(last, row);
    }
  }

  catchUp(db: Db): SyncState {
    const changes = changesSince(db, this.seq);
    if (changes === 'behind') return 'behind';
    const fetch = db.prepare(`SELECT v FROM vec_bit_${this.slot} WHERE chunk_id = ?`);
    for (const c of changes) {
      if (c.op === 'del') this.remove(c.chunk_id);
      else {
        // No vector yet (its model is still being built elsewhere): vector search misses the
        // chunk, exactly as the sqlite-vec table does; keyword search still finds it.
        const row = fetch.get(c.chunk_id) as { v: Buffer } | undefined;
        if (row) this.add(c.chunk_id, row.v);
      }
      this.seq = c.seq;
    }
    return 'current';
  }

  /** Chunk ids of the `k` vectors nearest to `query` in Hamming distance of their sign bits. */
  shortlist(query: Float32Array, k: number): number[] {
    const distances = this.matrix.distances(signBits(query));
    return smallest(distances, k, this.matrix.bytes * 8).map((row) => this.chunkAt[row] ?? 0);
  }
}

/** Slots with up to this many vectors are read on the first query. */
const BUILD_INLINE_MAX = 20_000;

/** The holder of a slot's bit index. */
export function bitIndexHolder(slot: number, dimension: number): SyncedIndexHolder<BitIndex> {
  return new SyncedIndexHolder({
    build: (d) => BitIndex.build(d, slot, dimension),
    buildInBackground: (d, signal) => BitIndex.buildInBackground(d, slot, dimension, signal),
    size: (d) => (d.prepare(`SELECT count(*) AS n FROM vec_f32_${slot}`).get() as { n: number }).n,
    inlineMax: BUILD_INLINE_MAX,
  });
}
