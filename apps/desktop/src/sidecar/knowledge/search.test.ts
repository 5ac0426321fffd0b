import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCitations } from './answer.js';
import { HashingEmbedder } from './hashing-embedder.js';
import { KnowledgeBase } from './kb.js';
import { Retriever, ftsQuery, fuse } from './search.js';
import { VectorIndex } from '../store/vectors.js';

const KEY = Buffer.alloc(32, 0x22);
let dir: string;
let kb: KnowledgeBase;

async function write(rel: string, text: string): Promise<string> {
  const file = path.join(dir, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  return file;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-search-'));
  kb = KnowledgeBase.open({
    file: path.join(dir, 'knowledge.db'),
    key: KEY,
    embedder: new HashingEmbedder(),
  });
  await write(
    'own/hypertension.md',
    '# Hypertension\n\nHypertension is high blood pressure. Lifestyle changes such as less salt lower it.\n\n## Treatment\n\nACE inhibitors like lisinopril are a first-line treatment for hypertension. Check potassium after starting them.\n',
  );
  await write(
    'own/diabetes.md',
    '# Diabetes\n\nMetformin is the first-line treatment for type 2 diabetes. It can cause stomach upset.\n',
  );
  await write(
    'clinic/sepsis.md',
    '# Sepsis bundle\n\nGive broad-spectrum antibiotics within one hour of recognising sepsis. Measure lactate.\n',
  );
  await kb.ingest([path.join(dir, 'own')], { tags: ['cardio-metabolic'] });
  await kb.ingest([path.join(dir, 'clinic')], { source: 'clinic', tags: ['protocol'] });
});
afterAll(async () => {
  await kb.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('hybrid retrieval', () => {
  it('returns chunks with document, title, path, page, offsets and score in every mode', async () => {
    for (const mode of ['hybrid', 'bm25', 'vector'] as const) {
      const { hits } = await kb.search('first-line treatment for hypertension', { mode, k: 3 });
      const top = hits[0];
      expect(top, mode).toBeDefined();
      expect(top?.title).toBe('Hypertension');
      expect(top?.sourcePath).toBe(path.join(dir, 'own', 'hypertension.md'));
      expect(top?.page).toBeNull();
      expect(top?.end).toBeGreaterThan(top?.start ?? 0);
      expect(top?.score).toBeGreaterThan(0);
      const scores = hits.map((h) => h.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('filters by source, folder and tag', async () => {
    const q = 'treatment antibiotics metformin lisinopril';
    const bySource = await kb.search(q, { filter: { sources: ['clinic'] } });
    expect(new Set(bySource.hits.map((h) => h.title))).toEqual(new Set(['Sepsis bundle']));
    const byFolder = await kb.search(q, { filter: { folders: [path.join(dir, 'own')] } });
    expect(new Set(byFolder.hits.map((h) => h.title))).toEqual(
      new Set(['Hypertension', 'Diabetes']),
    );
    const byTag = await kb.search(q, { filter: { tags: ['protocol'] }, mode: 'vector' });
    expect(byTag.hits.every((h) => h.title === 'Sepsis bundle')).toBe(true);
    const none = await kb.search(q, { filter: { tags: ['no-such-tag'] } });
    expect(none.hits).toEqual([]);
  });

  it('builds safe full-text queries and fuses scores by weight or by rank', () => {
    expect(ftsQuery('What is "the" dose of NEAR(x) 5?')).toBe('"dose" OR "near" OR "5"');
    expect(ftsQuery('what is the')).toBeNull();
    const bm25 = new Map([
      [1, 10],
      [2, 5],
    ]);
    const cos = new Map([
      [2, 0.9],
      [3, 0.8],
    ]);
    expect(fuse('hybrid', bm25, cos, 'weighted', 0.5).map(([id]) => id)).toEqual([2, 1, 3]);
    expect(fuse('hybrid', bm25, cos, 'rrf', 0.5)[0]?.[0]).toBe(2);
    expect(fuse('bm25', bm25, cos, 'weighted', 0.5).map(([id]) => id)).toEqual([1, 2]);
  });
});

describe('answers with citations', () => {
  it('answers from the sources, each sentence citing the exact span it quotes', async () => {
    const a = await kb.answer('What is the first-line treatment for hypertension?');
    expect(a.covered).toBe(true);
    expect(a.generator).toBe('extractive@2');
    expect(a.sentences.length).toBeGreaterThan(0);
    expect(a.answer).toContain('lisinopril');
    for (const s of a.sentences) {
      expect(s.citations.length).toBeGreaterThan(0);
      for (const c of s.citations) {
        const source = kb.documentText(c.documentId);
        expect(source?.sourcePath).toBe(c.sourcePath);
        expect(source?.text.slice(c.start, c.end)).toBe(s.text);
        expect(await fs.readFile(c.sourcePath, 'utf8')).toContain(s.text);
      }
    }
  });

  it('says the sources do not cover an unrelated question and lists the nearest sources', async () => {
    const a = await kb.answer('What is the orbital period of Jupiter around the sun?');
    expect(a.covered).toBe(false);
    expect(a.sentences).toEqual([]);
    expect(a.answer).toMatch(/do not cover/);
    expect(a.sources.length).toBeGreaterThan(0);
  });

  it('drops citations that point outside the retrieved passages (the contract for an LLM generator)', async () => {
    const { hits } = await kb.search('sepsis antibiotics');
    const p = hits[0];
    expect(p).toBeDefined();
    if (!p) return;
    const cite = {
      chunkId: p.chunkId,
      documentId: p.documentId,
      sourcePath: p.sourcePath,
      title: p.title,
      page: p.page,
    };
    const kept = checkCitations(
      [
        { text: 'inside', citations: [{ ...cite, start: p.start, end: p.start + 10 }] },
        { text: 'outside', citations: [{ ...cite, start: p.end + 5, end: p.end + 50 }] },
        { text: 'unknown chunk', citations: [{ ...cite, chunkId: -1, start: 0, end: 4 }] },
      ],
      hits,
    );
    expect(kept.map((s) => s.text)).toEqual(['inside']);
  });
});

describe('rare-word gating of BM25 in large stores', () => {
  it('FTS5 fallback: requires a rare word, keeps the common words in the score, ignores unknown words', async () => {
    const gdir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-gate-'));
    const g = KnowledgeBase.open({
      file: path.join(gdir, 'k.db'),
      key: KEY,
      embedder: new HashingEmbedder(),
    });
    try {
      for (let i = 0; i < 40; i++)
        await fs.writeFile(
          path.join(gdir, `d${i}.md`),
          `# Topic ${i}\n\nGeneral treatment advice number ${i}.`,
        );
      await fs.writeFile(
        path.join(gdir, 'x.md'),
        '# Kawasaki disease\n\nTreatment of Kawasaki disease uses immunoglobulin.',
      );
      await g.ingest([gdir]);
      const r = new Retriever(g.db, new VectorIndex(g.db));
      expect(r.ftsExpression('kawasaki treatment', 'always')).toBe(
        '("kawasaki") AND ("kawasaki" OR "treatment" OR "treatment")',
      );
      expect(r.ftsExpression('kawasaki treatment', 'never')).toBe('"kawasaki" OR "treatment"');
      expect(r.ftsExpression('zzyzx treatment', 'always')).toBe('"zzyzx" OR "treatment"');
      const gated = r.bm25('kawasaki treatment', 10, undefined, 'always', 'fts5');
      const full = r.bm25('kawasaki treatment', 10, undefined, 'never', 'fts5');
      expect([...gated.keys()][0]).toBe([...full.keys()][0]);
      expect(gated.size).toBe(1);
      r.close();
    } finally {
      await g.close();
      await fs.rm(gdir, { recursive: true, force: true });
    }
  });
});
