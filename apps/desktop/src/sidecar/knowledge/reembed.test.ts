import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Embedder } from './embed/embedder.js';
import { createEmbedder } from './embed/factory.js';
import { silentLogger } from './embed/log.js';
import { HashingEmbedder } from './hashing-embedder.js';
import { KnowledgeBase } from './kb.js';

process.env.ORT_DISABLE_TELEMETRY = '1';
const KEY = Buffer.alloc(32, 0x33);
const TOPICS = [
  ['Asthma', 'Asthma causes wheezing and shortness of breath; inhaled steroids control it.'],
  ['Gout', 'Gout is joint pain from uric acid crystals, often in the big toe.'],
  ['Migraine', 'Migraine brings throbbing headaches with nausea and sensitivity to light.'],
  ['Anemia', 'Anemia means too few red blood cells, causing tiredness and pale skin.'],
  ['Eczema', 'Eczema makes the skin itchy, dry and inflamed.'],
  ['Glaucoma', 'Glaucoma damages the optic nerve, often from raised eye pressure.'],
] as const;

let useLite: Embedder;
beforeAll(async () => {
  useLite = await createEmbedder({ model: 'use-lite', log: silentLogger }); // the real offline encoder
});
afterAll(async () => {
  await useLite.close();
});

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-reembed-'));
  for (const [title, body] of TOPICS) {
    const extra = Array.from({ length: 3 }, (_, i) => `${title} note ${i}: ${body}`).join('\n\n');
    await fs.writeFile(path.join(dir, `${title}.md`), `# ${title}\n\n${body}\n\n${extra}\n`);
  }
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('embedding model change', () => {
  it('re-embeds with the new model while searches keep answering, then serves the new vectors', async () => {
    const file = path.join(dir, 'knowledge.db');
    const hashing = new HashingEmbedder();
    const first = KnowledgeBase.open({ file, key: KEY, embedder: hashing });
    await first.ingest([dir]);
    const chunks = first.stats().chunks;
    await first.close();

    const kb = KnowledgeBase.open({
      file,
      key: KEY,
      embedder: useLite,
      queryEmbedders: [hashing],
      reembedInBackground: false,
    });
    try {
      expect(kb.stats().models.map((m) => [m.modelId, m.state])).toEqual([
        [hashing.id, 'active'],
        [useLite.id, 'building'],
      ]);
      const state = { finished: false };
      const running = kb.reembedNow().then(() => (state.finished = true));
      const during: string[] = [];
      while (!state.finished) {
        const r = await kb.search('uric acid crystals in the toe');
        during.push(`${r.vectorSearch}:${r.hits[0]?.title ?? 'none'}`);
        await new Promise((res) => setTimeout(res, 5));
      }
      await running;
      expect(during.length).toBeGreaterThan(0);
      expect(during.every((d) => d === 'full:Gout')).toBe(true);

      const s = kb.stats();
      expect(s.models).toEqual([
        expect.objectContaining({
          modelId: useLite.id,
          dimension: 512,
          state: 'active',
          vectors: chunks,
        }),
      ]);
      // Vector-only search now runs on USE-lite: a paraphrase with no shared content words.
      const v = await kb.search('my head hurts and bright lights bother me', {
        mode: 'vector',
        k: 3,
      });
      expect(v.vectorSearch).toBe('full');
      expect(v.hits[0]?.title).toBe('Migraine');
    } finally {
      await kb.close();
    }
  });

  it('keeps keyword search working when the old model is gone, and re-embeds in the background on open', async () => {
    const file = path.join(dir, 'knowledge.db');
    const first = KnowledgeBase.open({ file, key: KEY, embedder: new HashingEmbedder() });
    await first.ingest([dir]);
    await first.close();

    const progress: number[] = [];
    const kb = KnowledgeBase.open({
      file,
      key: KEY,
      embedder: useLite,
      onReembedProgress: (p) => progress.push(p.done),
    });
    try {
      const during = await kb.search('optic nerve eye pressure');
      expect(during.hits[0]?.title).toBe('Glaucoma');
      await kb.reembedNow();
      expect(progress.length).toBeGreaterThan(0);
      const after = await kb.search('optic nerve eye pressure');
      expect(after.vectorSearch).toBe('full');
      expect(after.hits[0]?.title).toBe('Glaucoma');
      expect(after.hits[0]?.cosine).not.toBeNull();
      expect(kb.stats().models).toHaveLength(1);
    } finally {
      await kb.close();
    }
  });
});
