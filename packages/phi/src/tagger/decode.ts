/**
 * From token probabilities to spans: a word or number is redacted when its probability of being
 * (part of) an identifier reaches the mode's threshold; neighbouring redacted tokens joined only
 * by an initial's period, a hyphen, an apostrophe or a slash become one span.
 */
import type { Candidate } from '../candidate.js';
import {
  CREDENTIALS,
  FUNCTION_WORDS,
  NAME_TITLES,
  RELATION_WORDS,
  isCommonWord,
  isDemonym,
  isKnownName,
  isMedicalWord,
  isProperNoun,
  isUsState,
} from '../lexicon.js';
import type { PhiType } from '../types.js';
import type { Token } from '../tokens.js';
import { CLASSES, NUM_CLASSES } from './model.js';

const CLASS_TYPE: Readonly<Record<string, PhiType>> = {
  NAME: 'NAME',
  LOC: 'LOCATION',
  DATE: 'DATE',
  ID: 'ID',
};

/** The tagger's class for each detector type (training labels and type refinement). */
export const TYPE_CLASS: Readonly<Record<PhiType, number>> = {
  NAME: 1,
  LOCATION: 2,
  ADDRESS: 2,
  ZIP: 2,
  FACILITY: 2,
  DATE: 3,
  AGE: 3,
  PHONE: 4,
  FAX: 4,
  EMAIL: 4,
  SSN: 4,
  MRN: 4,
  ID: 4,
  CARD: 4,
  URL: 4,
  IP: 4,
};

const JOINERS = new Set(['.', '-', "'", '’', '/']);
/** Lowercase particles inside names and facility names ("Our Lady of Lourdes", "van Dijk"). */
const PARTICLES = new Set([
  'of',
  'de',
  'del',
  'della',
  'la',
  'le',
  'van',
  'von',
  'der',
  'den',
  'da',
  'di',
  'du',
  'y',
]);

/**
 * Words that announce an identifier but never are one: titles, roles, relations, credentials,
 * field labels, function words. The tagger rates them high beside an identifier; redacting them
 * would only garble the text around it.
 */
const CUE_WORDS = new Set([
  ...FUNCTION_WORDS,
  ...NAME_TITLES,
  ...RELATION_WORDS,
  ...CREDENTIALS,
  ...`mrn dob ssn id phone tel telephone fax email e-mail mobile cell pager zip postcode address
  acct account insurance policy member number no patient pt pts ho nurse resident fellow attending
  intern surname firstname lastname name`.split(/\s+/),
]);

/** "xxxxxxxx", "AAAA": one letter repeated is no name. */
const REPEATED = /^(.)\1+$/u;

/** Never redacted by the tagger alone: cue words, a letter repeated, a demonym, a state's abbreviation. */
function never(t: Token): boolean {
  if (t.kind !== 'word' || t.text.length === 1) return false;
  if (CUE_WORDS.has(t.lower) || REPEATED.test(t.lower)) return true;
  // A people or language ("Americans", "Navajo"): nobody's name.
  if (isDemonym(t.lower) || (t.lower.endsWith('s') && isDemonym(t.lower.slice(0, -1)))) return true;
  // A state's postal abbreviation ("Boston, MA"): above Safe Harbor's threshold.
  return t.text.length === 2 && t.shape === 'upper' && isUsState(t.lower);
}

/**
 * The safe list, in the manner of Philter: in prose, where names are capitalised, a frequent
 * English word or a medical word written in lower case ("saw", "rose"), or a capitalised medical
 * term in no name list ("Platelets"), needs SAFE_LIST_THRESHOLD, whatever the mode ("wife rose"
 * still reaches it; "Dr. Smith saw John" does not).
 */
export const SAFE_LIST_THRESHOLD = 0.7;

function safeListed(t: Token): boolean {
  if (t.kind !== 'word' || t.mode !== 'mixed') return false;
  if (t.shape === 'lower') return isMedicalWord(t.lower) || isCommonWord(t.lower);
  const term = (w: string): boolean => isMedicalWord(w) && !isCommonWord(w);
  const medical = term(t.lower) || (t.lower.endsWith('s') && term(t.lower.slice(0, -1)));
  return t.shape === 'title' && medical && !isKnownName(t.lower) && !isProperNoun(t.lower);
}

/** Refinement order within a class: the most specific rule type first. */
const SPECIFIC = [
  'ADDRESS',
  'ZIP',
  'FACILITY',
  'LOCATION',
  'NAME',
  'AGE',
  'DATE',
  'EMAIL',
  'URL',
  'IP',
  'SSN',
  'CARD',
  'FAX',
  'PHONE',
  'MRN',
  'ID',
];
const SPECIFICITY = new Map(SPECIFIC.map((t, i) => [t, i]));

