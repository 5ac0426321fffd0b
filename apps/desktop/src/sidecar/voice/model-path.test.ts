import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSileroModelPath, SILERO_VAD_FILE } from './model-path.js';

describe('resolveSileroModelPath', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voiceassist-models-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prefers the models folder', async () => {
    const withModel = path.join(dir, 'with');
    await mkdir(withModel);
    await writeFile(path.join(withModel, SILERO_VAD_FILE), 'x');
    const logs: string[] = [];
    expect(resolveSileroModelPath({ modelsDir: withModel, log: (m) => logs.push(m) })).toBe(
      path.join(withModel, SILERO_VAD_FILE),
    );
    expect(logs).toEqual([]);
  });

  it('honours VOICEASSIST_MODELS_DIR', async () => {
    const envDir = path.join(dir, 'env');
    await mkdir(envDir);
    await writeFile(path.join(envDir, SILERO_VAD_FILE), 'x');
    expect(resolveSileroModelPath({ env: { VOICEASSIST_MODELS_DIR: envDir } })).toBe(
      path.join(envDir, SILERO_VAD_FILE),
    );
  });

  it('falls back to the copy in node_modules and says so', () => {
    const logs: string[] = [];
    const found = resolveSileroModelPath({ modelsDir: dir, log: (m) => logs.push(m) });
    expect(found).toMatch(/@ricky0123[/\\]vad-web[/\\]dist[/\\]silero_vad_v5\.onnx$/);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('prepare-resources');
  });
});
