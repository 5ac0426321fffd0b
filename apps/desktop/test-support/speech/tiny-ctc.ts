/**
 * A tiny NeMo-style CTC "recogniser" that sherpa-onnx loads like a real one: 80 log-mel features
 * in, per-frame log-probabilities over three tokens out (`▁yes`, `▁no`, `<blk>`), with the
 * metadata sherpa reads (`vocab_size`, `subsampling_factor`, `normalize_type`). Its weights make a
 * low tone (300 Hz) say "yes", a high tone (5 kHz) say "no", and silence blank, so a test can feed
 * real audio through sherpa's feature extraction, the ONNX session and its CTC decoder, and know the
 * transcript to expect. Test support only.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeOnnxModel, ONNX_FLOAT, ONNX_INT64 } from '../embed/onnx-writer.js';

const MEL_BINS = 80;
const VOCAB = ['▁yes', '▁no', '<blk>'] as const;
/** Low bins 0–19 (≈ up to 550 Hz) against high bins 60–79 (≈ 3.7–8 kHz). */
const LOW = [0, 20] as const;
const HIGH = [60, 80] as const;

function weights(): Float32Array {
  // W is [80, 3], row-major: W[bin][token].
  const w = new Float32Array(MEL_BINS * VOCAB.length);
  for (let bin = 0; bin < MEL_BINS; bin++) {
    const low = bin >= LOW[0] && bin < LOW[1];
    const high = bin >= HIGH[0] && bin < HIGH[1];
    const yes = low ? 1 : high ? -1 : 0;
    w[bin * VOCAB.length + 0] = yes;
    w[bin * VOCAB.length + 1] = -yes;
  }
  return w;
}

/** ModelProto field 14: metadata_props (StringStringEntryProto {key = 1, value = 2}). */
export function onnxMetadata(entries: Readonly<Record<string, string>>): Uint8Array {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    let v = n;
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(v);
    return out;
  };
  const field = (num: number, bytes: readonly number[]): number[] => [
    ...varint((num << 3) | 2),
    ...varint(bytes.length),
    ...bytes,
  ];
  const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
  const parts = Object.entries(entries).flatMap(([key, value]) =>
    field(14, [...field(1, utf8(key)), ...field(2, utf8(value))]),
  );
  return Uint8Array.from(parts);
}

export function tinyCtcModelBytes(): Uint8Array {
  const graph = encodeOnnxModel({
    inputs: [
      { name: 'audio_signal', elemType: ONNX_FLOAT, shape: ['N', MEL_BINS, 'T'] },
      { name: 'length', elemType: ONNX_INT64, shape: ['N'] },
    ],
    outputs: [{ name: 'logprobs', elemType: ONNX_FLOAT, shape: ['N', 'T', VOCAB.length] }],
    initializers: [
      { name: 'W', dims: [MEL_BINS, VOCAB.length], data: weights() },
      // Blank wins unless one side of the spectrum is clearly louder than the other.
      { name: 'B', dims: [VOCAB.length], data: Float32Array.from([0, 0, 40]) },
    ],
    nodes: [
      {
        opType: 'Transpose',
        inputs: ['audio_signal'],
        outputs: ['x'],
        intsAttrs: { perm: [0, 2, 1] },
      },
      { opType: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
      { opType: 'Add', inputs: ['xw', 'B'], outputs: ['logits'] },
      { opType: 'LogSoftmax', inputs: ['logits'], outputs: ['logprobs'], intAttrs: { axis: -1 } },
    ],
  });
  // Protobuf merges repeated fields, so metadata can follow the encoded model.
  const meta = onnxMetadata({
    vocab_size: String(VOCAB.length),
    subsampling_factor: '1',
    normalize_type: '',
  });
  const out = new Uint8Array(graph.length + meta.length);
  out.set(graph, 0);
  out.set(meta, graph.length);
  return out;
}

/** Writes `model.onnx` and `tokens.txt` into `dir`; returns their paths. */
export async function writeTinyCtcModel(dir: string): Promise<{ model: string; tokens: string }> {
  const model = path.join(dir, 'model.onnx');
  const tokens = path.join(dir, 'tokens.txt');
  await writeFile(model, tinyCtcModelBytes());
  await writeFile(tokens, VOCAB.map((t, i) => `${t} ${i}\n`).join(''));
  return { model, tokens };
}

/** 16 kHz float audio: `pattern` of 'low' | 'high' | 'gap', each `seconds` long. */
export function toneSequence(
  pattern: readonly ('low' | 'high' | 'gap')[],
  seconds = 0.4,
): Float32Array {
  const n = Math.round(seconds * 16_000);
  const out = new Float32Array(n * pattern.length);
  pattern.forEach((part, k) => {
    if (part === 'gap') return;
    const hz = part === 'low' ? 300 : 5_000;
    for (let i = 0; i < n; i++) out[k * n + i] = 0.3 * Math.sin((2 * Math.PI * hz * i) / 16_000);
  });
  return out;
}
