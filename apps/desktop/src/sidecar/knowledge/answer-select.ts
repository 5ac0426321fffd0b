import { spellOut } from './acronyms.js';
import type { AnswerSentence, Citation } from './answer-types.js';
import {
  ANSWER_CUES,
  analyzeQuestion,
  focusName,
  focusTerms,
  sectionType,
  type QuestionAnalysis,
  type QuestionType,
} from './question.js';
import type { SearchHit } from './search.js';
import { contentTerms, stem, words } from './terms.js';
import { endsInBoilerplate, leadingItems, passageUnits, type Unit } from './units.js';

/**
 * How much each signal weighs in a unit's score. Chosen on the tuning split of the MedQuAD
 * answer set (bench/answers, `--fit`), reported on the held-out split.
 */
export interface SelectorWeights {
  /** Share of the topic's terms in the passage's title and heading: the source is about it. */
  readonly focus: number;
  /** Share of the topic's terms in the unit itself. */
  readonly mention: number;
  /** The unit uses words that answer this type of question ("treated with", "inherited"). */
  readonly cue: number;
  /** The passage's section is about this type of question ("-- symptoms", "Dosage"). */
  readonly section: number;
  /** Retrieval rank of the passage. */
  readonly rank: number;
  /** Position in the passage: leading sentences state the answer more often. */
  readonly lead: number;
  /** A list or table, when the question asks for things to enumerate. */
  readonly list: number;
}

export const WEIGHTS: SelectorWeights = {
  focus: 1.0,
  mention: 0.3,
  cue: 0.5,
  section: 0.6,
  rank: 0.3,
  lead: 0.2,
  list: 0.3,
};

const MAX_UNITS = 3;
/** kb.answer passes the top five and further chunks of the same documents. */
const MAX_PASSAGES = 8;
const KEEP_RATIO = 0.75;
const LONG_UNIT_CHARS = 280;
const LIST_QUOTE_CHARS = 360;
/** Question types whose answer is often a list of things. */
const LIST_TYPES: ReadonlySet<QuestionType> = new Set([
  'symptoms',
  'treatment',
  'cause',
  'diagnosis',
  'complications',
  'prevention',
  'stages',
  'dose',
]);

/** What the confidence model sees about an answer (also written by the bench). */
export interface AnswerFeatures {
  readonly focus: number;
  /** Share of the topic named by the sources' titles or the quoted text, together. */
  readonly topic: number;
  readonly cue: number;
  readonly section: number;
  readonly mismatch: number;
  readonly cosine: number;
  readonly units: number;
}

/**
 * Logistic model P(the answer addresses the question | features), fitted on the tuning split of
 * bench/answers (label: the answer quotes the gold passage); its calibration is reported on the
 * held-out split.
 */
export const CONFIDENCE_MODEL = {
  bias: -4.97,
  weights: {
    focus: 3.13,
    topic: 0.63,
    cue: 1.63,
    section: 1.86,
    mismatch: -1.68,
    cosine: 0.61,
    units: 0.43,
  } satisfies Record<keyof AnswerFeatures, number>,
};
/** An answer is `covered` at or above this confidence (and when it is on topic). */
export const COVERED_CONFIDENCE = 0.5;

export function confidenceOf(f: AnswerFeatures): number {
  let z = CONFIDENCE_MODEL.bias;
  for (const [k, w] of Object.entries(CONFIDENCE_MODEL.weights))
    z += w * f[k as keyof AnswerFeatures];
  return 1 / (1 + Math.exp(-z));
}

export interface LocalAnswer {
  readonly type: QuestionType;
  readonly sentences: AnswerSentence[];
  /** The sentences address the question (its type and its topic) with enough confidence. */
  readonly covered: boolean;
  /** Calibrated probability that the sentences answer the question. */
  readonly confidence: number;
  /** Said with the answer: e.g. that the nearest source is about another condition. */
  readonly notice: string | undefined;
  readonly features: AnswerFeatures | undefined;
}

interface Scored {
  unit: Unit;
  hit: SearchHit;
  rank: number;
  score: number;
  focus: number;
  mention: number;
  topic: number;
  cue: number;
  section: number;
  terms: Set<string>;
}

function idfOver(terms: readonly string[], docs: readonly Set<string>[]): Map<string, number> {
  const idf = new Map<string, number>();
  for (const t of terms) {
    const df = docs.filter((d) => d.has(t)).length;
    idf.set(t, Math.log(1 + docs.length / (1 + df)));
  }
  return idf;
}

function share(terms: readonly string[], idf: Map<string, number>, have: Set<string>): number {
  let all = 0;
  let got = 0;
  for (const t of terms) {
    const w = idf.get(t) ?? 1;
    all += w;
    if (have.has(t)) got += w;
  }
  return all === 0 ? 0 : got / all;
}

