/**
 * Sentence-transformers models that `npm run models:fetch` can install into
 * `resources/models/<id>/`, pinned to a hub commit. `createEmbedder` prefers them in this order when
 * several folders are present. Any other sentence-transformers ONNX folder copied into
 * resources/models works too; these are just the ones the project pins.
 *
 * `sha256` is the file's digest. `null` means it could not be pinned when this list was written
 * (no hub access on the build machines): the file is still fetched from the immutable commit URL,
 * models:fetch prints its digest and records it in the folder's `fetch-manifest.json`, and
 * `--strict` refuses it. Paste the printed digests here to pin them.
 */
export interface PinnedFile {
  /** Path in the hub repository. */
  readonly source: string;
  /** Path inside `resources/models/<id>/`. */
  readonly target: string;
  readonly sha256: string | null;
}

export interface PinnedModel {
  readonly id: string;
  readonly repo: string;
  /** A 40-hex commit: URLs under it never change content. */
  readonly revision: string;
  readonly dimension: number;
  readonly license: string;
  readonly files: readonly PinnedFile[];
}

const config = (source: string): PinnedFile => ({ source, target: source, sha256: null });

export const PINNED_MODELS: readonly PinnedModel[] = [
  {
    id: 'all-MiniLM-L6-v2',
    repo: 'sentence-transformers/all-MiniLM-L6-v2',
    revision: 'c9745ed1d9f207416be6d2e6f8de32d1f16199bf',
    dimension: 384,
    license: 'Apache-2.0',
    files: [
      {
        source: 'onnx/model.onnx',
        target: 'model.onnx',
        sha256: '6fd5d72fe4589f189f8ebc006442dbb529bb7ce38f8082112682524616046452',
      },
      config('tokenizer.json'),
      config('tokenizer_config.json'),
      config('special_tokens_map.json'),
      config('config.json'),
      config('modules.json'),
      config('sentence_bert_config.json'),
      config('1_Pooling/config.json'),
    ],
  },
];

export const HUB_BASE_URL = 'https://huggingface.co';

export function fileUrl(model: PinnedModel, file: PinnedFile, base = HUB_BASE_URL): string {
  return `${base}/${model.repo}/resolve/${model.revision}/${file.source}`;
}
