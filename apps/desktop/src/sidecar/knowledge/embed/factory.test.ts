import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_DIM, writeTinyModelFolder } from '../../../../test-support/embed/tiny-model.js';
import { createEmbedder, embedderConfigFromEnv, findModelFolders } from './factory.js';
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

  it('takes the models folder from the resources, and has none when the launcher named none', () => {
    expect(embedderConfigFromEnv({}, { modelsDir: undefined, from: 'none' })).toEqual({
      model: 'auto',
    });
    expect(
      embedderConfigFromEnv({}, { modelsDir: emptyDir, from: 'process.resourcesPath' }),
    ).toEqual({ model: 'auto', modelsDir: emptyDir });
  });

  it('falls back to USE-lite without any models folder, and says where to put one', async () => {
    const { log, lines } = capture();
    const embedder = await createEmbedder({ log });
    await embedder.close();
    expect(embedder.id).toBe(USE_LITE_ID);
    expect(lines[0]!.msg).toMatch(/VOICEASSIST_MODELS_DIR/);
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

describe('createEmbedder with ONNX model folders', () => {
  let modelsDir: string;
  beforeAll(async () => {
    modelsDir = await mkdtemp(path.join(os.tmpdir(), 'va-embed-models-'));
    await mkdir(path.join(modelsDir, 'silero-vad'), { recursive: true }); // other models live here too
    await writeFile(path.join(modelsDir, 'silero-vad', 'model.onnx'), 'not an embedder');
    await writeFile(path.join(modelsDir, 'README.md'), '# models');
  });
  afterAll(async () => {
    await rm(modelsDir, { recursive: true, force: true });
  });

  it('prefers an installed ONNX sentence-transformers folder and logs which and why', async () => {
    await writeTinyModelFolder(path.join(modelsDir, 'tiny-st'));
    const { log, lines } = capture();
    const embedder = await createEmbedder({ modelsDir, log, intraOpNumThreads: 1 });
    try {
      expect(embedder.id).toMatch(/^onnx:tiny-st@[0-9a-f]{12}$/);
      expect(embedder.dimension).toBe(TINY_DIM);
      expect(lines).toEqual([
        expect.objectContaining({
          level: 'info',
          fields: expect.objectContaining({ backend: 'onnx', pooling: 'mean' }) as unknown,
          msg: expect.stringMatching(/found ONNX model folder/) as unknown,
        }),
      ]);
    } finally {
      await embedder.close();
    }
  });

  it('ignores hidden folders (a killed models:fetch run leaves .<id>.partial-*)', async () => {
    await writeTinyModelFolder(path.join(modelsDir, '.all-MiniLM-L6-v2.partial-0a1b2c3d'));
    expect((await findModelFolders(modelsDir)).map((d) => path.basename(d))).toEqual(['tiny-st']);
  });

  it('loads a configured model id, and says how to get one that is missing', async () => {
    const embedder = await createEmbedder({ model: 'tiny-st', modelsDir, log: capture().log });
    await embedder.close();
    expect(embedder.id).toMatch(/^onnx:tiny-st@/);
    await expect(createEmbedder({ model: 'all-MiniLM-L6-v2', modelsDir })).rejects.toMatchObject({
      code: 'EMBED_MODEL_NOT_FOUND',
      message: expect.stringMatching(/npm run models:fetch -- all-MiniLM-L6-v2/) as unknown,
    });
  });

  it('falls back to USE-lite with a warning when the ONNX folder is broken', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'va-embed-broken-'));
    try {
      await writeTinyModelFolder(path.join(dir, 'broken'));
      await writeFile(path.join(dir, 'broken', 'model.onnx'), 'truncated download');
      const { log, lines } = capture();
      const embedder = await createEmbedder({ modelsDir: dir, log });
      await embedder.close();
      expect(embedder.id).toBe(USE_LITE_ID);
      expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
      expect(lines[1]!.msg).toMatch(/could be loaded \(broken: ONNX Runtime cannot load/);
      await expect(createEmbedder({ modelsDir: dir, log, fallback: 'none' })).rejects.toMatchObject(
        {
          code: 'EMBED_NO_BACKEND',
          message: expect.stringMatching(/broken: .*models:fetch/) as unknown,
        },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