/**
 * A span of numbers alone (no word in it) needs the tagger to be more sure than not, whatever the
 * mode: notes are full of counts, doses and vital signs, and pattern-shaped numbers (dates,
 * phones, IDs) come from the patterns anyway.
 */
export const NUMBERS_ONLY_THRESHOLD = 0.5;

/** 1 − P(O) per token. */
export function identifierProbability(probs: Float32Array, i: number): number {
  return 1 - (probs[i * NUM_CLASSES] ?? 1);
}

function bestClass(probs: Float32Array, i: number): number {
  let best = 1;
  for (let c = 2; c < NUM_CLASSES; c++)
    if ((probs[i * NUM_CLASSES + c] ?? 0) > (probs[i * NUM_CLASSES + best] ?? 0)) best = c;
  return best;
}

/**
 * Spans (offsets into the tokenised text) of tokens at or above `threshold`. A rule's candidate of
 * the same class that overlaps a span lends it its finer type (FACILITY, PHONE, MRN…).
 */
export function decodeSpans(
  tokens: readonly Token[],
  probs: Float32Array,
  threshold: number,
  candidates: readonly Candidate[],
): Candidate[] {
  const out: Candidate[] = [];
  let cur:
    | { first: number; last: number; votes: Float64Array; hasWord: boolean; maxP: number }
    | undefined;
  const flush = (): void => {
    if (!cur) return;
    const a = tokens[cur.first];
    const b = tokens[cur.last];
    if (a && b && (cur.hasWord || cur.maxP >= NUMBERS_ONLY_THRESHOLD)) {
      let cls = 1;
      for (let c = 2; c < NUM_CLASSES; c++)
        if ((cur.votes[c] ?? 0) > (cur.votes[cls] ?? 0)) cls = c;
      let type: PhiType = CLASS_TYPE[CLASSES[cls] ?? 'NAME'] ?? 'NAME';
      let rank = Infinity;
      for (const c of candidates) {
        const r = SPECIFICITY.get(c.type) ?? Infinity;
        if (c.start < b.end && a.start < c.end && TYPE_CLASS[c.type] === cls && r < rank) {
          type = c.type;
          rank = r;
        }
      }
      // A rule's candidate of the same class that overlaps the span extends it to its edges
      // ("U Iowa" + "U Iowa ER", "DAN" + "DAN A. FORMAN-LYONS").
      let start = a.start;
      let end = b.end;
      for (const c of candidates)
        if (c.start < b.end && a.start < c.end && TYPE_CLASS[c.type] === cls) {
          start = Math.min(start, c.start);
          end = Math.max(end, c.end);
        }
      out.push({ start, end, type, source: 'tagger' });
    }
    cur = undefined;
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t || t.kind === 'punct') continue;
    const needed = safeListed(t) ? Math.max(threshold, SAFE_LIST_THRESHOLD) : threshold;
    if (identifierProbability(probs, i) < needed || never(t)) {
      if (!(cur && t.kind === 'word' && PARTICLES.has(t.text))) flush();
      continue;
    }
    if (cur) {
      // Join across at most two joiners (punctuation, or a lowercase particle), none of them
      // after a paragraph break.
      let ok = i - cur.last <= 3;
      for (let k = cur.last + 1; ok && k < i; k++) {
        const g = tokens[k];
        const joiner =
          g !== undefined &&
          ((g.kind === 'punct' && JOINERS.has(g.text)) ||
            (g.kind === 'word' && PARTICLES.has(g.text)));
        if (!g || !joiner || g.paragraphBreak) ok = false;
      }
      if (t.paragraphBreak) ok = false;
      if (!ok) flush();
    }
    const votes: Float64Array = cur?.votes ?? new Float64Array(NUM_CLASSES);
    const p = identifierProbability(probs, i);
    const best = bestClass(probs, i);
    votes[best] = (votes[best] ?? 0) + p;
    cur = {
      first: cur?.first ?? i,
      last: i,
      votes,
      hasWord: (cur?.hasWord ?? false) || t.kind === 'word',
      maxP: Math.max(cur?.maxP ?? 0, p),
    };
  }
  flush();
  return out;
}

/** Highest identifier probability among the tokens a span overlaps (0 if none). */
export function maxProbabilityIn(
  tokens: readonly Token[],
  probs: Float32Array,
  start: number,
  end: number,
): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((tokens[mid]?.end ?? 0) <= start) lo = mid + 1;
    else hi = mid;
  }
  let best = 0;
  for (let i = lo; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t || t.start >= end) break;
    if (t.kind !== 'punct') best = Math.max(best, identifierProbability(probs, i));
  }
  return best;
}
