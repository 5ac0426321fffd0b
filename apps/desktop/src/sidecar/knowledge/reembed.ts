import type { Db } from '../store/database.js';
import type { VectorIndex } from '../store/vectors.js';
import { embeddingText } from './chunk.js';
import type { Embedder } from './embed/embedder.js';

export interface ReembedProgress {
  readonly modelId: string;
  readonly done: number;
  readonly total: number;
}

const BATCH = 64;

/**
 * Brings every chunk's vector to `embedder`'s model in a separate slot while the old slot keeps
 * serving searches, then switches over and drops the old vectors in one transaction. Progress is
 * the set of chunks that have a vector in the new slot, so a killed re-embed resumes.
 */
export async function reembed(
  db: Db,
  vectors: VectorIndex,
  embedder: Embedder,
  options: { signal?: AbortSignal; onProgress?: (p: ReembedProgress) => void } = {},
): Promise<void> {
  const slot = vectors.ensureSlot(embedder.id, embedder.dimension);
  if (slot.state === 'active') return;
  const total = (db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
  const headingOf = db.prepare('SELECT heading FROM chunks WHERE id = ?');
  for (;;) {
    options.signal?.throwIfAborted();
    const batch = vectors.missing(slot.slot, Math.min(BATCH, embedder.maxBatchSize));
    if (batch.length === 0) break;
    const texts = batch.map((c) => {
      const h = headingOf.get(c.id) as { heading: string } | undefined;
      return embeddingText(c.title, h?.heading ?? '', c.text);
    });
    const vs = await embedder.embed(texts, options.signal);
    db.transaction(() => {
      batch.forEach((c, i) => {
        // The chunk may have been replaced while we embedded; its vector would be orphaned.
        const v = vs[i];
        if (v && db.prepare('SELECT 1 FROM chunks WHERE id = ?').get(c.id))
          vectors.put(slot.slot, c.id, v);
      });
    })();
    options.onProgress?.({ modelId: embedder.id, done: vectors.count(slot.slot), total });
  }
  vectors.activate(slot.slot);
}
