import type { ErrorInfo } from './errors.js';

/**
 * Microphone audio as binary frames (renderer → engine), fire-and-forget: no reply, no JSON,
 * no base64. One frame per capture chunk (512 samples, 32 ms, recommended):
 *
 *   offset  size  field
 *   0       1     kind     0x01 = microphone audio
 *   1       1     format   0x01 = pcm_s16le, mono, 16 kHz (MIC_SAMPLE_RATE)
 *   2       1     L        length of the turn id, 1..64
 *   3       1     0        reserved
 *   4       4     seq      uint32 little-endian, 0, 1, 2… per turn
 *   8       L     turn id  ASCII [A-Za-z0-9_-] (as `voice.turnStart` returned it)
 *   8+L     0|1   padding  one zero byte when L is odd (samples start at an even offset)
 *   …       2·n   samples  n = 1..MAX_MIC_SAMPLES signed 16-bit little-endian
 *
 * The receiving side checks every field (`decodeAudioFrame`); a frame that fails is dropped and
 * counted, never answered. Text frames stay JSON (protocol.ts): the two never mix.
 */
export const AUDIO_FRAME_KIND_MIC = 0x01;
export const AUDIO_FORMAT_PCM_S16LE_16K = 0x01;
const HEADER_BYTES = 8;
const MAX_TURN_ID = 64;
const TURN_ID = /^[A-Za-z0-9_-]+$/;
/** 1 s of audio per frame at most (32,000 bytes). */
export const MAX_MIC_SAMPLES = 16_000;
/** The largest frame a receiver accepts. */
export const MAX_AUDIO_FRAME_BYTES = HEADER_BYTES + MAX_TURN_ID + 1 + 2 * MAX_MIC_SAMPLES;

export interface AudioFrame {
  readonly turnId: string;
  readonly seq: number;
  /** Owned by the frame (a copy when the bytes were not aligned). */
  readonly pcm: Int16Array;
}

export type DecodedAudioFrame =
  | { readonly ok: true; readonly frame: AudioFrame }
  | { readonly ok: false; readonly error: ErrorInfo };

const invalid = (why: string): DecodedAudioFrame => ({
  ok: false,
  error: { code: 'AUDIO_INVALID', message: `Audio frame rejected: ${why}.` },
});

/** Little-endian on every platform we run on; checked once so a big-endian host fails loudly. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeAudioFrame(frame: AudioFrame): ArrayBuffer {
  const id = frame.turnId;
  if (id.length === 0 || id.length > MAX_TURN_ID || !TURN_ID.test(id))
    throw new RangeError('turn id: 1..64 characters of [A-Za-z0-9_-]');
  if (!Number.isInteger(frame.seq) || frame.seq < 0 || frame.seq > 0xffffffff)
    throw new RangeError('seq: a uint32');
  if (frame.pcm.length === 0 || frame.pcm.length > MAX_MIC_SAMPLES)
    throw new RangeError(`samples: 1..${MAX_MIC_SAMPLES}`);
  if (!LITTLE_ENDIAN) throw new RangeError('big-endian hosts are not supported');
  const offset = HEADER_BYTES + id.length + (id.length % 2);
  const out = new ArrayBuffer(offset + frame.pcm.byteLength);
  const view = new DataView(out);
  view.setUint8(0, AUDIO_FRAME_KIND_MIC);
  view.setUint8(1, AUDIO_FORMAT_PCM_S16LE_16K);
  view.setUint8(2, id.length);
  view.setUint32(4, frame.seq, true);
  const bytes = new Uint8Array(out);
  for (let i = 0; i < id.length; i++) bytes[HEADER_BYTES + i] = id.charCodeAt(i);
  bytes.set(new Uint8Array(frame.pcm.buffer, frame.pcm.byteOffset, frame.pcm.byteLength), offset);
  return out;
}

/** Validates one incoming binary frame completely (size, kind, format, id, samples). */
export function decodeAudioFrame(data: unknown): DecodedAudioFrame {
  let bytes: Uint8Array;
  if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (ArrayBuffer.isView(data))
    bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else return invalid('not binary');
  if (bytes.byteLength > MAX_AUDIO_FRAME_BYTES) return invalid('too large');
  if (bytes.byteLength < HEADER_BYTES + 1) return invalid('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== AUDIO_FRAME_KIND_MIC) return invalid('unknown kind');
  if (view.getUint8(1) !== AUDIO_FORMAT_PCM_S16LE_16K) return invalid('unknown sample format');
  const idLength = view.getUint8(2);
  if (idLength === 0 || idLength > MAX_TURN_ID || view.getUint8(3) !== 0)
    return invalid('bad header');
  const offset = HEADER_BYTES + idLength + (idLength % 2);
  const pcmBytes = bytes.byteLength - offset;
  if (pcmBytes <= 0 || pcmBytes % 2 !== 0 || pcmBytes > 2 * MAX_MIC_SAMPLES)
    return invalid('samples must be 1..16000 whole 16-bit samples');
  let turnId = '';
  for (let i = 0; i < idLength; i++) turnId += String.fromCharCode(view.getUint8(HEADER_BYTES + i));
  if (!TURN_ID.test(turnId)) return invalid('bad turn id');
  if (!LITTLE_ENDIAN) return invalid('big-endian hosts are not supported');
  // Copied: the frame must own aligned samples (the transport's buffer may be reused or odd).
  const pcm = new Int16Array(pcmBytes / 2);
  new Uint8Array(pcm.buffer).set(bytes.subarray(offset));
  return { ok: true, frame: { turnId, seq: view.getUint32(4, true), pcm } };
}
