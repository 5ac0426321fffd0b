/** PCM16 LE byte chunks as they arrive from capture: any size, possibly split inside a sample. */
export class Pcm16Aligner {
  private carry: number | undefined;

  /** Returns whole samples only; an odd trailing byte is kept for the next chunk. */
  push(chunk: Uint8Array): Uint8Array {
    if (chunk.byteLength === 0) return chunk;
    let bytes = chunk;
    if (this.carry !== undefined) {
      bytes = new Uint8Array(chunk.byteLength + 1);
      bytes[0] = this.carry;
      bytes.set(chunk, 1);
      this.carry = undefined;
    }
    if (bytes.byteLength % 2 === 1) {
      this.carry = bytes[bytes.byteLength - 1];
      bytes = bytes.subarray(0, bytes.byteLength - 1);
    }
    return bytes;
  }
}

/** PCM16 LE bytes (even length) → float samples in [-1, 1). */
export function pcm16BytesToFloat(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}

/** Float samples → PCM16 (clipped), the format every `SpeechChunk` carries. */
export function floatToPcm16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    out[i] = s < 0 ? Math.round(s * 32768) : Math.round(s * 32767);
  }
  return out;
}

/** Int16 samples → PCM16 LE bytes (what the turn sends to a recogniser). */
export function int16ToBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i] ?? 0, true);
  return out;
}
