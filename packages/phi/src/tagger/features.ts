/**
 * Features of each token for the trained tagger, hashed into a fixed table (no vocabulary to ship):
 * the word and its neighbours, shape and case (with the note's casing mode), affixes, safe-list
 * membership in the manner of Philter (English, medical, frequent words, clinical abbreviations:
 * a word on none of them is a candidate identifier), gazetteers (names of every faker locale,
 * cities, countries), cue words (titles, relations, credentials, motion verbs) and what the rule
 * sources proposed around it. Integer hashing only: no feature strings are built at run time.
 */
import type { Candidate } from '../candidate.js';
import {
  CITIES,
  CONTACT_WORDS,
  CREDENTIALS,
  EPONYMS,
  EPONYM_FOLLOWERS,
  FACILITY_SUFFIXES,
  FUNCTION_WORDS,
  MOTION_WORDS,
  NAME_TITLES,
  REGION_PHRASES,
  RELATION_WORDS,
  STREET_SUFFIXES,
  isClinicalWord,
  isCountry,
  isDemonym,
  isDictionaryWord,
  isFirstName,
  isLastName,
  isMedicalWord,
  isProperNoun,
  isUsState,
  isCommonWord,
} from '../lexicon.js';
import type { Token } from '../tokens.js';

export const HASH_BITS = 18;
export const BUCKETS = 1 << HASH_BITS;
const MASK = BUCKETS - 1;

/** FNV-1a over a string's UTF-16 units. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes a template id with one or two value hashes into a bucket. */
function bucket(template: number, a: number, b = 0): number {
  let h = Math.imul(template + 1, 0x9e3779b1) ^ a;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h ^= b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & MASK;
}

// Lexicon flags, one bit each.
const F_ENGLISH = 1 << 0;
const F_COMMON = 1 << 1;
const F_MEDICAL = 1 << 2;
const F_PROPER = 1 << 3;
const F_FIRST = 1 << 4;
const F_LAST = 1 << 5;
const F_CITY = 1 << 6;
const F_REGION = 1 << 7; // country or US state: above Safe Harbor's threshold
const F_FUNCTION = 1 << 8;
const F_CLINICAL = 1 << 9;
const F_EPONYM = 1 << 10;
const F_TITLE = 1 << 11;
const F_RELATION = 1 << 12;
const F_CREDENTIAL = 1 << 13;
const F_FACILITY = 1 << 14;
const F_STREET = 1 << 15;
const F_MOTION = 1 << 16;
const F_CONTACT = 1 << 17;
const F_MONTH = 1 << 18;
const F_DEMONYM = 1 << 19;
const F_EPONYM_FOLLOWER = 1 << 20;
/** On no safe list (English, medical, frequent, clinical, function words): Philter's candidate. */
const F_UNSAFE = 1 << 21;
const FLAG_COUNT = 22;

const MONTHS = new Set(
  `jan january feb february mar march apr april may jun june jul july aug august sep sept september
  oct october nov november dec december`.split(/\s+/),
);

const flagCache = new Map<string, number>();
const FLAG_CACHE_MAX = 100_000;

function lexFlags(lower: string): number {
  const hit = flagCache.get(lower);
  if (hit !== undefined) return hit;
  let f = 0;
  if (isDictionaryWord(lower)) f |= F_ENGLISH;
  if (isCommonWord(lower)) f |= F_COMMON;
  if (isMedicalWord(lower)) f |= F_MEDICAL;
  if (isProperNoun(lower)) f |= F_PROPER;
  if (isFirstName(lower)) f |= F_FIRST;
  if (isLastName(lower)) f |= F_LAST;
  if (CITIES.has(lower)) f |= F_CITY;
  if (isCountry(lower) || isUsState(lower)) f |= F_REGION;
  if (FUNCTION_WORDS.has(lower)) f |= F_FUNCTION;
  if (isClinicalWord(lower)) f |= F_CLINICAL;
  if (EPONYMS.has(lower)) f |= F_EPONYM;
  if (NAME_TITLES.has(lower)) f |= F_TITLE;
  if (RELATION_WORDS.has(lower)) f |= F_RELATION;
  if (CREDENTIALS.has(lower)) f |= F_CREDENTIAL;
  if (FACILITY_SUFFIXES.has(lower)) f |= F_FACILITY;
  if (STREET_SUFFIXES.has(lower)) f |= F_STREET;
  if (MOTION_WORDS.has(lower)) f |= F_MOTION;
  if (CONTACT_WORDS.has(lower)) f |= F_CONTACT;
  if (MONTHS.has(lower)) f |= F_MONTH;
  if (isDemonym(lower)) f |= F_DEMONYM;
  if (EPONYM_FOLLOWERS.has(lower)) f |= F_EPONYM_FOLLOWER;
  if ((f & (F_ENGLISH | F_COMMON | F_MEDICAL | F_FUNCTION | F_CLINICAL)) === 0) f |= F_UNSAFE;
  if (flagCache.size >= FLAG_CACHE_MAX) flagCache.clear();
  flagCache.set(lower, f);
  return f;
}

