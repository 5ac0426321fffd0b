/**
 * A tiny "Piper" voice that sherpa-onnx loads like a real one: the metadata sherpa reads
 * (`comment: piper`, sample rate, language, espeak voice), a phoneme token table, and a graph with
 * Piper's inputs (`input`, `input_lengths`, `scales`) whose output is one sample per token id
 * (id / 1000). Phonemization runs for real through sherpa's espeak-ng with the espeak-ng data this
 * machine has, so a test sees text → phonemes → ids → model → samples. Test support only.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeOnnxModel, ONNX_FLOAT, ONNX_INT64 } from '../embed/onnx-writer.js';
import { onnxMetadata } from './tiny-ctc.js';

export const TINY_PIPER_RATE = 22_050;

/** Piper's specials first (pad, bos, eos, space), then the IPA espeak-ng uses for English. */
const TOKENS = [
  '_',
  '^',
  '$',
  ' ',
  '!',
  "'",
  ',',
  '.',
  '?',
  ':',
  ';',
  ...Array.from('abcdefghijklmnopqrstuvwxyz'),
  ...Array.from(
    'æçðøħŋœǀǁǂǃɐɑɒɓɔɕɖɗɘəɚɛɜɝɞɟɠɡɢɣɤɥɦɧɨɪɫɬɭɮɯɰɱɲɳɴɵɶɸɹɺɻɽɾʀʁʂʃʄʈʉʊʋʌʍʎʏʐʑʒʔʕʘʙʛʜʝʟʡʢʤʧʲˈˌːˑ̩̃θχᵻ',
  ),
];

export function tinyPiperModelBytes(): Uint8Array {
  const graph = encodeOnnxModel({
    opset: 11, // Unsqueeze with `axes` as an attribute: the writer has float initializers only
    inputs: [
      { name: 'input', elemType: ONNX_INT64, shape: [1, 'T'] },
      { name: 'input_lengths', elemType: ONNX_INT64, shape: [1] },
      { name: 'scales', elemType: ONNX_FLOAT, shape: [3] },
    ],
    outputs: [{ name: 'output', elemType: ONNX_FLOAT, shape: [1, 1, 'T'] }],
    initializers: [{ name: 'k', dims: [], data: Float32Array.from([0.001]) }],
    nodes: [
      { opType: 'Cast', inputs: ['input'], outputs: ['ids'], intAttrs: { to: ONNX_FLOAT } },
      { opType: 'Mul', inputs: ['ids', 'k'], outputs: ['samples'] },
      { opType: 'Unsqueeze', inputs: ['samples'], outputs: ['output'], intsAttrs: { axes: [1] } },
    ],
  });
  const meta = onnxMetadata({
    comment: 'piper',
    model_type: 'vits',
    language: 'English',
    voice: 'en-us',
    sample_rate: String(TINY_PIPER_RATE),
    n_speakers: '1',
    add_blank: '0',
    punctuation: ', . ? ! : ;',
  });
  const out = new Uint8Array(graph.length + meta.length);
  out.set(graph, 0);
  out.set(meta, graph.length);
  return out;
}

export async function writeTinyPiperModel(dir: string): Promise<{ model: string; tokens: string }> {
  const model = path.join(dir, 'tiny-piper.onnx');
  const tokens = path.join(dir, 'tokens.txt');
  await writeFile(model, tinyPiperModelBytes());
  await writeFile(tokens, TOKENS.map((t, i) => `${t} ${i}\n`).join(''));
  return { model, tokens };
}
