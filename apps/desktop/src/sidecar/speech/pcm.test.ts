import { describe, expect, it } from 'vitest';
import { floatToPcm16, int16ToBytes, Pcm16Aligner, pcm16BytesToFloat } from './pcm.js';

describe('PCM16 helpers', () => {
  it('re-aligns samples split across chunks, keeping an odd byte for the next one', () => {
    const bytes = int16ToBytes(Int16Array.from([1, -2, 300, -32768, 32767]));
    const aligner = new Pcm16Aligner();
    const parts = [
      bytes.subarray(0, 3),
      bytes.subarray(3, 4),
      bytes.subarray(4, 7),
      bytes.subarray(7),
    ];
    const out = parts.map((p) => aligner.push(p));
    expect(out.map((o) => o.byteLength)).toEqual([2, 2, 2, 4]);
    const joined = new Uint8Array(10);
    let at = 0;
    for (const o of out) {
      joined.set(o, at);
      at += o.byteLength;
    }
    expect(joined).toEqual(bytes);
  });

  it('converts between PCM16 bytes, floats and Int16 with clipping', () => {
    const floats = pcm16BytesToFloat(int16ToBytes(Int16Array.from([0, 16384, -32768])));
    expect(Array.from(floats)).toEqual([0, 0.5, -1]);
    expect(Array.from(floatToPcm16(Float32Array.from([0, 1, -1, 2, -2, 0.5])))).toEqual([
      0, 32767, -32768, 32767, -32768, 16384,
    ]);
  });
});
