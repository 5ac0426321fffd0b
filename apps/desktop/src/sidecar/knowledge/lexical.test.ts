import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedquadDocs, readMedquadQuestions } from '../../../test-support/data.js';
import { openDatabase, type Db } from '../store/database.js';
import { VectorIndex } from '../store/vectors.js';
import { LexicalIndex, TopK, chunkTitle } from './lexical.js';
import { Retriever } from './search.js';

const KEY = Buffer.alloc(32, 0x5c);
const docs = readMedquadDocs().slice(0, 400);
const questions = readMedquadQuestions().map((q) => q.question);

interface Doc {
  title: string;
  text: string;
}

let dir: string;
let db: Db;

/** Inserts a document with one chunk per paragraph the way ingestion does (chunks + FTS rows). */
function insertDoc(handle: Db, n: number, doc: Doc): number[] {
  return handle.transaction(() => {
    const docId = Number(
      handle
        .prepare(
          `INSERT INTO documents (source_path, folder, source, title, kind, content_hash, size_bytes, text, pages, chunk_count, ingested_at)
           VALUES (?, '/t', 'local', ?, 'text', ?, 0, '', NULL, 1, '')`,
        )
        .run(`/t/${n}.txt`, doc.title, `h${n}`).lastInsertRowid,
    );
    const ids: number[] = [];
    doc.text
      .split(/\n\s*\n/)
      .filter((p) => p.trim())
      .forEach((para, ord) => {
        const heading = ord === 0 ? '' : `Part ${ord}`;
        const id = Number(
          handle
            .prepare(
              `INSERT INTO chunks (document_id, ord, heading, text, start, "end", page) VALUES (?, ?, ?, ?, 0, ?, NULL)`,
            )
            .run(docId, ord, heading, para, para.length).lastInsertRowid,
        );
        handle
          .prepare('INSERT INTO chunks_fts (rowid, title, body) VALUES (?, ?, ?)')
          .run(id, chunkTitle(doc.title, heading), para);
        ids.push(id);
      });
    return ids;
  })();
}

function deleteDoc(handle: Db, n: number): void {
  handle.transaction(() => {
    const docId = (
      handle.prepare('SELECT id FROM documents WHERE source_path = ?').get(`/t/${n}.txt`) as {
        id: number;
      }
    ).id;
    const ids = handle.prepare('SELECT id FROM chunks WHERE document_id = ?').pluck().all(docId);
    for (const id of ids) handle.prepare('DELETE FROM chunks_fts WHERE rowid = ?').run(id);
    handle.prepare('DELETE FROM documents WHERE id = ?').run(docId); // chunks go by cascade
  })();
}

/**
 * FTS5's own ranking, ungated: the reference the index must reproduce. The query goes in as
 * separate words: FTS5 would read "Beckwith-Wiedemann" as a two-word phrase, the index as two words.
 */
function fts5(retriever: Retriever, query: string, k: number): Map<number, number> {
  const words = query.match(/[\p{L}\p{N}]+/gu) ?? [];
  return retriever.bm25(words.join(' '), k, undefined, 'never', 'fts5');
}