function cueScore(type: QuestionType, text: string): number {
  if (type === 'other') return 0;
  const re = new RegExp(ANSWER_CUES[type].source, 'g');
  const n = text.toLowerCase().match(re)?.length ?? 0;
  return Math.min(1, n / 2);
}

function sectionScore(type: QuestionType, hit: SearchHit): number {
  const section = sectionType(hit.title, hit.heading);
  if (section === undefined || type === 'other') return 0.3;
  return section === type ? 1 : 0;
}

function citation(hit: SearchHit, start: number, end: number): Citation {
  return {
    chunkId: hit.chunkId,
    documentId: hit.documentId,
    sourcePath: hit.sourcePath,
    title: hit.title,
    start: hit.start + start,
    end: hit.start + end,
    page: hit.page,
  };
}

/** The question's own words for its topic ("glaucoma", "chronic kidney disease"). */
function topicPhrase(question: string, topic: readonly string[]): string {
  const wanted = new Set(topic);
  const at = words(question).filter((w) => wanted.has(stem(w.word)));
  const first = at[0];
  const last = at.at(-1);
  return first && last ? question.slice(first.start, last.end) : '';
}

/**
 * The best source is about another condition when none of the topic's words name it, or when it
 * names a much more specific one ("Retinal degeneration with … angle closure glaucoma" for
 * "glaucoma") and the quoted text does not name the topic either.
 */
