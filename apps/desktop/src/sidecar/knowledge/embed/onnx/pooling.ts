/**
 * Sentence-transformers pooling over token embeddings, as `sentence_transformers.models.Pooling`
 * computes it: padding (attention mask 0) never contributes. With several modes enabled the
 * results are concatenated in sentence-transformers' order.
 */
export const POOLING_MODES = [
  'cls',
  'max',
  'mean',
  'mean_sqrt_len',
  'weightedmean',
  'lasttoken',
] as const;
export type PoolingMode = (typeof POOLING_MODES)[number];

/** Token embeddings of one batch: `data[(b * seq + s) * dim + d]`. */
export interface TokenEmbeddings {
  readonly data: Float32Array;
  readonly batch: number;
  readonly seq: number;
  readonly dim: number;
}

/** `mask[b * seq + s]` is 1 for a real token, 0 for padding. */
export function pool(
  hidden: TokenEmbeddings,
  mask: ArrayLike<number>,
  modes: readonly PoolingMode[],
): Float32Array[] {
  const { batch, seq, dim } = hidden;
  if (hidden.data.length !== batch * seq * dim)
    throw new RangeError(
      `token embeddings hold ${hidden.data.length} values, expected ${batch}x${seq}x${dim}`,
    );
  if (modes.length === 0) throw new RangeError('at least one pooling mode is required');
  const ordered = POOLING_MODES.filter((m) => modes.includes(m));
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const row = new Float32Array(dim * ordered.length);
    ordered.forEach((mode, k) => row.set(poolOne(hidden, mask, b, mode), k * dim));
    out.push(row);
  }
  return out;
}

function poolOne(
  h: TokenEmbeddings,
  mask: ArrayLike<number>,
  b: number,
  mode: PoolingMode,
): Float32Array {
  const { data, seq, dim } = h;
  const v = new Float32Array(dim);
  const at = (s: number, d: number) => data[(b * seq + s) * dim + d] ?? 0;
  const on = (s: number) => (mask[b * seq + s] ?? 0) !== 0;
  switch (mode) {
    case 'cls':
      for (let d = 0; d < dim; d++) v[d] = at(0, d);
      return v;
    case 'lasttoken': {
      let last = 0;
      for (let s = 0; s < seq; s++) if (on(s)) last = s;
      for (let d = 0; d < dim; d++) v[d] = at(last, d);
      return v;
    }
    case 'max': {
      v.fill(-Infinity);
      let any = false;
      for (let s = 0; s < seq; s++) {
        if (!on(s)) continue;
        any = true;
        for (let d = 0; d < dim; d++) v[d] = Math.max(v[d] ?? -Infinity, at(s, d));
      }
      if (!any) v.fill(0);
      return v;
    }
    case 'mean':
    case 'mean_sqrt_len':
    case 'weightedmean': {
      let weightSum = 0;
      for (let s = 0; s < seq; s++) {
        if (!on(s)) continue;
        const w = mode === 'weightedmean' ? s + 1 : 1;
        weightSum += w;
        for (let d = 0; d < dim; d++) v[d] = (v[d] ?? 0) + w * at(s, d);
      }
      if (weightSum === 0) return v;
      const div = mode === 'mean_sqrt_len' ? Math.sqrt(weightSum) : weightSum;
      for (let d = 0; d < dim; d++) v[d] = (v[d] ?? 0) / div;
      return v;
    }
  }
}
