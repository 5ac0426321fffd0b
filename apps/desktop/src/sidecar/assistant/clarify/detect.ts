import { contentTerms } from '../../knowledge/terms.js';

/** What the detector needs of a retrieval hit (knowledge SearchHit has these). */
export interface RankedHit {
  readonly documentId: number;
  readonly title: string;
  readonly score: number;
}

export interface ClarifyOption {
  /** The topic as the sources name it (the button's label). */
  readonly label: string;
  /** Documents of that topic among the hits, best first. */
  readonly documentIds: readonly number[];
}

export interface Clarification {
  /** One short question, spoken and shown: "Which do you mean: A, B, or C?" */
  readonly question: string;
  readonly options: readonly ClarifyOption[];
}

export interface ClarifyThresholds {
  /** Hits looked at (the retrieval's top k). */
  readonly k: number;
  /** A topic is close when its best score is at least this share of the best topic's. */
  readonly closeRatio: number;
  /** Close topics needed to ask (at least 2). */
  readonly minTopics: number;
}

/**
 * Chosen on the tuning half of the MedQuAD clarification set with BM25 retrieval (bench/clarify
 * sweeps them: the tuning half's best recall at precision ≥ 0.9 holds for k 8–10 and ratios
 * 0.3–0.55; this is inside that plateau). The figures reported come from the other half.
 */
export const DEFAULT_CLARIFY: ClarifyThresholds = { k: 10, closeRatio: 0.5, minTopics: 2 };
export const MAX_OPTIONS = 5;

/**
 * The retrieval the decision is made on: BM25 scores alone, so the thresholds do not depend on
 * which embedding model the profile runs (bench/clarify reports the hybrid search beside it).
 */
export const CLARIFY_SEARCH = { mode: 'bm25', k: 20 } as const;

/**
 * The topic a document is about: MedQuAD-style titles are "Topic -- aspect" ("Chronic Kidney
 * Disease -- treatment"), other documents are their own topic.
 */
export function topicOf(title: string): string {
  const topic = title.split(/\s+--\s+/)[0]?.trim() ?? '';
  return topic === '' ? title.trim() : topic;
}

interface Topic {
  readonly label: string;
  readonly key: string;
  readonly terms: ReadonlySet<string>;
  score: number;
  readonly documentIds: number[];
}

function topicsOf(hits: readonly RankedHit[]): Topic[] {
  const byKey = new Map<string, Topic>();
  for (const hit of hits) {
    const label = topicOf(hit.title);
    const terms = new Set(contentTerms(label));
    const key = [...terms].sort().join(' ') || label.toLowerCase();
    let topic = byKey.get(key);
    if (!topic) {
      topic = { label, key, terms, score: hit.score, documentIds: [] };
      byKey.set(key, topic);
    }
    topic.score = Math.max(topic.score, hit.score);
    if (!topic.documentIds.includes(hit.documentId)) topic.documentIds.push(hit.documentId);
  }
  return [...byKey.values()].sort((a, b) => b.score - a.score);
}

/** "A, B, or C" */
export function listWithOr(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' or ');
  return `${items.slice(0, -1).join(', ')}, or ${items.at(-1) ?? ''}`;
}

/**
 * Whether `question` spans several distinct topics with close scores, and if so the question to
 * ask back. Never when the question names one of the topics (all of its words are in the
 * question): that question is specific. Options are topics that share a word with the question,
 * named as the sources name them.
 */
export function detectBroad(
  question: string,
  hits: readonly RankedHit[],
  thresholds: ClarifyThresholds = DEFAULT_CLARIFY,
): Clarification | undefined {
  const asked = new Set(contentTerms(question));
  if (asked.size === 0) return undefined;
  const topics = topicsOf(hits.slice(0, thresholds.k));
  const best = topics[0];
  if (!best || best.score <= 0) return undefined;
  if (topics.some((t) => t.terms.size > 0 && [...t.terms].every((w) => asked.has(w))))
    return undefined;
  const close = topics.filter(
    (t) => t.score >= best.score * thresholds.closeRatio && [...t.terms].some((w) => asked.has(w)),
  );
  if (close.length < Math.max(2, thresholds.minTopics)) return undefined;
  const options = close
    .slice(0, MAX_OPTIONS)
    .map((t) => ({ label: t.label, documentIds: t.documentIds }));
  return {
    question: `Which do you mean: ${listWithOr(options.map((o) => o.label))}?`,
    options,
  };
}
