import { describe, expect, it } from 'vitest';
import {
  MAX_AUDIO_FRAME_BYTES,
  MAX_MIC_SAMPLES,
  decodeAudioFrame,
  encodeAudioFrame,
} from './audio-frame.js';

const pcm = Int16Array.from([0, 1, -1, 32767, -32768]);

describe('binary audio frames', () => {
  it('round-trips turn id, seq and samples, for odd and even turn id lengths', () => {
    for (const turnId of ['abc', 'b6f1c2f4-5b7a-4c1e-9d5e-3a2b1c0d9e8f']) {
      const decoded = decodeAudioFrame(encodeAudioFrame({ turnId, seq: 4_000_000_000, pcm }));
      expect(decoded).toEqual({ ok: true, frame: { turnId, seq: 4_000_000_000, pcm } });
    }
  });

  it('accepts the bytes as any view (at an odd offset, as a Node Buffer may be) and owns its samples', () => {
    const wire = new Uint8Array(encodeAudioFrame({ turnId: 't1', seq: 7, pcm }));
    const backing = new Uint8Array(wire.length + 1);
    backing.set(wire, 1);
    const decoded = decodeAudioFrame(backing.subarray(1));
    expect(decoded.ok && decoded.frame.pcm).toEqual(pcm);
    backing.fill(0);
    expect(decoded.ok && decoded.frame.pcm).toEqual(pcm); // a copy, not a view of the buffer
  });

  it('rejects anything that is not exactly a microphone frame, with AUDIO_INVALID', () => {
    const good = new Uint8Array(encodeAudioFrame({ turnId: 'turn-1', seq: 0, pcm }));
    const variant = (patch: (b: Uint8Array) => Uint8Array): unknown => patch(good.slice());
    const cases: [string, unknown][] = [
      ['text', 'hello'],
      ['nothing', new Uint8Array(0)],
      ['a header only', good.slice(0, 14)],
      ['an odd byte count', good.slice(0, good.length - 1)],
      ['another kind', variant((b) => ((b[0] = 2), b))],
      ['another sample format', variant((b) => ((b[1] = 2), b))],
      ['an empty turn id', variant((b) => ((b[2] = 0), b))],
      ['a reserved byte set', variant((b) => ((b[3] = 1), b))],
      ['a turn id with other characters', variant((b) => ((b[8] = 0x2f), b))],
      ['too many samples', new Uint8Array(MAX_AUDIO_FRAME_BYTES + 2)],
    ];
    for (const [name, data] of cases) {
      const decoded = decodeAudioFrame(data);
      expect(decoded.ok, name).toBe(false);
      if (!decoded.ok) expect(decoded.error.code, name).toBe('AUDIO_INVALID');
    }
  });

  it('refuses to encode what the receiver would reject', () => {
    expect(() => encodeAudioFrame({ turnId: 'a/b', seq: 0, pcm })).toThrow(RangeError);
    expect(() => encodeAudioFrame({ turnId: 't', seq: -1, pcm })).toThrow(RangeError);
    expect(() =>
      encodeAudioFrame({ turnId: 't', seq: 0, pcm: new Int16Array(MAX_MIC_SAMPLES + 1) }),
    ).toThrow(RangeError);
  });
});