/** Word shape: character classes with runs collapsed ("Xx", "X.X", "dd/dd"), at most 8 long. */
function shapeOf(text: string): string {
  let out = '';
  let prev = '';
  for (let i = 0; i < text.length && out.length < 8; i++) {
    const c = text.charCodeAt(i);
    let k: string;
    if (c >= 48 && c <= 57) k = 'd';
    else if (c >= 65 && c <= 90) k = 'X';
    else if (c >= 97 && c <= 122) k = 'x';
    else {
      const ch = text.charAt(i);
      if (ch.toLowerCase() !== ch) k = 'X';
      else if (ch.toUpperCase() !== ch) k = 'x';
      else if (/\p{L}/u.test(ch)) k = 'l';
      else k = ch;
    }
    if (k !== prev) out += k;
    prev = k;
  }
  return out;
}

/** Templates: each feature is (template, value). Numbers are fixed: they key the shipped weights. */
const T = {
  bias: 0,
  word: 1,
  prev1: 2,
  next1: 3,
  prev2: 4,
  next2: 5,
  shape: 6,
  shapePrev: 7,
  shapeNext: 8,
  shapeMode: 9,
  suffix3: 10,
  suffix4: 11,
  prefix3: 12,
  flag: 13,
  flagShape: 14,
  flagPrev: 15,
  flagNext: 16,
  flagPrev2: 17,
  cand: 18,
  candPrev: 19,
  candNext: 20,
  position: 21,
  length: 22,
  prevShape: 23,
  nextShape: 24,
  numeric: 25,
  unsafeContext: 26,
  script: 27,
  flagMode: 28,
  docRepeat: 29,
  prevPunct: 30,
  nextPunct: 31,
  eponymChain: 32,
  tollFree: 33,
  bigramPrev: 34,
  bigramNext: 35,
  leftContext: 36,
  rightContext: 37,
} as const;

const TOLL_FREE = new Set(['800', '888', '877', '866', '855', '844', '833']);

/**
 * Capitalised words that run into "syndrome", "disease", "sign"… ("Graham Boyle Troxell
 * syndrome", "Parkinson's disease"): eponyms, not people.
 */
function eponymChains(tokens: readonly Token[]): Uint8Array {
  const out = new Uint8Array(tokens.length);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t?.kind !== 'word' || !EPONYM_FOLLOWERS.has(t.lower)) continue;
    let k = i - 1;
    let words = 0;
    while (k >= 0 && words < 4) {
      const c = tokens[k];
      if (!c) break;
      if (c.kind === 'punct' && (c.text === '-' || /^['’]s?$/.test(c.text))) {
        k--;
        continue;
      }
      if (c.kind !== 'word' || c.shape === 'lower' || FUNCTION_WORDS.has(c.lower)) break;
      out[k] = 1;
      words++;
      k--;
    }
  }
  return out;
}

const SOURCES = [
  'patterns',
  'validators',
  'context',
  'nameLists',
  'capitals',
  'places',
  'phoneLib',
];
const TYPES = [
  'NAME',
  'DATE',
  'AGE',
  'PHONE',
  'FAX',
  'EMAIL',
  'SSN',
  'MRN',
  'ID',
  'CARD',
  'ADDRESS',
  'LOCATION',
  'ZIP',
  'URL',
  'IP',
  'FACILITY',
];

