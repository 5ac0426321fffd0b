import { VoiceError } from './errors.js';

/** Decoded audio: one Float32Array per channel, samples in [-1, 1]. */
export interface DecodedWav {
  readonly sampleRate: number;
  readonly channels: readonly Float32Array[];
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

function fourcc(view: DataView, offset: number): string {
  return String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );
}

interface FmtChunk {
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
}

function readFmt(view: DataView, offset: number, size: number): FmtChunk {
  if (size < 16) throw new VoiceError('WAV_INVALID', 'The fmt chunk is too short.');
  let format = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRate = view.getUint32(offset + 4, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bitsPerSample = view.getUint16(offset + 14, true);
  // WAVE_FORMAT_EXTENSIBLE carries the real format in the first two bytes of its sub-format GUID.
  if (format === FORMAT_EXTENSIBLE && size >= 40) format = view.getUint16(offset + 24, true);
  return { format, channels, sampleRate, bitsPerSample, blockAlign };
}

function sampleReader(fmt: FmtChunk): (view: DataView, offset: number) => number {
  const { format, bitsPerSample } = fmt;
  if (format === FORMAT_PCM) {
    switch (bitsPerSample) {
      case 8:
        return (v, o) => (v.getUint8(o) - 128) / 128;
      case 16:
        return (v, o) => v.getInt16(o, true) / 32768;
      case 24:
        return (v, o) => {
          const x = v.getUint8(o) | (v.getUint8(o + 1) << 8) | (v.getInt8(o + 2) << 16);
          return x / 8388608;
        };
      case 32:
        return (v, o) => v.getInt32(o, true) / 2147483648;
      default:
        break;
    }
  } else if (format === FORMAT_FLOAT) {
    if (bitsPerSample === 32) return (v, o) => v.getFloat32(o, true);
    if (bitsPerSample === 64) return (v, o) => v.getFloat64(o, true);
  }
  throw new VoiceError(
    'WAV_UNSUPPORTED',
    `Format ${format} with ${bitsPerSample} bits per sample cannot be read.`,
  );
}

/** Parses a RIFF/WAVE file: integer PCM (8/16/24/32-bit) or IEEE float (32/64-bit), any rate. */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || fourcc(view, 0) !== 'RIFF' || fourcc(view, 8) !== 'WAVE')
    throw new VoiceError('WAV_INVALID', 'It has no RIFF/WAVE header.');
  let fmt: FmtChunk | undefined;
  let dataOffset = -1;
  let dataSize = 0;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = fourcc(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') fmt = readFmt(view, body, size);
    else if (id === 'data') {
      dataOffset = body;
      // Streams written before their length was known say 0 or 0xFFFFFFFF: take what is there.
      dataSize = Math.min(size === 0 ? Infinity : size, bytes.byteLength - body);
      if (fmt) break;
    }
    offset = body + size + (size % 2); // chunks are word-aligned
  }
  if (!fmt) throw new VoiceError('WAV_INVALID', 'It has no fmt chunk.');
  if (dataOffset < 0) throw new VoiceError('WAV_INVALID', 'It has no data chunk.');
  if (fmt.channels < 1 || fmt.sampleRate < 1 || fmt.blockAlign < 1)
    throw new VoiceError('WAV_INVALID', 'Its fmt chunk declares no channels or no sample rate.');
  const read = sampleReader(fmt);
  const bytesPerSample = fmt.bitsPerSample / 8;
  const frames = Math.floor(dataSize / fmt.blockAlign);
  const channels = Array.from({ length: fmt.channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    const base = dataOffset + i * fmt.blockAlign;
    channels.forEach((ch, c) => (ch[i] = read(view, base + c * bytesPerSample)));
  }
  return { sampleRate: fmt.sampleRate, channels };
}

/** Averages channels into one (the usual downmix for speech; no channel is preferred). */
export function toMono(channels: readonly Float32Array[]): Float32Array {
  const [first] = channels;
  if (!first) return new Float32Array(0);
  if (channels.length === 1) return first;
  const out = new Float32Array(first.length);
  for (const ch of channels)
    for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + (ch[i] ?? 0);
  const scale = 1 / channels.length;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) * scale;
  return out;
}

/** Float samples in [-1, 1] to 16-bit PCM, clipped and rounded. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    // Same scale as int16ToFloat (÷32768), so PCM → float → PCM is lossless.
    out[i] = Math.max(-32768, Math.min(32767, Math.round((samples[i] ?? 0) * 32768)));
  }
  return out;
}

export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i] ?? 0) / 32768;
  return out;
}

/** Writes mono 16-bit PCM (the default) or 32-bit float WAV. */
export function encodeWav(
  samples: Float32Array | Int16Array,
  sampleRate: number,
  encoding: 'pcm16' | 'float32' = 'pcm16',
): Uint8Array {
  const bytesPerSample = encoding === 'pcm16' ? 2 : 4;
  const dataSize = samples.length * bytesPerSample;
  const bytes = new Uint8Array(44 + dataSize);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, s: string): void => {
    for (let i = 0; i < 4; i++) view.setUint8(offset + i, s.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataSize, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, encoding === 'pcm16' ? FORMAT_PCM : FORMAT_FLOAT, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * bytesPerSample, true);
  view.setUint16(32, bytesPerSample, true);
  view.setUint16(34, bytesPerSample * 8, true);
  ascii(36, 'data');
  view.setUint32(40, dataSize, true);
  if (encoding === 'pcm16') {
    const pcm = samples instanceof Int16Array ? samples : floatToInt16(samples);
    for (let i = 0; i < pcm.length; i++) view.setInt16(44 + i * 2, pcm[i] ?? 0, true);
  } else {
    const f = samples instanceof Float32Array ? samples : int16ToFloat(samples);
    for (let i = 0; i < f.length; i++) view.setFloat32(44 + i * 4, f[i] ?? 0, true);
  }
  return bytes;
}