function expectSameRanking(actual: Map<number, number>, expected: Map<number, number>): void {
  // Scores agree to float precision; where two scores tie, FTS5's order among them is arbitrary.
  const a = [...actual];
  const e = [...expected];
  expect(a.length).toBe(e.length);
  a.forEach(([, score], i) => expect(score).toBeCloseTo(e[i]?.[1] ?? NaN, 6));
  const exact = (m: [number, number][]): number[] =>
    m.filter(([, s]) => m.filter(([, t]) => Math.abs(s - t) < 1e-9).length === 1).map(([id]) => id);
  expect(exact(a)).toEqual(exact(e));
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-lexical-'));
  db = openDatabase({ file: path.join(dir, 'knowledge.db'), key: KEY });
  docs.forEach((d, i) => insertDoc(db, i, d));
});
afterAll(async () => {
  db.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('in-memory BM25 index', () => {
  it('scores and ranks every dev question exactly as FTS5 bm25(4, 1) does', () => {
    const retriever = new Retriever(db, new VectorIndex(db));
    const index = LexicalIndex.build(db);
    expect(index.size).toBeGreaterThan(400);
    let compared = 0;
    for (const q of questions) {
      const expected = fts5(retriever, q, 20);
      if (expected.size === 0) continue;
      expectSameRanking(index.search(q, 20), expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(70);
    retriever.close();
  });

  it('returns exactly what scoring every posting returns when it skips common terms', () => {
    const index = LexicalIndex.build(db);
    const some = new Set([...index.search('disease', 400).keys()].filter((_, i) => i % 3 === 0));
    for (const q of [...questions, 'what is the treatment of the disease', 'symptoms'])
      for (const k of [1, 3, 10, 30]) {
        expect([...index.search(q, k)]).toEqual([...index.search(q, k, undefined, false)]);
        expect([...index.search(q, k, some)]).toEqual([...index.search(q, k, some, false)]);
      }
  });

  it('builds the same index in background pages as in one pass', async () => {
    const inline = LexicalIndex.build(db);
    const paged = await LexicalIndex.buildInBackground(db);
    for (const q of questions.slice(0, 20))
      expect([...paged.search(q, 10)]).toEqual([...inline.search(q, 10)]);
  });

  it('restricts results to allowed chunks', () => {
    const index = LexicalIndex.build(db);
    const all = [...index.search('symptoms of keratitis', 10).keys()];
    const allowed = new Set(all.slice(3, 6));
    expect([...index.search('symptoms of keratitis', 10, allowed).keys()]).toEqual(all.slice(3, 6));
  });

  it('stays in step with writes from another handle: adds, deletes, re-ingests', () => {
    const other = openDatabase({ file: path.join(dir, 'knowledge.db'), key: KEY });
    const retriever = new Retriever(db, new VectorIndex(db));
    const query = 'zebrastripe xylophonic';
    expect(retriever.bm25(query, 5).size).toBe(0);
    const added = insertDoc(other, 9001, {
      title: 'Xylophonic rash',
      text: 'A zebrastripe rash appears on the forearms.\n\nIt fades in a week.',
    });
    expect([...retriever.bm25(query, 5).keys()]).toContain(added[0]);
    expect([...retriever.bm25(query, 5).keys()]).toEqual([...fts5(retriever, query, 5).keys()]);
    deleteDoc(other, 9001);
    expect(retriever.bm25(query, 5).size).toBe(0);
    const again = insertDoc(other, 9001, {
      title: 'Xylophonic rash',
      text: 'A zebrastripe rash, revised.',
    });
    expect([...retriever.bm25(query, 5).keys()]).toEqual([again[0]]);
    deleteDoc(other, 9001);
    retriever.close();
    other.close();
  });

  it('rebuilds when the change log was pruned past it, and answers from FTS5 meanwhile', async () => {
    const retriever = new Retriever(db, new VectorIndex(db));
    await retriever.warm();
    const other = openDatabase({ file: path.join(dir, 'knowledge.db'), key: KEY });
    const ids = insertDoc(other, 9002, { title: 'Quokka fever', text: 'Quokka fever is rare.' });
    // A long ingestion elsewhere pruned the log beyond this index's position.
    other.prepare('DELETE FROM chunk_changes').run();
    const during = retriever.bm25('quokka fever', 5);
    expect([...during.keys()]).toContain(ids[0]); // FTS5 fallback sees the new chunk
    await retriever.warm();
    // FTS5's running token total drifts slightly once rows are deleted (the index counts afresh),
    // so after the deletes above the scores agree to 1% and the order exactly.
    const rebuilt = [...retriever.bm25('quokka fever', 5)];
    const reference = [...fts5(retriever, 'quokka fever', 5)];
    expect(rebuilt.map(([id]) => id)).toEqual(reference.map(([id]) => id));
    rebuilt.forEach(([, s], i) =>
      expect(Math.abs(s / (reference[i]?.[1] ?? 0) - 1)).toBeLessThan(0.01),
    );
    deleteDoc(other, 9002);
    retriever.close();
    other.close();
  });
});

describe('TopK', () => {
  it('keeps the k best, best first, ties to the lower id', () => {
    const top = new TopK(3);
    for (const [id, s] of [
      [5, 1],
      [2, 3],
      [9, 2],
      [1, 3],
      [7, 0.5],
      [4, 2],
    ] as const)
      top.offer(id, s);
    expect(top.sorted()).toEqual([
      [1, 3],
      [2, 3],
      [4, 2],
    ]);
  });
});

describe('tokenization', () => {
  it('splits like FTS5 unicode61: letters and digits of any script, diacritics folded', async () => {
    const tdir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-lexical-u-'));
    const tdb = openDatabase({ file: path.join(tdir, 'k.db'), key: KEY });
    try {
      const texts = [
        'Ménière’s disease: vértigo 𝐀𝐁 and tinnitus',
        'Größe 1,4 mg/dL; 𝒳-ray café naïve',
        'Σήψη (sepsis) — 敗血症 treatment',
      ];
      texts.forEach((text, i) => insertDoc(tdb, i, { title: `T${i}`, text }));
      const r = new Retriever(tdb, new VectorIndex(tdb));
      for (const q of ['meniere vertigo', 'grösse mg', 'naive cafe ray', 'σήψη sepsis', '敗血症']) {
        expect(r.bm25(q, 5).size, q).toBeGreaterThan(0);
        expect([...r.bm25(q, 5).keys()], q).toEqual([...fts5(r, q, 5).keys()]);
      }
      r.close();
    } finally {
      tdb.close();
      await fs.rm(tdir, { recursive: true, force: true });
    }
  });
});