/** Per token: candidate codes covering it (source × type × begin/inside), as small integers. */
function candidateCodes(tokens: readonly Token[], cands: readonly Candidate[]): number[][] {
  const codes: number[][] = tokens.map(() => []);
  if (cands.length === 0) return codes;
  const sorted = [...cands].sort((a, b) => a.start - b.start);
  let first = 0;
  for (const c of sorted) {
    while (first < tokens.length && (tokens[first]?.end ?? 0) <= c.start) first++;
    const src = SOURCES.indexOf(c.source);
    const typ = TYPES.indexOf(c.type);
    for (let i = first; i < tokens.length; i++) {
      const t = tokens[i];
      if (!t || t.start >= c.end) break;
      const begin = t.start <= c.start ? 1 : 0;
      codes[i]?.push((src * 32 + typ) * 2 + begin);
    }
  }
  return codes;
}

/** "New Mexico", "South Africa": every word of a multi-word state or country is a region. */
function markRegionPhrases(tokens: readonly Token[], flags: Int32Array): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t?.kind !== 'word') continue;
    const phrases = REGION_PHRASES.get(t.lower);
    if (!phrases) continue;
    for (const parts of phrases) {
      let ok = true;
      for (let p = 1; p < parts.length && ok; p++)
        if (tokens[i + p]?.lower !== parts[p]) ok = false;
      if (!ok) continue;
      for (let p = 0; p < parts.length; p++)
        flags[i + p] = ((flags[i + p] ?? 0) | F_REGION) & ~F_UNSAFE;
    }
  }
}

export interface TokenFeatures {
  /** Features of token i are ids[offsets[i] .. offsets[i + 1]). */
  readonly offsets: Int32Array;
  readonly ids: Int32Array;
}

const MODE_CODE = { mixed: 0, upper: 1, lower: 2 } as const;

function lengthBucket(n: number): number {
  return n <= 2 ? n : n <= 4 ? 3 : n <= 7 ? 4 : n <= 12 ? 5 : 6;
}

function scriptOf(text: string): number {
  const c = text.charCodeAt(0);
  if (c < 0x250) return 0;
  if (c >= 0x370 && c < 0x400) return 1; // Greek
  if (c >= 0x400 && c < 0x530) return 2; // Cyrillic
  return 3;
}

