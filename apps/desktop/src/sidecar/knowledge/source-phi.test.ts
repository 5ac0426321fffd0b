import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashingEmbedder } from './hashing-embedder.js';
import { KnowledgeBase } from './kb.js';
import { SOURCE_DETECTOR, SourcePhiRepository } from './source-phi.js';

const KEY = Buffer.alloc(32, 0x2d);
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-source-phi-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const DOC = `# Alport syndrome

The Human Phenotype Ontology provides the following list of signs and symptoms for Alport syndrome. The Gene Review and the MedlinePlus Medical Dictionary describe it further.

## Contact

Questions about the registry go to registry@example.org.
`;

const open = (phiBackfill = true): KnowledgeBase =>
  KnowledgeBase.open({
    file: path.join(dir, 'knowledge.db'),
    key: KEY,
    embedder: new HashingEmbedder(),
    phiBackfill,
  });

async function ingestDoc(kb: KnowledgeBase): Promise<void> {
  const file = path.join(dir, 'docs', 'alport.md');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, DOC);
  await kb.ingest([file]);
}

type Row = { chunk_id: number; detector: string; spans: string };
const rows = (kb: KnowledgeBase): Row[] =>
  kb.db.prepare('SELECT chunk_id, detector, spans FROM chunk_phi ORDER BY chunk_id').all() as Row[];

describe('identifiers of trusted sources', () => {
  it('are found at ingest in the sources mode and kept with each chunk: the email, not the ontology', async () => {
    const kb = open();
    try {
      await ingestDoc(kb);
      const chunks = kb.db.prepare('SELECT id, text FROM chunks ORDER BY id').all() as {
        id: number;
        text: string;
      }[];
      expect(rows(kb).map((r) => r.chunk_id)).toEqual(chunks.map((c) => c.id));
      expect(new Set(rows(kb).map((r) => r.detector))).toEqual(new Set([SOURCE_DETECTOR]));
      const spans = kb.sourceSpans(chunks.map((c) => ({ chunkId: c.id, text: c.text })));
      const found = chunks.flatMap((c) =>
        (spans.get(c.id) ?? []).map((s) => [c.text.slice(s.start, s.end), s.type]),
      );
      expect(found).toEqual([['registry@example.org', 'EMAIL']]);
      // The spans hold offsets and types only: no text of the source is copied into the row.
      expect(
        rows(kb)
          .map((r) => r.spans)
          .join(''),
      ).not.toMatch(/registry|example/);
    } finally {
      await kb.close();
    }
  });

  it('of chunks stored before (no row) are scanned in the background at open, and lazily when asked first', async () => {
    let kb = open();
    await ingestDoc(kb);
    const before = rows(kb);
    kb.db.prepare('DELETE FROM chunk_phi').run(); // as a store from before migration 6
    const repo = new SourcePhiRepository(kb.db);
    expect(repo.pending()).toBe(before.length);
    // Lazily: a prompt reaching an unscanned chunk scans it and keeps the result.
    const first = kb.db.prepare('SELECT id, text FROM chunks ORDER BY id LIMIT 1').get() as {
      id: number;
      text: string;
    };
    kb.sourceSpans([{ chunkId: first.id, text: first.text }]);
    expect(repo.pending()).toBe(before.length - 1);
    await kb.close();

    kb = open(); // the background scan does the rest, nothing lost
    try {
      const progress = await kb.phiBackfillDone();
      expect(progress).toEqual({ done: before.length - 1, total: before.length - 1 });
      expect(new SourcePhiRepository(kb.db).pending()).toBe(0);
      expect(rows(kb)).toEqual(before);
    } finally {
      await kb.close();
    }
  });

  it('go with their chunk when the document is removed, and a damaged row is scanned again', async () => {
    const kb = open(false);
    try {
      await ingestDoc(kb);
      const chunk = kb.db.prepare('SELECT id, text FROM chunks ORDER BY id DESC LIMIT 1').get() as {
        id: number;
        text: string;
      };
      kb.db
        .prepare(`UPDATE chunk_phi SET spans = '[[0, 99999, "NAME"]]' WHERE chunk_id = ?`)
        .run(chunk.id);
      const spans = kb.sourceSpans([{ chunkId: chunk.id, text: chunk.text }]).get(chunk.id);
      expect(spans?.map((s) => chunk.text.slice(s.start, s.end))).toEqual(['registry@example.org']);
      kb.removeDocuments(kb.sources().map((s) => s.documentId));
      expect(rows(kb)).toEqual([]);
    } finally {
      await kb.close();
    }
  });
});
