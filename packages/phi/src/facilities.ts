/**
 * Facility names the suffix walk-back in names.ts cannot see: hospitals named with ordinary
 * words ("GOOD SAMARITAN", "mercy hosp"), bare hospital acronyms ("to BMC cath lab", "at OHSU")
 * and universities ("U Iowa ER", "University of Utah").
 */
import type { Candidate } from './candidate.js';
import {
  FACILITY_SUFFIXES,
  FUNCTION_WORDS,
  HOSPITAL_NAME_COMPANIONS,
  HOSPITAL_NAME_WORDS,
  CITIES,
  EPONYMS,
  isClinicalWord,
  isCommonWord,
  isCountry,
  isDictionaryWord,
  isUsState,
} from './lexicon.js';
import { isCap, isDot, isWord, type Token } from './tokens.js';

/** Prepositions before a place: "to BMC", "at OHSU", "from mercy hosp", "W/U BY JHH". */
const PLACE_PREPS = new Set(['to', 'at', 'from', 'into', 'in', '@', 'near', 'by']);
/** Departments written after a hospital's acronym: "to BMC cath lab", "at MGH ER". */
const DEPARTMENTS = new Set(
  `cath er ed ew or icu ccu micu sicu nicu picu cvicu clinic lab labs hospital hosp campus
  rehab ward floor unit transplant`.split(/\s+/),
);
/** Verbs that make "to/at/from/by ACRONYM" a facility in a note without capitals. */
const CARE_VERBS = new Set(
  `transferred transfered transfer admitted readmitted went sent taken brought flown flighted
  arrived discharged accepted seen evaluated eval followed screened consulted diagnosed treated
  referred returned presented transported`.split(/\s+/),
);
/** Words ending a facility name: a run of hospital-name words followed by one is a facility. */
const STRONG_SUFFIXES = new Set([
  'hospital',
  'hospitals',
  'hosp',
  'memorial',
  'medical',
  'center',
  'centre',
  'clinic',
  'infirmary',
  'health',
  'healthcare',
  'rehab',
  'rehabilitation',
]);

/** "NY-Presbyterian" counts by its parts; most words have no hyphen and are one set lookup. */
const isNameWord = (t: Token | undefined): boolean =>
  isWord(t) &&
  (HOSPITAL_NAME_WORDS.has(t.lower) ||
    (t.lower.includes('-') && t.lower.split('-').some((p) => HOSPITAL_NAME_WORDS.has(p))));
const isCompanion = (t: Token | undefined): boolean =>
  isWord(t) && (HOSPITAL_NAME_COMPANIONS.has(t.lower) || isNameWord(t));

/** The preposition before token `i` (skipping "the"), if any. */
function prepBefore(tokens: readonly Token[], i: number): Token | undefined {
  let k = i - 1;
  if (tokens[k]?.lower === 'the') k--;
  const p = tokens[k];
  return p && (PLACE_PREPS.has(p.lower) || p.text === '@' || p.text === '(') ? p : undefined;
}

