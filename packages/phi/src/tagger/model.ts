/**
 * The trained token tagger: multinomial logistic regression over hashed features (features.ts).
 * Weights ship in resources/tagger.json (int8, sparse), trained by scripts/train-tagger.ts; the
 * model card is in the package README. Plain TypeScript on-device: no runtime, no download.
 */
import { BUCKETS, HASH_BITS, type TokenFeatures } from './features.js';

/** Token classes. LOC covers locations, addresses, postal codes, facilities; ID every number-like identifier. */
export const CLASSES = ['O', 'NAME', 'LOC', 'DATE', 'ID'] as const;
export type TagClass = (typeof CLASSES)[number];
export const NUM_CLASSES = CLASSES.length;

export interface TaggerModel {
  /** BUCKETS × NUM_CLASSES, row-major by bucket. */
  readonly weights: Float32Array;
  /** Probability of "identifier" (1 − P(O)) at or above which a token is redacted, per mode. */
  readonly thresholds: { readonly strict: number; readonly balanced: number };
  readonly version: string;
}

export interface SerializedModel {
  readonly format: 'phi-tagger/1';
  readonly version: string;
  readonly hashBits: number;
  readonly classes: readonly string[];
  readonly thresholds: { readonly strict: number; readonly balanced: number };
  /** Weight = int8 value × scale. */
  readonly scale: number;
  /** Base64 of the used buckets' indexes as varint deltas. */
  readonly buckets: string;
  /** Base64 of NUM_CLASSES int8 values per used bucket. */
  readonly values: string;
  readonly card?: unknown;
}

/** Probabilities, NUM_CLASSES per token. */
export function predict(model: TaggerModel, feats: TokenFeatures): Float32Array {
  const n = feats.offsets.length - 1;
  const out = new Float32Array(n * NUM_CLASSES);
  const w = model.weights;
  const s = new Float64Array(NUM_CLASSES);
  for (let i = 0; i < n; i++) {
    s.fill(0);
    const from = feats.offsets[i] ?? 0;
    const to = feats.offsets[i + 1] ?? 0;
    for (let k = from; k < to; k++) {
      const base = (feats.ids[k] ?? 0) * NUM_CLASSES;
      for (let c = 0; c < NUM_CLASSES; c++) s[c] = (s[c] ?? 0) + (w[base + c] ?? 0);
    }
    softmaxInto(s, out, i * NUM_CLASSES);
  }
  return out;
}

export function softmaxInto(s: Float64Array, out: Float32Array | Float64Array, at: number): void {
  let max = -Infinity;
  for (let c = 0; c < NUM_CLASSES; c++) max = Math.max(max, s[c] ?? 0);
  let sum = 0;
  for (let c = 0; c < NUM_CLASSES; c++) {
    const e = Math.exp((s[c] ?? 0) - max);
    s[c] = e;
    sum += e;
  }
  for (let c = 0; c < NUM_CLASSES; c++) out[at + c] = (s[c] ?? 0) / sum;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map(Array.from({ length: B64.length }, (_, i) => [B64.charAt(i), i]));

/** Base64 by hand: the package is isomorphic and its environments' globals differ. */
function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64.charAt((n >> 18) & 63) + B64.charAt((n >> 12) & 63);
    out += i + 1 < bytes.length ? B64.charAt((n >> 6) & 63) : '=';
    out += i + 2 < bytes.length ? B64.charAt(n & 63) : '=';
  }
  return out;
}

function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let at = 0;
  for (const c of clean) {
    acc = (acc << 6) | (B64_INDEX.get(c) ?? 0);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** Quantises to int8 and drops buckets whose every weight rounds to zero. */
export function serializeModel(model: TaggerModel, card?: unknown): SerializedModel {
  let max = 0;
  for (const v of model.weights) max = Math.max(max, Math.abs(v));
  const scale = max === 0 ? 1 : max / 127;
  const idx: number[] = [];
  const vals: number[] = [];
  let prev = 0;
  for (let b = 0; b < BUCKETS; b++) {
    const q: number[] = [];
    let any = false;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const v = Math.round((model.weights[b * NUM_CLASSES + c] ?? 0) / scale);
      q.push(v);
      if (v !== 0) any = true;
    }
    if (!any) continue;
    let d = b - prev;
    prev = b;
    do {
      const byte = d & 0x7f;
      d >>>= 7;
      idx.push(d > 0 ? byte | 0x80 : byte);
    } while (d > 0);
    for (const v of q) vals.push(v & 0xff);
  }
  return {
    format: 'phi-tagger/1',
    version: model.version,
    hashBits: HASH_BITS,
    classes: [...CLASSES],
    thresholds: model.thresholds,
    scale,
    buckets: toBase64(Uint8Array.from(idx)),
    values: toBase64(Uint8Array.from(vals)),
    ...(card === undefined ? {} : { card }),
  };
}

/** Weights as shipped; the shape is checked, since the file comes from disk. */
export function deserializeModel(raw: unknown): TaggerModel {
  const m = raw as Partial<SerializedModel> | null;
  if (
    m?.format !== 'phi-tagger/1' ||
    m.hashBits !== HASH_BITS ||
    m.classes?.join() !== CLASSES.join() ||
    typeof m.buckets !== 'string' ||
    typeof m.values !== 'string' ||
    typeof m.scale !== 'number' ||
    m.thresholds === undefined ||
    typeof m.version !== 'string'
  )
    throw new Error('The PHI tagger weights do not match this version of the detector.');
  const weights = new Float32Array(BUCKETS * NUM_CLASSES);
  const idx = fromBase64(m.buckets);
  const vals = new Int8Array(fromBase64(m.values).buffer);
  let at = 0;
  let b = 0;
  let v = 0;
  while (at < idx.length) {
    let d = 0;
    let shift = 0;
    for (;;) {
      const byte = idx[at++] ?? 0;
      d |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    b += d;
    for (let c = 0; c < NUM_CLASSES; c++) weights[b * NUM_CLASSES + c] = (vals[v++] ?? 0) * m.scale;
  }
  return { weights, thresholds: m.thresholds, version: m.version };
}
