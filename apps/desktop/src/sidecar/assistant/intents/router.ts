import type { Embedder } from '../../knowledge/embed/embedder.js';
import { INTENT_EXAMPLES } from './examples.js';
import { calculatorRule, commandRule, keywordRule, normalizeTurn } from './rules.js';
import { INTENTS, type Intent, type Route } from './types.js';

export interface LocalRouterOptions {
  /** The profile's embedder (the same model the knowledge store uses). */
  readonly embedder?: Pick<Embedder, 'id' | 'embed'>;
  /** Least similarity to an intent's examples to leave the knowledge default. */
  readonly minSimilarity?: number;
  /** How much closer than the knowledge examples that intent must be. */
  readonly margin?: number;
  readonly examples?: Readonly<Record<Intent, readonly string[]>>;
}

/**
 * Chosen on the dev half of the labelled set with USE-lite (bench/intents sweeps it: dev accuracy
 * is flat from 0.2 to 0.5 and falls above 0.55, so the plateau's upper middle); the accuracy
 * reported is the test half's, which played no part in choosing.
 */
export const DEFAULT_MIN_SIMILARITY = 0.45;
export const DEFAULT_MARGIN = 0.05;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** Mean of the two best similarities: one lucky example alone does not decide. */
function intentScore(query: Float32Array, examples: readonly Float32Array[]): number {
  let best = -1;
  let second = -1;
  for (const e of examples) {
    const s = dot(query, e);
    if (s > best) {
      second = best;
      best = s;
    } else if (s > second) second = s;
  }
  return second < -0.5 ? best : (best + second) / 2;
}

/**
 * The offline router: rules for unmistakable turns (commands, a calculator with something to
 * compute, calendar/dictation/file wording), then similarity to each intent's examples with the
 * profile's embedder; anything not clearly elsewhere is a knowledge question.
 */
export class LocalIntentRouter {
  private examples?: Promise<Map<Intent, Float32Array[]>>;
  constructor(private readonly options: LocalRouterOptions = {}) {}

  /** Rules only (no embedding): commands and calculator requests never wait for a model. */
  ruled(text: string): Route | undefined {
    const normalized = normalizeTurn(text);
    return commandRule(normalized) ?? calculatorRule(text, normalized) ?? keywordRule(normalized);
  }

  async route(text: string, signal?: AbortSignal): Promise<Route> {
    const ruled = this.ruled(text);
    if (ruled) return ruled;
    const scores = await this.similarities(text, signal);
    if (!scores) return { intent: 'knowledge', via: 'default', score: 0 };
    return decide(scores, {
      minSimilarity: this.options.minSimilarity ?? DEFAULT_MIN_SIMILARITY,
      margin: this.options.margin ?? DEFAULT_MARGIN,
    });
  }

  /** Similarity of `text` to each intent's examples (undefined without an embedder). */
  async similarities(text: string, signal?: AbortSignal): Promise<Map<Intent, number> | undefined> {
    const embedder = this.options.embedder;
    if (!embedder) return undefined;
    const examples = await this.exampleVectors(embedder);
    const [query] = await embedder.embed([text], signal);
    if (!query) return undefined;
    const scores = new Map<Intent, number>();
    for (const [intent, vectors] of examples) scores.set(intent, intentScore(query, vectors));
    return scores;
  }

  private exampleVectors(
    embedder: NonNullable<LocalRouterOptions['embedder']>,
  ): Promise<Map<Intent, Float32Array[]>> {
    this.examples ??= (async () => {
      const source = this.options.examples ?? INTENT_EXAMPLES;
      const out = new Map<Intent, Float32Array[]>();
      for (const intent of INTENTS) out.set(intent, await embedder.embed(source[intent]));
      return out;
    })();
    this.examples.catch(() => (this.examples = undefined)); // a failed load is retried next turn
    return this.examples;
  }
}

/** The embedding decision, given each intent's similarity. */
export function decide(
  scores: ReadonlyMap<Intent, number>,
  thresholds: { readonly minSimilarity: number; readonly margin: number },
): Route {
  const knowledge = scores.get('knowledge') ?? 0;
  let best: Intent = 'knowledge';
  let bestScore = knowledge;
  for (const [intent, s] of scores)
    if (intent !== 'knowledge' && s > bestScore) {
      best = intent;
      bestScore = s;
    }
  if (
    best !== 'knowledge' &&
    bestScore >= thresholds.minSimilarity &&
    bestScore - knowledge >= thresholds.margin
  )
    return { intent: best, via: 'embedding', score: bestScore };
  return { intent: 'knowledge', via: 'embedding', score: knowledge };
}
