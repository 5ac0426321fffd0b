import { bitIndexHolder, type BitIndex } from './bit-index.js';
import type { Db } from './database.js';
import type { SyncedIndexHolder } from './synced-index.js';

export interface ModelSlot {
  readonly slot: number;
  readonly modelId: string;
  readonly dimension: number;
  readonly state: 'active' | 'building';
}

interface SlotRow {
  slot: number;
  model_id: string;
  dimension: number;
  state: 'active' | 'building';
}

const toSlot = (r: SlotRow): ModelSlot => ({
  slot: r.slot,
  modelId: r.model_id,
  dimension: r.dimension,
  state: r.state,
});

export function vectorBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Copies: blobs from SQLite need not be 4-byte aligned. */
export function blobVector(b: Buffer): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/**
 * Vectors per embedding model ("slot"): float vectors in a plain table for exact rescoring, and
 * their sign bits in a sqlite-vec `bit[]` table for the Hamming shortlist, which stays fast in an
 * encrypted store because it is 32x smaller than the floats (ENVIRONMENT.md).
 */
export class VectorIndex {
  /**
   * In-memory sign bits per slot and model (store/bit-index.ts), made on first use. The model id is
   * part of the key: another process (the CLI) may drop a slot and reuse its number for a new model.
   */
  private readonly bitIndexes = new Map<string, SyncedIndexHolder<BitIndex>>();

  constructor(private readonly db: Db) {}

  private bitIndex(slot: number): SyncedIndexHolder<BitIndex> | undefined {
    const model = this.models().find((m) => m.slot === slot);
    if (!model) return undefined;
    const key = `${slot}\n${model.modelId}`;
    let holder = this.bitIndexes.get(key);
    if (!holder) {
      holder = bitIndexHolder(slot, model.dimension);
      this.bitIndexes.set(key, holder);
    }
    return holder;
  }

  /** Resolves once the active slot's bits are in memory (they load on their own otherwise). */
  async warm(): Promise<void> {
    const active = this.active();
    if (active) await this.bitIndex(active.slot)?.ready(this.db);
  }

  close(): void {
    for (const holder of this.bitIndexes.values()) holder.close();
    this.bitIndexes.clear();
  }

  models(): ModelSlot[] {
    return (this.db.prepare('SELECT * FROM embedding_models ORDER BY slot').all() as SlotRow[]).map(
      toSlot,
    );
  }

  active(): ModelSlot | undefined {
    return this.models().find((m) => m.state === 'active');
  }

  /** The slot for a model, creating its tables (state `building`, or `active` in an empty store). */
  ensureSlot(modelId: string, dimension: number): ModelSlot {
    const existing = this.models().find((m) => m.modelId === modelId);
    if (existing) return existing;
    if (dimension <= 0 || dimension % 8 !== 0)
      throw new Error(`Embedding dimension ${dimension} must be a positive multiple of 8.`);
    return this.db.transaction(() => {
      const hasActive = this.active() !== undefined;
      const info = this.db
        .prepare(
          'INSERT INTO embedding_models (model_id, dimension, state, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(modelId, dimension, hasActive ? 'building' : 'active', new Date().toISOString());
      const slot = Number(info.lastInsertRowid);
      this.db.exec(
        `CREATE TABLE vec_f32_${slot} (chunk_id INTEGER PRIMARY KEY, v BLOB NOT NULL) STRICT;
         CREATE VIRTUAL TABLE vec_bit_${slot} USING vec0 (chunk_id INTEGER PRIMARY KEY, v bit[${dimension}]);`,
      );
      return { slot, modelId, dimension, state: hasActive ? 'building' : 'active' } as const;
    })();
  }

  /** Makes `slot` the one searches use and drops every other model's vectors, atomically. */
  activate(slot: number): void {
    this.db.transaction(() => {
      for (const m of this.models()) {
        if (m.slot === slot) continue;
        const key = `${m.slot}\n${m.modelId}`;
        this.bitIndexes.get(key)?.close();
        this.bitIndexes.delete(key);
        this.db.exec(`DROP TABLE vec_f32_${m.slot}; DROP TABLE vec_bit_${m.slot};`);
        this.db.prepare('DELETE FROM embedding_models WHERE slot = ?').run(m.slot);
      }
      this.db.prepare(`UPDATE embedding_models SET state = 'active' WHERE slot = ?`).run(slot);
    })();
  }

  put(slot: number, chunkId: number, v: Float32Array): void {
    const blob = vectorBlob(v);
    this.db
      .prepare(`INSERT OR REPLACE INTO vec_f32_${slot} (chunk_id, v) VALUES (?, ?)`)
      .run(chunkId, blob);
    const insert = this.db.prepare(
      `INSERT INTO vec_bit_${slot} (chunk_id, v) VALUES (?, vec_quantize_binary(?))`,
    );
    try {
      insert.run(BigInt(chunkId), blob);
    } catch {
      // vec0 has no upsert; a replaced vector is rare, so pay for the delete only then.
      this.db.prepare(`DELETE FROM vec_bit_${slot} WHERE chunk_id = ?`).run(BigInt(chunkId));
      insert.run(BigInt(chunkId), blob);
    }
  }

  deleteChunks(chunkIds: readonly number[]): void {
    for (const m of this.models()) {
      const f = this.db.prepare(`DELETE FROM vec_f32_${m.slot} WHERE chunk_id = ?`);
      const b = this.db.prepare(`DELETE FROM vec_bit_${m.slot} WHERE chunk_id = ?`);
      for (const id of chunkIds) {
        f.run(id);
        b.run(BigInt(id));
      }
    }
  }

  /**
   * Hamming-distance shortlist over the sign bits: from memory (WebAssembly SIMD) once the slot's
   * bits are loaded, from sqlite-vec until then.
   */
  shortlist(slot: number, query: Float32Array, k: number): number[] {
    const bits = this.bitIndex(slot)?.current(this.db);
    if (bits) return bits.shortlist(query, k);
    return this.shortlistInStore(slot, query, k);
  }

  /** The same shortlist computed by sqlite-vec in the store. */
  shortlistInStore(slot: number, query: Float32Array, k: number): number[] {
    const rows = this.db
      .prepare(
        `SELECT chunk_id FROM vec_bit_${slot} WHERE v MATCH vec_quantize_binary(?) AND k = ?`,
      )
      .all(vectorBlob(query), k) as { chunk_id: number }[];
    return rows.map((r) => r.chunk_id);
  }

  vectors(slot: number, chunkIds: readonly number[]): Map<number, Float32Array> {
    const out = new Map<number, Float32Array>();
    const stmt = this.db.prepare(`SELECT v FROM vec_f32_${slot} WHERE chunk_id = ?`);
    for (const id of chunkIds) {
      const row = stmt.get(id) as { v: Buffer } | undefined;
      if (row) out.set(id, blobVector(row.v));
    }
    return out;
  }

  count(slot: number): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM vec_f32_${slot}`).get() as { n: number }).n;
  }

  /** Chunks that have no vector in `slot` yet (re-embedding work), in id order. */
  missing(slot: number, limit: number): { id: number; text: string; title: string }[] {
    return this.db
      .prepare(
        `SELECT c.id, c.text, d.title FROM chunks c JOIN documents d ON d.id = c.document_id
         WHERE NOT EXISTS (SELECT 1 FROM vec_f32_${slot} v WHERE v.chunk_id = c.id)
         ORDER BY c.id LIMIT ?`,
      )
      .all(limit) as { id: number; text: string; title: string }[];
  }
}
