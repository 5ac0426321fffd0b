import * as tokenizers from '@huggingface/tokenizers';

/**
 * The part of @huggingface/tokenizers' `Tokenizer` used here. Its published .d.ts re-exports with
 * extensionless paths that NodeNext resolution cannot follow, so the type is declared locally.
 */
interface HfTokenizer {
  encode(
    text: string,
    options?: { add_special_tokens?: boolean; return_token_type_ids?: boolean },
  ): { ids: number[]; token_type_ids?: number[] };
  token_to_id(token: string): number | undefined;
}
const Tokenizer = (
  tokenizers as unknown as { Tokenizer: new (json: object, config: object) => HfTokenizer }
).Tokenizer;

/** One text's tokens, special tokens included, truncated to the model's max sequence length. */
export interface Encoded {
  readonly ids: readonly number[];
  readonly typeIds: readonly number[];
}

/**
 * Reads a Hugging Face `tokenizer.json` (WordPiece, BPE, Unigram, via @huggingface/tokenizers) and
 * truncates like `tokenizers` with `truncation=longest_first` on a single sequence: content tokens
 * are cut, the template's special tokens ([CLS] … [SEP], <s> … </s>) are kept.
 */
export class SequenceTokenizer {
  private readonly tokenizer: HfTokenizer;
  /** Special tokens the post-processor puts before / after the content of a single sequence. */
  private readonly prefixLength: number;
  private readonly templateLength: number;
  /** Id used for padding positions (masked out, but a real model still sees them). */
  readonly padId: number;

  constructor(
    tokenizerJson: object,
    tokenizerConfig: object,
    readonly maxSeqLength: number,
  ) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    this.templateLength = this.tokenizer.encode('').ids.length;
    const probe = 'a';
    const plain = this.tokenizer.encode(probe, { add_special_tokens: false }).ids;
    const full = this.tokenizer.encode(probe).ids;
    this.prefixLength = Math.max(0, findSubarray(full, plain));
    this.padId = padTokenId(this.tokenizer, tokenizerJson, tokenizerConfig);
    if (maxSeqLength <= this.templateLength)
      throw new RangeError(
        `max sequence length ${maxSeqLength} leaves no room next to the special tokens`,
      );
  }

  encode(text: string): Encoded {
    const budget = this.maxSeqLength - this.templateLength;
    // Every content token covers at least one character: a long text is cut before tokenising
    // (tokenising a whole book to keep 256 tokens is waste), and re-tokenised in full in the rare
    // case that the cut left too few tokens.
    const cutAt = this.maxSeqLength * 16;
    let encoding = this.encodeFull(text.length > cutAt ? text.slice(0, cutAt) : text);
    if (text.length > cutAt && encoding.ids.length - this.templateLength < budget)
      encoding = this.encodeFull(text);
    if (encoding.ids.length <= this.maxSeqLength) return encoding;
    const contentLength = encoding.ids.length - this.templateLength;
    const cut = <T>(a: readonly T[]) => [
      ...a.slice(0, this.prefixLength + budget),
      ...a.slice(this.prefixLength + contentLength),
    ];
    return { ids: cut(encoding.ids), typeIds: cut(encoding.typeIds) };
  }

  private encodeFull(text: string): Encoded {
    const e = this.tokenizer.encode(text, { return_token_type_ids: true });
    return {
      ids: e.ids,
      typeIds: e.token_type_ids ?? e.ids.map(() => 0),
    };
  }
}

function findSubarray(haystack: readonly number[], needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The pad token from tokenizer.json's padding block, tokenizer_config.json, or the usual names. */
function padTokenId(tokenizer: HfTokenizer, json: object, config: object): number {
  const padding = (json as { padding?: { pad_id?: unknown } | null }).padding;
  if (typeof padding?.pad_id === 'number') return padding.pad_id;
  const configured = (config as { pad_token?: unknown }).pad_token;
  const named =
    typeof configured === 'string'
      ? configured
      : (configured as { content?: unknown } | undefined)?.content;
  for (const name of [named, '[PAD]', '<pad>']) {
    const id = typeof name === 'string' ? tokenizer.token_to_id(name) : undefined;
    if (id !== undefined) return id;
  }
  return 0;
}
