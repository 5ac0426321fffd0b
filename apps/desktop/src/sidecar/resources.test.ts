import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveResources } from './resources.js';

describe('resolveResources', () => {
  it('takes VOICEASSIST_MODELS_DIR first, then a packaged app’s resources folder', () => {
    expect(
      resolveResources({ VOICEASSIST_MODELS_DIR: 'rel/models' }, '/opt/app/resources'),
    ).toEqual({
      modelsDir: path.resolve('rel/models'),
      from: 'VOICEASSIST_MODELS_DIR',
    });
    expect(resolveResources({}, '/opt/app/resources')).toEqual({
      modelsDir: path.join('/opt/app/resources', 'models'),
      from: 'process.resourcesPath',
    });
  });

  it('names no folder when the launcher said nothing (plain Node, no variable)', () => {
    expect(resolveResources({ VOICEASSIST_MODELS_DIR: '' }, undefined)).toEqual({
      modelsDir: undefined,
      from: 'none',
    });
  });
});
