import { describe, expect, it } from 'vitest';
import type { SpeechCapabilities } from './capabilities.js';
import { chooseStt, chooseTts, sttPolicyFromEnv, type CloudPath } from './policy.js';

function caps(available: {
  streaming?: boolean;
  pocketsphinx?: boolean;
  vits?: boolean;
  espeak?: boolean;
}): SpeechCapabilities {
  return {
    recognisers: [
      { id: 'sherpa-streaming', accuracy: 'standard', available: available.streaming ?? false },
      { id: 'sherpa-offline', accuracy: 'standard', available: false },
      { id: 'pocketsphinx', accuracy: 'basic', available: available.pocketsphinx ?? false },
    ],
    synthesisers: [
      { id: 'sherpa-vits', available: available.vits ?? false },
      { id: 'espeak-ng', available: available.espeak ?? false },
    ],
  };
}
const UP: CloudPath = { configured: true, usable: true };
const DOWN: CloudPath = { configured: true, usable: false };
const NONE: CloudPath = { configured: false, usable: false };

describe('speech path policy', () => {
  it('reads the policy from the environment; the older audio block means on-device only; unknown values are refused', () => {
    expect(sttPolicyFromEnv({})).toBe('cloud-with-fallback');
    expect(sttPolicyFromEnv({ VOICEASSIST_STT_AUDIO: 'block' })).toBe('on-device-only');
    expect(sttPolicyFromEnv({ VOICEASSIST_STT_POLICY: 'cloud-only' })).toBe('cloud-only');
    expect(() => sttPolicyFromEnv({ VOICEASSIST_STT_POLICY: 'cloudy' })).toThrow(/not one of/);
  });

  it('uses the cloud when allowed and up, keeping the best on-device recogniser as fallback', () => {
    const c = chooseStt('cloud-with-fallback', UP, caps({ streaming: true, pocketsphinx: true }));
    expect(c).toMatchObject({
      path: 'cloud',
      fallback: 'sherpa-streaming',
      audioLeavesWorkstation: true,
    });
    expect(chooseStt('cloud-only', UP, caps({ pocketsphinx: true }))).toMatchObject({
      path: 'cloud',
      fallback: undefined,
    });
  });

  it('falls back on-device when the cloud is down or not set up, and says basic accuracy means confirming', () => {
    const c = chooseStt('cloud-with-fallback', DOWN, caps({ pocketsphinx: true }));
    expect(c).toMatchObject({ path: 'on-device', recogniser: 'pocketsphinx', accuracy: 'basic' });
    expect(c.sentence).toMatch(/confirm/);
    expect(
      chooseStt('cloud-with-fallback', NONE, caps({ streaming: true, pocketsphinx: true })),
    ).toMatchObject({
      path: 'on-device',
      recogniser: 'sherpa-streaming',
    });
  });

  it('never sends audio out under on-device only, even with the cloud up', () => {
    expect(chooseStt('on-device-only', UP, caps({ pocketsphinx: true }))).toMatchObject({
      path: 'on-device',
      audioLeavesWorkstation: false,
    });
    expect(chooseStt('on-device-only', UP, caps({}))).toMatchObject({ path: 'none' });
  });

  it('disables talking with one plain sentence when nothing can transcribe', () => {
    const cloudOnly = chooseStt('cloud-only', NONE, caps({ pocketsphinx: true }));
    expect(cloudOnly.path).toBe('none');
    expect(cloudOnly.sentence).toMatch(/no cloud service is set up/);
    const nothing = chooseStt('cloud-with-fallback', DOWN, caps({}));
    expect(nothing.path).toBe('none');
    expect(nothing.sentence).toMatch(/type your question/);
    expect(nothing.sentence.split('. ').length).toBe(1);
  });

  it('picks the best voice available: cloud, neural on-device, OS voices, eSpeak NG, text', () => {
    const all = caps({ vits: true, espeak: true });
    expect(chooseTts(UP, all, true)).toBe('cloud');
    expect(chooseTts(DOWN, all, true)).toBe('sherpa-vits');
    expect(chooseTts(DOWN, caps({ espeak: true }), true)).toBe('os-voice');
    expect(chooseTts(NONE, caps({ espeak: true }), false)).toBe('espeak-ng');
    expect(chooseTts(NONE, caps({}), false)).toBe('text-only');
  });
});
