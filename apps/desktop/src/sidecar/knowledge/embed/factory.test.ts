import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder, embedderConfigFromEnv } from './factory.js';
import type { EmbedLogger } from './log.js';
import { USE_LITE_ID } from './use-lite.js';

function capture(): { log: EmbedLogger; lines: { level: string; msg: string; fields: object }[] } {
  const lines: { level: string; msg: string; fields: object }[] = [];
  return {
    lines,
    log: {
      info: (fields, msg) => lines.push({ level: 'info', msg, fields }),
      warn: (fields, msg) => lines.push({ level: 'warn', msg, fields }),
    },
  };
}

describe('createEmbedder', () => {
  let emptyDir: string;
  beforeAll(async () => {
    emptyDir = await mkdtemp(path.join(os.tmpdir(), 'va-embed-factory-'));
  });
  afterAll(async () => {
    await rm(emptyDir, { recursive: true, force: true });
  });

  it('falls back to USE-lite when no ONNX folder is installed, and logs why', async () => {
    const { log, lines } = capture();
    const embedder = await createEmbedder({ modelsDir: emptyDir, log });
    try {
      expect(embedder.id).toBe(USE_LITE_ID);
      expect(embedder.dimension).toBe(512);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.fields).toMatchObject({ backend: 'use-lite', modelId: USE_LITE_ID });
      expect(lines[0]!.msg).toMatch(/no ONNX sentence-transformers folder/);
    } finally {
      await embedder.close();
    }
  });

  it('uses USE-lite when configured explicitly', async () => {
    const { log, lines } = capture();
    const embedder = await createEmbedder({ model: 'use-lite', modelsDir: emptyDir, log });
    await embedder.close();
    expect(embedder.id).toBe(USE_LITE_ID);
    expect(lines[0]!.msg).toMatch(/configured/);
  });

  it('reads its configuration from the environment', () => {
    const config = embedderConfigFromEnv({
      VOICEASSIST_EMBED_MODEL: 'all-MiniLM-L6-v2',
      VOICEASSIST_MODELS_DIR: emptyDir,
      VOICEASSIST_EMBED_THREADS: '2',
    });
    expect(config).toEqual({
      model: 'all-MiniLM-L6-v2',
      modelsDir: emptyDir,
      intraOpNumThreads: 2,
    });
  });
});