function otherCondition(
  q: QuestionAnalysis,
  best: Scored,
  chosen: readonly Scored[],
  idf: Map<string, number>,
): boolean {
  if (q.topicTerms.length === 0) return false;
  // What the source is about: its title, and the headings over and inside the quoted passage.
  const headings = [best.hit.heading, ...(best.hit.text.match(/^#{1,6}\s.*$/gm) ?? [])];
  const focus = [
    ...focusTerms(best.hit.title),
    ...headings.flatMap((h) => focusTerms(h.replace(/^#+\s*|\s›\s/g, ' '))),
  ];
  if (focus.length === 0) return false;
  // The topic's rarest word decides: "Down syndrome" is about "down", hardly about "syndrome".
  const said = new Set(
    chosen.filter((c) => c.unit.kind === 'sentence').flatMap((c) => [...c.terms]),
  );
  const key = [...q.topicTerms].sort((a, b) => (idf.get(b) ?? 0) - (idf.get(a) ?? 0))[0] ?? '';
  if (!focus.includes(key)) return !said.has(key);
  // Named in a quoted sentence; an item of a list ("Glaucoma" among a syndrome's signs) is not the subject.
  const inText = share(q.topicTerms, idf, said);
  const inFocus = share(q.topicTerms, idf, new Set(focus));
  const extra = focus.filter((t) => !q.topicTerms.includes(t)).length;
  return inFocus < 1 ? false : extra >= 4 && extra >= 2 * q.topicTerms.length && inText < 1;
}

/**
 * The local answer: every unit (sentence, list, table) of the top passages is scored for how well
 * it answers this type of question about this topic; restated questions, navigation and
 * boilerplate are never candidates. The best units are quoted verbatim in source order, lists by
 * their first items, each citing its span.
 */
export function selectAnswer(
  question: string,
  passages: readonly SearchHit[],
  weights: SelectorWeights = WEIGHTS,
): LocalAnswer {
  question = spellOut(
    question,
    passages.map((p) => p.text),
  );
  const q = analyzeQuestion(question);
  const none: LocalAnswer = {
    type: q.type,
    sentences: [],
    covered: false,
    confidence: 0,
    notice: undefined,
    features: undefined,
  };
  if (q.terms.length === 0) return none;
  const candidates: { unit: Unit; hit: SearchHit; rank: number; ctx: Set<string> }[] = [];
  const top = passages.slice(0, MAX_PASSAGES);
  // Chunks of one document are read in document order, so a run of boilerplate that a chunk
  // boundary cut still counts as one (its second half names neither topic nor source).
  const reading = top
    .map((hit, rank) => ({ hit, rank }))
    .sort((a, b) => a.hit.documentId - b.hit.documentId || a.hit.start - b.hit.start);
  let previous: { hit: SearchHit; units: Unit[] } | undefined;
  for (const { hit, rank } of reading) {
    const adjacent =
      previous?.hit.documentId === hit.documentId && hit.start - previous.hit.end <= 2;
    const units = passageUnits(
      hit.text,
      adjacent && previous ? endsInBoilerplate(previous.units) : false,
    );
    previous = { hit, units };
    const ctx = new Set(contentTerms(`${hit.title} ${hit.heading}`));
    const topicHere = (u: Unit): boolean =>
      q.topicTerms.some((t) => contentTerms(u.text).includes(t));
    let lead = 0;
    for (const unit of units) {
      if (unit.rejected || (unit.afterBoilerplate && !topicHere(unit))) continue;
      candidates.push({ unit: { ...unit, index: lead++ }, hit, rank, ctx });
    }
  }
  if (candidates.length === 0) return none;
  const unitTerms = candidates.map((c) => new Set(contentTerms(c.unit.text)));
  const idf = idfOver(q.terms, unitTerms);
  const topicTerms = q.topicTerms.length > 0 ? q.topicTerms : q.terms;
  const scored: Scored[] = candidates.map((c, i) => {
    const terms = unitTerms[i] ?? new Set<string>();
    // About the topic when the title names most of it, or when what the title names is all in the
    // question ("Gout" for "what treats acute gout attacks?").
    const named = focusTerms(c.hit.title);
    const focus = Math.max(
      share(topicTerms, idf, c.ctx),
      named.length > 0 ? named.filter((t) => topicTerms.includes(t)).length / named.length : 0,
    );
    const mention = share(topicTerms, idf, terms);
    const topic = share(topicTerms, idf, new Set([...terms, ...c.ctx]));
    const cue = cueScore(q.type, `${c.unit.caption ?? ''} ${c.unit.text}`);
    const section = sectionScore(q.type, c.hit);
    const long = c.unit.kind === 'sentence' ? Math.min(1, LONG_UNIT_CHARS / c.unit.text.length) : 1;
    // A list counts as a list answer when it (or its caption) speaks to the question's type.
    const list = c.unit.kind !== 'sentence' && LIST_TYPES.has(q.type) ? cue : 0;
    const score =
      (weights.focus * focus +
        weights.mention * mention +
        weights.cue * cue +
        weights.section * section +
        weights.list * list) *
        Math.sqrt(long) +
      weights.rank / (1 + c.rank) +
      weights.lead / (1 + c.unit.index);
    return { ...c, score, focus, mention, topic, cue, section, terms };
  });
  let relevant = scored.filter((s) => s.focus > 0 || s.mention > 0);
  // A typed question ("how is it treated?") is answered by units that speak to that type, when
  // the sources have any: a definition of the topic does not answer it.
  if (q.type !== 'other' && q.type !== 'definition') {
    const typed = relevant.filter((s) => s.cue > 0 || s.section === 1);
    if (typed.length > 0) relevant = typed;
  }
  relevant.sort((a, b) => b.score - a.score);
  const best = relevant[0];
  if (!best) return none;

  const chosen: Scored[] = [];
  for (const s of relevant) {
    if (chosen.length >= MAX_UNITS || s.score < KEEP_RATIO * best.score) break;
    if (s.hit.documentId !== best.hit.documentId && chosen.length > 0) continue; // one source reads as one answer
    if (chosen.some((c) => c.unit.text === s.unit.text || jaccard(c.terms, s.terms) > 0.7))
      continue;
    chosen.push(s);
  }
  // A chosen list is introduced by the sentence that announces it, when there is one.
  for (const s of [...chosen]) {
    if (s.unit.kind === 'sentence') continue;
    const intro = scored.find(
      (o) => o.hit === s.hit && o.unit.introduces === true && o.unit.end <= s.unit.start,
    );
    if (intro && !chosen.includes(intro) && s.unit.start - intro.unit.end < 40) chosen.push(intro);
  }
  chosen.sort((a, b) => a.rank - b.rank || a.unit.start - b.unit.start);

  const sentences: AnswerSentence[] = chosen.map((s) => {
    const span =
      s.unit.kind === 'sentence'
        ? { start: s.unit.start, end: s.unit.end }
        : leadingItems(s.unit, LIST_QUOTE_CHARS);
    return {
      text: s.hit.text.slice(span.start, span.end),
      citations: [citation(s.hit, span.start, span.end)],
    };
  });
  const mismatch = otherCondition(q, best, chosen, idf);
  const features: AnswerFeatures = {
    focus: best.focus,
    topic: Math.max(...chosen.map((c) => c.topic)),
    cue: Math.max(...chosen.map((c) => c.cue)),
    section: best.section,
    mismatch: mismatch ? 1 : 0,
    cosine: Math.max(0, best.hit.cosine ?? 0),
    units: chosen.length,
  };
  const confidence = confidenceOf(features);
  const addressesType = q.type === 'other' || features.cue > 0 || features.section === 1;
  const topic = topicPhrase(question, q.topicTerms);
  return {
    type: q.type,
    sentences,
    covered: !mismatch && addressesType && confidence >= COVERED_CONFIDENCE,
    confidence,
    notice: mismatch
      ? `Your sources say nothing specific about ${topic || 'this'}; the closest source is about ${focusName(best.hit.title)}.`
      : undefined,
    features,
  };
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter === 0 ? 0 : inter / (a.size + b.size - inter);
}
