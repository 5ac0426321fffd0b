import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashingEmbedder } from './hashing-embedder.js';
import { KnowledgeBase } from './kb.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// `node --import tsx` (not the tsx CLI, which runs node as a grandchild that SIGKILL would miss).
const TSX_LOADER = ['--import', 'tsx'];
const KEY = Buffer.alloc(32, 0x42);
const FILES = 40;

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-crash-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Runs the ingest child and SIGKILLs it once `killAfter` files are done. */
function runAndKill(file: string, docs: string, killAfter: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...TSX_LOADER,
        path.join(HERE, '../../../test-support/knowledge/ingest-child.ts'),
        file,
        KEY.toString('hex'),
        docs,
        '15',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let seen = 0;
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        seen = Math.max(seen, (JSON.parse(line) as { filesDone: number }).filesDone);
        if (seen >= killAfter && child.exitCode === null) child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(seen);
      else reject(new Error(`child exited (${code}) before it was killed: ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it('kill -9 during ingestion: the store opens, shows only whole documents, and ingestion resumes', async () => {
    const docs = path.join(dir, 'docs');
    await fs.mkdir(docs);
    for (let i = 0; i < FILES; i++) {
      const body = Array.from(
        { length: 30 },
        (_, s) => `Finding ${s} of report ${i} concerns drug${i} and dose ${s}.`,
      ).join(' ');
      await fs.writeFile(
        path.join(docs, `r${String(i).padStart(2, '0')}.md`),
        `# Report ${i}\n\n${body}\n`,
      );
    }
    const file = path.join(dir, 'knowledge.db');
    const doneAtKill = await runAndKill(file, docs, 6);
    expect(doneAtKill).toBeGreaterThanOrEqual(6);

    const kb = KnowledgeBase.open({ file, key: KEY, embedder: new HashingEmbedder() });
    try {
      const before = kb.stats();
      expect(before.documents).toBeGreaterThanOrEqual(6);
      expect(before.documents).toBeLessThan(FILES);
      expect(before.unfinishedJobs).toBe(1);
      // Every visible document is complete: all its chunks, full-text rows and vectors.
      const incomplete = kb.db
        .prepare(
          `SELECT d.id FROM documents d
           WHERE d.chunk_count <> (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)
              OR d.chunk_count <> (SELECT count(*) FROM chunks c JOIN vec_f32_1 v ON v.chunk_id = c.id WHERE c.document_id = d.id)`,
        )
        .all();
      expect(incomplete).toEqual([]);
      expect(before.models[0]?.vectors).toBe(before.chunks);

      const resumed = await kb.resumeIngestion();
      expect(
        resumed.skipped,
        JSON.stringify(resumed.files.filter((f) => f.outcome === 'skipped')),
      ).toBe(0);
      const after = kb.stats();
      expect(after.documents).toBe(FILES);
      expect(after.unfinishedJobs, 'unfinished jobs after resume').toBe(0);
      expect(after.models[0]?.vectors).toBe(after.chunks);
      for (const i of [0, FILES - 1]) {
        const hit = (await kb.search(`drug${i}`, { mode: 'bm25' })).hits[0];
        expect(hit?.title).toBe(`Report ${i}`);
      }
    } finally {
      await kb.close();
    }
  });
});
