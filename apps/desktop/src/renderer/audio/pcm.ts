/** PCM16 ↔ base64 for the contract's audio messages (shared/voice-turn.ts: text frames only). */

export function pcm16ToBase64(samples: Int16Array): string {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  let binary = '';
  const CHUNK = 0x8000; // String.fromCharCode takes a bounded argument list
  for (let i = 0; i < bytes.length; i += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** base64 little-endian PCM16 → samples (an odd trailing byte is dropped). */
export function base64ToPcm16(b64: string): Int16Array {
  const binary = atob(b64);
  const out = new Int16Array(Math.floor(binary.length / 2));
  for (let i = 0; i < out.length; i++) {
    const lo = binary.charCodeAt(2 * i);
    const hi = binary.charCodeAt(2 * i + 1);
    out[i] = (((hi << 8) | lo) << 16) >> 16; // sign-extend
  }
  return out;
}
