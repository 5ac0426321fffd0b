import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BitIndex, signBits } from './bit-index.js';
import { openDatabase, type Db } from './database.js';
import { VectorIndex } from './vectors.js';

const KEY = Buffer.alloc(32, 0x3b);
const DIM = 128;
let dir: string;
let db: Db;
let slot: number;
let seed = 7;
const rand = (): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const randomVector = (): Float32Array => Float32Array.from({ length: DIM }, () => rand() * 2 - 1);

/** A chunk with a vector, the way ingestion writes them (one transaction). */
function addChunk(handle: Db, v: Float32Array): number {
  const vectors = new VectorIndex(handle);
  return handle.transaction(() => {
    const doc = Number(
      handle
        .prepare(
          `INSERT INTO documents (source_path, folder, source, title, kind, content_hash, size_bytes, text, pages, chunk_count, ingested_at)
           VALUES (?, '/t', 'local', 't', 'text', ?, 0, '', NULL, 1, '')`,
        )
        .run(`/t/${rand()}`, `h${rand()}`).lastInsertRowid,
    );
    const id = Number(
      handle
        .prepare(
          `INSERT INTO chunks (document_id, ord, heading, text, start, "end", page) VALUES (?, 0, '', 'x', 0, 1, NULL)`,
        )
        .run(doc).lastInsertRowid,
    );
    vectors.put(slot, id, v);
    return id;
  })();
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-bits-'));
  db = openDatabase({ file: path.join(dir, 'k.db'), key: KEY });
  slot = new VectorIndex(db).ensureSlot('test@1', DIM).slot;
  for (let i = 0; i < 600; i++) addChunk(db, randomVector());
});
afterAll(async () => {
  db.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('in-memory sign bits', () => {
  it('packs sign bits exactly as sqlite-vec vec_quantize_binary does', () => {
    for (let i = 0; i < 20; i++) {
      const v = randomVector();
      const theirs = db
        .prepare('SELECT vec_quantize_binary(?) AS b')
        .get(Buffer.from(v.buffer)) as {
        b: Buffer;
      };
      expect([...signBits(v)]).toEqual([...theirs.b]);
    }
  });

  it('shortlists the same chunks as sqlite-vec (same Hamming distances)', async () => {
    const vectors = new VectorIndex(db);
    const inline = BitIndex.build(db, slot, DIM);
    const paged = await BitIndex.buildInBackground(db, slot, DIM);
    expect(inline.size).toBe(600);
    const hamming = (a: Uint8Array, b: Uint8Array): number =>
      a.reduce((d, x, i) => {
        let n = 0;
        for (let y = x ^ (b[i] ?? 0); y; y &= y - 1) n++;
        return d + n;
      }, 0);
    const bitsOf = (id: number): Uint8Array =>
      (db.prepare(`SELECT v FROM vec_bit_${slot} WHERE chunk_id = ?`).get(id) as { v: Buffer }).v;
    for (let i = 0; i < 20; i++) {
      const q = randomVector();
      const mine = inline.shortlist(q, 10);
      expect(paged.shortlist(q, 10)).toEqual(mine);
      const theirs = vectors.shortlistInStore(slot, q, 10);
      // Same distance profile; chunks at equal distance may come in a different order.
      const qb = signBits(q);
      expect(mine.map((id) => hamming(bitsOf(id), qb))).toEqual(
        theirs.map((id) => hamming(bitsOf(id), qb)),
      );
    }
    vectors.close();
  });

  it('follows chunks added and deleted through another handle', () => {
    const vectors = new VectorIndex(db);
    const other = openDatabase({ file: path.join(dir, 'k.db'), key: KEY });
    const v = randomVector();
    expect(vectors.shortlist(slot, v, 1)).not.toEqual([]);
    const id = addChunk(other, v);
    expect(vectors.shortlist(slot, v, 1)).toEqual([id]);
    other.prepare('DELETE FROM chunks WHERE id = ?').run(id);
    expect(vectors.shortlist(slot, v, 600)).not.toContain(id);
    expect(vectors.shortlist(slot, v, 1000)).toHaveLength(600);
    other.close();
    vectors.close();
  });
});
