import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { speechCapabilities } from './capabilities.js';

describe('on-device speech capabilities', () => {
  let empty = '';
  beforeAll(async () => {
    empty = await mkdtemp(path.join(os.tmpdir(), 'voiceassist-no-models-'));
  });
  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
  });

  it('lists what works here, best first, with a reason for what does not', () => {
    const caps = speechCapabilities({ modelsDir: empty });
    expect(caps.recognisers.map((r) => r.id)).toEqual([
      'sherpa-streaming',
      'sherpa-offline',
      'pocketsphinx',
    ]);
    // `npm test` installs pocketsphinx and espeak-ng; the sherpa models are not in an empty folder.
    expect(caps.recognisers.find((r) => r.id === 'pocketsphinx')).toMatchObject({
      available: true,
      accuracy: 'basic',
    });
    const streaming = caps.recognisers[0]!;
    expect(streaming.available).toBe(false);
    expect(streaming.reason).toMatch(/models:fetch -- zipformer-en-20m/);
    expect(caps.synthesisers.map((s) => [s.id, s.available])).toEqual([
      ['sherpa-vits', false],
      ['espeak-ng', true],
    ]);
  });

  it('names the Debian package when an engine is missing', () => {
    const caps = speechCapabilities({
      modelsDir: empty,
      pocketsphinx: { modelDir: '/nonexistent' },
      espeak: { binary: '/nonexistent/espeak-ng' },
    });
    expect(caps.recognisers[2]).toMatchObject({ available: false });
    expect(caps.recognisers[2]!.reason).toMatch(/pocketsphinx-en-us/);
    expect(caps.synthesisers[1]!.reason).toMatch(/espeak-ng/);
  });
});