export function extractFeatures(
  tokens: readonly Token[],
  cands: readonly Candidate[],
): TokenFeatures {
  const n = tokens.length;
  const hWord = new Uint32Array(n);
  const hShape = new Uint32Array(n);
  const flags = new Int32Array(n);
  const cap = new Uint8Array(n);
  const shapes: string[] = new Array<string>(n);
  /** How often each capitalised word's lowercase form occurs capitalised in the text. */
  const capCount = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const t = tokens[i];
    if (!t) continue;
    const shape = t.kind === 'num' ? `d${Math.min(t.text.length, 9)}` : shapeOf(t.text);
    shapes[i] = shape;
    hShape[i] = hashString(shape);
    hWord[i] = t.kind === 'num' ? (hShape[i] ?? 0) : hashString(t.lower);
    flags[i] = t.kind === 'word' ? lexFlags(t.lower) : 0;
    cap[i] = t.kind === 'word' && (t.shape === 'title' || t.shape === 'upper') ? 1 : 0;
    if (cap[i] === 1 && t.mode === 'mixed') capCount.set(t.lower, (capCount.get(t.lower) ?? 0) + 1);
  }
  markRegionPhrases(tokens, flags);
  const eponym = eponymChains(tokens);
  const codes = candidateCodes(tokens, cands);
  const offsets = new Int32Array(n + 1);
  const ids: number[] = [];
  const add = (template: number, a: number, b = 0): void => {
    ids.push(bucket(template, a, b));
  };
  const BOS = 0x5bd1e995;
  const EOS = 0x27d4eb2d;
  for (let i = 0; i < n; i++) {
    offsets[i] = ids.length;
    const t = tokens[i];
    if (!t) continue;
    const mode = MODE_CODE[t.mode];
    const p1 = i > 0 ? (hWord[i - 1] ?? BOS) : BOS;
    const p2 = i > 1 ? (hWord[i - 2] ?? BOS) : BOS;
    const n1 = i + 1 < n ? (hWord[i + 1] ?? EOS) : EOS;
    const n2 = i + 2 < n ? (hWord[i + 2] ?? EOS) : EOS;
    const w = hWord[i] ?? 0;
    const sh = hShape[i] ?? 0;
    add(T.bias, 0);
    add(T.word, w);
    add(T.prev1, p1);
    add(T.next1, n1);
    add(T.prev2, p2);
    add(T.next2, n2);
    add(T.shape, sh);
    add(T.shapePrev, i > 0 ? (hShape[i - 1] ?? BOS) : BOS);
    add(T.shapeNext, i + 1 < n ? (hShape[i + 1] ?? EOS) : EOS);
    add(T.shapeMode, sh, mode);
    add(T.prevShape, p1, sh);
    add(T.nextShape, n1, sh);
    add(T.bigramPrev, p1, w);
    add(T.bigramNext, w, n1);
    add(T.leftContext, p2, p1);
    add(T.rightContext, n1, n2);
    add(T.length, lengthBucket(t.text.length), t.kind === 'num' ? 1 : 0);
    add(T.position, (t.lineStart ? 1 : 0) | (t.paragraphBreak ? 2 : 0) | (t.glued ? 4 : 0), mode);
    const prevTok = tokens[i - 1];
    const nextTok = tokens[i + 1];
    if (prevTok?.kind === 'punct') add(T.prevPunct, hashString(prevTok.text), t.glued ? 1 : 0);
    if (nextTok?.kind === 'punct')
      add(T.nextPunct, hashString(nextTok.text), nextTok.glued ? 1 : 0);
    if (t.kind === 'word') {
      const lower = t.lower;
      if (lower.length > 3) {
        add(T.suffix3, hashString(lower.slice(-3)));
        add(T.prefix3, hashString(lower.slice(0, 3)));
      }
      if (lower.length > 4) add(T.suffix4, hashString(lower.slice(-4)));
      add(T.script, scriptOf(t.text), cap[i] ?? 0);
      const f = flags[i] ?? 0;
      for (let b = 0; b < FLAG_COUNT; b++) {
        if ((f & (1 << b)) === 0) continue;
        add(T.flag, b);
        add(T.flagShape, b, sh);
        add(T.flagMode, b, mode * 2 + (cap[i] ?? 0));
      }
      if ((f & F_UNSAFE) !== 0) {
        // An unknown word's company: what precedes and follows it.
        add(T.unsafeContext, p1, 1);
        add(T.unsafeContext, n1, 2);
      }
      if (eponym[i] === 1) add(T.eponymChain, 1, cap[i] ?? 0);
      if (cap[i] === 1 && t.mode === 'mixed') {
        const repeats = capCount.get(t.lower) ?? 0;
        add(T.docRepeat, repeats > 1 ? 1 : 0, (f & F_UNSAFE) !== 0 ? 1 : 0);
      }
    } else if (t.kind === 'num') {
      const v = t.text.length <= 4 ? Number(t.text) : -1;
      const range =
        v < 0 ? 0 : v <= 12 ? 1 : v <= 31 ? 2 : v <= 99 ? 3 : v >= 1900 && v <= 2100 ? 4 : 5;
      add(T.numeric, range, t.text.length);
      if (TOLL_FREE.has(t.text)) add(T.tollFree, 1);
    }
    for (const [template, k] of [
      [T.flagPrev, i - 1],
      [T.flagNext, i + 1],
      [T.flagPrev2, i - 2],
    ] as const) {
      const f = k >= 0 && k < n ? (flags[k] ?? 0) : 0;
      if (f === 0) continue;
      for (let b = 0; b < FLAG_COUNT; b++) if ((f & (1 << b)) !== 0) add(template, b);
    }
    for (const c of codes[i] ?? []) add(T.cand, c);
    for (const c of codes[i - 1] ?? []) add(T.candPrev, c >> 1);
    for (const c of codes[i + 1] ?? []) add(T.candNext, c >> 1);
  }
  offsets[n] = ids.length;
  return { offsets, ids: Int32Array.from(ids) };
}