/** "GOOD SAMARITAN", "lourdes Memorial", "NY-Methodist", "the general hospital". */
function hospitalNames(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const generic = t?.lower === 'the' && isCompanion(tokens[i + 1]);
    if (!isNameWord(t) && !generic) continue;
    let a = generic ? i + 1 : i;
    // Names are a few words long: bounded walks keep a long run of such words linear.
    while (
      a > 0 &&
      i - a < MAX_NAME_WORDS &&
      isCompanion(tokens[a - 1]) &&
      !tokens[a]?.paragraphBreak
    )
      a--;
    let b = a;
    while (b + 1 < tokens.length && b - a < 2 * MAX_NAME_WORDS && !tokens[b + 1]?.paragraphBreak) {
      const n = tokens[b + 1];
      if (isCompanion(n)) b++;
      else if (n?.kind === 'punct' && /^['’]s$/i.test(n.text) && isCompanion(tokens[b + 2])) b += 2;
      else break;
    }
    while (a < b && JOINERS.has(tokens[a]?.lower ?? '')) a++;
    while (b > a && JOINERS.has(tokens[b]?.lower ?? '')) b--;
    const words = tokens.slice(a, b + 1);
    const named = words.some((w) => isNameWord(w));
    if (generic && named) continue; // handled from the name word itself
    let end = b;
    while (
      end + 1 < tokens.length &&
      end - b < 2 &&
      STRONG_SUFFIXES.has(tokens[end + 1]?.lower ?? '')
    )
      end++;
    const suffixed = end > b || (b > a && STRONG_SUFFIXES.has(tokens[b]?.lower ?? ''));
    const prep = prepBefore(tokens, a);
    if (generic) {
      // Only companions ("the general hospital"): a specific hospital named by reference, when
      // a place preposition and a hospital word frame it.
      if (!(suffixed && prep && words.every((w) => !GENERIC_ONLY.has(w.lower)))) continue;
    } else if (!suffixed) {
      // Without a hospital word: after a place preposition, and in prose only when capitalised
      // ("at the mercy of" is no place).
      if (!prep || words.some((w) => w.mode === 'mixed' && isNameWord(w) && !isCap(w))) continue;
    }
    const first = tokens[a];
    const last = tokens[end];
    if (first && last)
      out.push({ start: first.start, end: last.end, type: 'FACILITY', source: 'places' });
    i = end;
  }
}

const MAX_NAME_WORDS = 6;

/** Companion words that only join a name, never start or end it. */
const JOINERS = new Set(['of']);
/** Companion words that never make a facility on their own, even after "the". */
const GENERIC_ONLY = new Set([
  'of',
  'our',
  'st',
  'saint',
  'saints',
  'heart',
  'cross',
  'good',
  'hope',
  'word',
]);

/** Letters only, 2-6 of them, no ordinary, clinical or dictionary word: "BMC", "JHH", "ohsu". */
function acronymLike(t: Token | undefined): t is Token {
  if (!isWord(t) || t.text.length < 2 || t.text.length > 6) return false;
  if (t.mode === 'mixed' && t.shape !== 'upper') return false;
  if (!/^\p{L}+$/u.test(t.text)) return false;
  const w = t.lower;
  return (
    !FUNCTION_WORDS.has(w) &&
    !isClinicalWord(w) &&
    !isCommonWord(w) &&
    !isDictionaryWord(w) &&
    !isCountry(w) &&
    !isUsState(w) &&
    !EPONYMS.has(w) &&
    !CITIES.has(w)
  );
}

function careVerbBefore(tokens: readonly Token[], i: number): boolean {
  for (let k = i - 1; k >= 0 && k >= i - 5; k--) {
    const c = tokens[k];
    if (!c) break;
    if (CARE_VERBS.has(c.lower)) return true;
    // "W/U BY JHH": work-up.
    if (c.lower === 'u' && tokens[k - 1]?.text === '/' && tokens[k - 2]?.lower === 'w') return true;
    if (c.kind === 'punct' && c.text !== '/' && c.text !== '-') break;
  }
  return false;
}

/** "to BMC cath lab", "W/U BY JHH", "diagnosed at OHSU on". */
function facilityAcronyms(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 1; i < tokens.length; i++) {
    const prep = prepBefore(tokens, i); // first: most tokens follow no preposition
    if (!prep || prep.text === '(') continue;
    const t = tokens[i];
    if (!acronymLike(t) || t.paragraphBreak) continue;
    const next = tokens[i + 1];
    const department = isWord(next) && !next.paragraphBreak && DEPARTMENTS.has(next.lower);
    const care =
      prep.lower !== 'in' && careVerbBefore(tokens, i - (tokens[i - 1]?.lower === 'the' ? 2 : 1));
    // In prose, an ALL-CAPS unknown word after "at" is a place ("seen at OHSU on …"), unless a
    // noun follows that it modifies ("at ATM machine", "from PND cultures").
    const modifier =
      isWord(next) && !FUNCTION_WORDS.has(next.lower) && !department && !next.paragraphBreak;
    const prose = t.mode === 'mixed' && t.text.length >= 3 && prep.lower === 'at' && !modifier;
    const strong =
      department || prose || (care && !modifier && (t.text.length >= 3 || t.mode === 'mixed'));
    if (!strong) continue;
    out.push({ start: t.start, end: t.end, type: 'FACILITY', source: 'places' });
  }
}

/** "U Iowa ER", "Univ. of Utah", "University of Iowa": a university (hospital) by place. */
function universities(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i];
    if (!isWord(t)) continue;
    let j = i + 1;
    if (t.text === 'U' && !isDot(tokens[j])) {
      // "U Iowa": the capital U alone, then a place
    } else if (t.lower === 'univ' || t.lower === 'university') {
      if (isDot(tokens[j])) j++;
      if (tokens[j]?.lower !== 'of') continue;
      j++;
    } else continue;
    const n = tokens[j];
    if (!isWord(n) || n.paragraphBreak) continue;
    const place = isUsState(n.lower) || CITIES.has(n.lower) || (n.mode === 'mixed' && isCap(n));
    if (!place || FUNCTION_WORDS.has(n.lower)) continue;
    let end = j;
    const after = tokens[end + 1];
    if (isWord(after) && (DEPARTMENTS.has(after.lower) || FACILITY_SUFFIXES.has(after.lower)))
      end++;
    const last = tokens[end];
    if (last) out.push({ start: t.start, end: last.end, type: 'FACILITY', source: 'places' });
  }
}

export function detectFacilities(tokens: readonly Token[], out: Candidate[]): void {
  hospitalNames(tokens, out);
  facilityAcronyms(tokens, out);
  universities(tokens, out);
}
