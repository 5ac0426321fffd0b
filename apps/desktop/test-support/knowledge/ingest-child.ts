/**
 * Test helper run as a child process by crash.test.ts: ingests a folder into an encrypted store,
 * printing one progress line per file, so the parent can `kill -9` it mid-run. Embedding is slowed
 * down (a real hashing embedder behind a delay) to make the window between documents wide.
 */
import type { Embedder } from '../../src/sidecar/knowledge/embed/embedder.js';
import { HashingEmbedder } from '../../src/sidecar/knowledge/hashing-embedder.js';
import { KnowledgeBase } from '../../src/sidecar/knowledge/kb.js';

const [file, keyHex, docs, delayMs] = process.argv.slice(2);
if (!file || !keyHex || !docs) throw new Error('usage: ingest-child FILE KEYHEX DOCS [DELAY_MS]');

const inner = new HashingEmbedder();
const slow: Embedder = {
  id: inner.id,
  dimension: inner.dimension,
  maxBatchSize: 2,
  async embed(texts, signal) {
    await new Promise((r) => setTimeout(r, Number(delayMs ?? 20)));
    return inner.embed(texts, signal);
  },
  close: () => inner.close(),
};

const kb = KnowledgeBase.open({ file, key: Buffer.from(keyHex, 'hex'), embedder: slow });
await kb.ingest([docs], {
  onProgress: (p) =>
    process.stdout.write(`${JSON.stringify({ filesDone: p.filesDone, phase: p.phase })}\n`),
});
await kb.close();
