/**
 * Ingest throughput, split into parse / embed / store, for our pipeline and for a naive one
 * modelled on the stock transformers.js recipe, both with the same embedder and the same
 * encrypted SQLite, in the same run:
 *   naive: read file → fixed 1000-character windows with 200 overlap → one `embed([chunk])` call
 *          per chunk (what `await extractor(text)` per chunk does) → one autocommit INSERT per
 *          chunk of text + float vector.
 *   ours:  parse → sentence/heading-aware chunks → batched embedding → one transaction per
 *          document writing chunks, FTS5 rows, float vectors and their binary codes.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Embedder } from '../../apps/desktop/src/sidecar/knowledge/embed/embedder.js';
import { KnowledgeBase } from '../../apps/desktop/src/sidecar/knowledge/kb.js';
import { openDatabase } from '../../apps/desktop/src/sidecar/store/database.js';
import { vectorBlob } from '../../apps/desktop/src/sidecar/store/vectors.js';
import { log } from './common.js';
import type { MedDoc } from './corpus.js';
import { writeDocs } from './corpus.js';

export interface PipelineResult {
  documents: number;
  chunks: number;
  characters: number;
  seconds: { parse: number; embed: number; store: number; total: number };
  chunksPerSecond: number;
  charactersPerSecond: number;
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

function result(
  docs: number,
  chunks: number,
  chars: number,
  parse: number,
  embed: number,
  store: number,
  total: number,
): PipelineResult {
  return {
    documents: docs,
    chunks,
    characters: chars,
    seconds: {
      parse: round(parse / 1000),
      embed: round(embed / 1000),
      store: round(store / 1000),
      total: round(total / 1000),
    },
    chunksPerSecond: round(chunks / (total / 1000), 1),
    charactersPerSecond: Math.round(chars / (total / 1000)),
  };
}

export async function measureThroughput(
  docs: readonly MedDoc[],
  embedder: Embedder,
): Promise<{ ours: PipelineResult; naive: PipelineResult; speedup: number }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-bench-ingest-'));
  try {
    const docDir = path.join(dir, 'docs');
    await writeDocs(docDir, docs);
    const files = (await fs.readdir(docDir)).sort().map((f) => path.join(docDir, f));
    let chars = 0;
    for (const f of files) chars += (await fs.stat(f)).size;

    // Naive first, so neither gains from a warmer embedder.
    const naiveDb = openDatabase({ file: path.join(dir, 'naive.db'), key: Buffer.alloc(32, 5) });
    naiveDb.exec('CREATE TABLE naive (id INTEGER PRIMARY KEY, path TEXT, text TEXT, vector BLOB)');
    const insert = naiveDb.prepare('INSERT INTO naive (path, text, vector) VALUES (?, ?, ?)');
    let parse = 0;
    let embed = 0;
    let store = 0;
    let naiveChunks = 0;
    const t0 = performance.now();
    for (const f of files) {
      let t = performance.now();
      const text = await fs.readFile(f, 'utf8');
      const chunks: string[] = [];
      for (let s = 0; s < text.length; s += 800) {
        chunks.push(text.slice(s, s + 1000));
        if (s + 1000 >= text.length) break;
      }
      parse += performance.now() - t;
      for (const c of chunks) {
        t = performance.now();
        const [v] = await embedder.embed([c]);
        embed += performance.now() - t;
        t = performance.now();
        insert.run(f, c, vectorBlob(v ?? new Float32Array()));
        store += performance.now() - t;
      }
      naiveChunks += chunks.length;
    }
    const naive = result(
      files.length,
      naiveChunks,
      chars,
      parse,
      embed,
      store,
      performance.now() - t0,
    );
    naiveDb.close();
    log(`throughput: naive ${naive.chunksPerSecond} chunks/s (${naive.chunks} chunks)`);

    const kb = KnowledgeBase.open({
      file: path.join(dir, 'ours.db'),
      key: Buffer.alloc(32, 6),
      embedder,
    });
    const t1 = performance.now();
    const report = await kb.ingest([docDir]);
    const total = performance.now() - t1;
    await kb.close();
    const ours = result(
      report.added,
      report.chunks,
      chars,
      report.timings.parseMs,
      report.timings.embedMs,
      report.timings.storeMs,
      total,
    );
    log(`throughput: ours ${ours.chunksPerSecond} chunks/s (${ours.chunks} chunks)`);
    return { ours, naive, speedup: round(ours.charactersPerSecond / naive.charactersPerSecond) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
