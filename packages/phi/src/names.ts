/**
 * Token-level detectors for person names and places: context words (titles, relations,
 * credentials, "transferred to"), name lists, city lists, facility suffixes, street addresses.
 */
import type { Candidate } from './candidate.js';
import {
  CITIES,
  CONTACT_WORDS,
  CREDENTIALS,
  DRUG_WORDS,
  EPONYMS,
  EPONYM_FOLLOWERS,
  FACILITY_SUFFIXES,
  FOREIGN_STREET_ENDINGS,
  FOREIGN_STREET_WORDS,
  FUNCTION_WORDS,
  MOTION_WORDS,
  MULTI_WORD_CITIES,
  NAME_TITLES,
  RELATION_WORDS,
  GENERIC_FACILITY_WORDS,
  STREET_SUFFIXES,
  STRONG_STREET_SUFFIXES,
  isClinicalWord,
  isDemonym,
  isVerbish,
  isCommonWord,
  isCoreFirstName,
  isCountry,
  isDictionaryWord,
  isProperNoun,
  isFirstName,
  isKnownName,
  isUsState,
} from './lexicon.js';
import { detectFacilities } from './facilities.js';
import { detectStructure } from './structure.js';
import { isCap, isDot, isWord, type Token } from './tokens.js';

export interface TokenSources {
  readonly context: boolean;
  readonly nameLists: boolean;
  readonly places: boolean;
  readonly capitals: boolean;
}

const isStop = (t: Token): boolean => FUNCTION_WORDS.has(t.lower) || isClinicalWord(t.lower);
const isPossessive = (t: Token | undefined): boolean =>
  t?.kind === 'punct' && /^['’][sS]?$/.test(t.text);

/** A single letter, optionally followed by a period: "A.", "q.". Returns the index after it. */
function initialAt(tokens: readonly Token[], i: number): number | undefined {
  const t = tokens[i];
  if (!isWord(t) || t.text.length !== 1) return undefined;
  if (t.mode === 'mixed' && t.shape !== 'upper') return undefined;
  return isDot(tokens[i + 1]) ? i + 2 : i + 1;
}

function isEponymUse(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i];
  if (!t || !EPONYMS.has(t.lower)) return false; // a possessive "'s" is its own token
  for (let k = i + 1; k <= i + 3 && k < tokens.length; k++) {
    const n = tokens[k];
    if (!n) break;
    if (n.kind === 'punct' && /^['’][sS]$/.test(n.text)) return true;
    if (n.kind === 'word' && EPONYM_FOLLOWERS.has(n.lower)) return true;
    if (n.kind === 'word' && !EPONYMS.has(n.lower) && n.text !== '-') break;
  }
  return false;
}

/**
 * Could this token be part of a name, given how strong the surrounding evidence is?
 * `strong`: a title or credential right beside it; `weak`: a relation word or a list.
 */
function nameToken(tokens: readonly Token[], i: number, strong: boolean): boolean {
  const t = tokens[i];
  if (!isWord(t) || t.paragraphBreak) return false;
  if (FUNCTION_WORDS.has(t.lower)) return false;
  // "Dr. Ng", "Dr. Ward": right after a title, a Title-case word in prose is a surname even when
  // it is also a clinical abbreviation (which notes write "NG", "ng").
  if (isClinicalWord(t.lower) && !(strong && t.mode === 'mixed' && t.shape === 'title'))
    return false;
  if (/['’](?:m|ll|d|ve|re|t)$/i.test(t.text)) return false; // "I'm", "don't"
  if (isEponymUse(tokens, i) || isCountry(t.lower)) return false;
  if (t.mode === 'mixed') {
    if (!isCap(t)) return strong && !isCommonWord(t.lower) && t.text.length > 2;
    return strong || isKnownName(t.lower) || !isCommonWord(t.lower);
  }
  if (strong) return true;
  return isCoreFirstName(t.lower);
}

/** Collects up to `max` name tokens/initials from `i`; returns the index after the last one. */
function collectForward(
  tokens: readonly Token[],
  i: number,
  max: number,
  strong: boolean,
  allowInitialOnly = false,
): number | undefined {
  let j = i;
  let words = 0;
  let taken = 0;
  let prevFirstName = false;
  while (taken < max && j < tokens.length) {
    const t = tokens[j];
    if (!t || (taken > 0 && t.paragraphBreak)) break;
    const afterInitial = initialAt(tokens, j);
    if (afterInitial !== undefined && (taken > 0 || strong) && t.text !== 'a' && t.text !== 'A') {
      j = afterInitial;
      taken++;
      continue;
    }
    if (taken === 0 && !nameToken(tokens, j, strong)) break;
    if (taken > 0) {
      // A later token needs its own evidence: capitals in prose, the lists otherwise.
      if (t.mode === 'mixed') {
        if (!isWord(t) || !isCap(t) || !nameToken(tokens, j, true)) break;
        if (
          isCommonWord(t.lower) &&
          !isKnownName(t.lower) &&
          !(prevFirstName && PLAIN_TITLE.test(t.text))
        )
          break;
      } else {
        if (!isWord(t) || isStop(t) || isEponymUse(tokens, j)) break;
        const listed = isKnownName(t.lower) && !isCommonWord(t.lower);
        const afterFirst = prevFirstName && !isCommonWord(t.lower);
        if (!listed && !afterFirst) break;
      }
    }
    prevFirstName = isWord(t) && isCoreFirstName(t.lower);
    j++;
    taken++;
    words++;
  }
  return words > 0 || (allowInitialOnly && taken > 0) ? j : undefined;
}

function emitName(
  tokens: readonly Token[],
  from: number,
  to: number,
  out: Candidate[],
  source: Candidate['source'],
): void {
  let last = to - 1;
  while (last > from && tokens[last]?.kind === 'punct') last--; // an initial's period stays out
  const a = tokens[from];
  const b = tokens[last];
  if (a && b) out.push({ start: a.start, end: b.end, type: 'NAME', source });
}

function detectTitled(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!isWord(t)) continue;
    const key = t.lower;
    let j = i + 1;
    if (MEDIUM_TITLES.has(key)) {
      // "NP DJURIC", "nurse Florence", "ho kowalczyk", "RN: maria": a name only if the next word
      // is no ordinary word (letters only, so "pgy2" is no name).
      if (tokens[j]?.text === ':' || (tokens[j]?.text === '-' && !tokens[j]?.glued)) j++;
      const n = tokens[j];
      const lowerInProse =
        n?.mode === 'mixed' &&
        n.shape === 'lower' &&
        isKnownName(n.lower) &&
        !isDictionaryWord(n.lower);
      if (
        isWord(n) &&
        !isStop(n) &&
        !isCommonWord(n.lower) &&
        !n.paragraphBreak &&
        /^\p{L}[\p{L}'’-]*$/u.test(n.text) &&
        !compoundOfWords(n.lower) &&
        (n.mode !== 'mixed' || isCap(n) || lowerInProse)
      ) {
        const end = collectForward(tokens, j, 3, true);
        if (end !== undefined) emitName(tokens, j, end, out, 'context');
      }
    } else if (NAME_TITLES.has(key)) {
      // "ms" in a lowercase/ALL-CAPS note is morphine or mental status unless written "ms."
      if (key === 'ms' && t.mode !== 'mixed' && !isDot(tokens[j])) continue;
      if (key === 'ms' && t.mode === 'mixed' && t.shape === 'lower') continue;
      if (isDot(tokens[j])) j++;
      if (isPossessive(tokens[j])) j++; // "DR'S CAMARDA", "Drs' Ballou"
      const end = collectForward(tokens, j, 3, true, true);
      if (end !== undefined) {
        emitName(tokens, j, end, out, 'context');
        // "Drs' Ballou and Dutter", "DR CAMARDA AND CLIFFORD": a second name joined by "and".
        if (tokens[end]?.lower === 'and') {
          const end2 = collectForward(tokens, end + 1, 2, true);
          const next = tokens[end + 1];
          if (end2 !== undefined && next && !isCommonWord(next.lower))
            emitName(tokens, end + 1, end2, out, 'context');
        }
      }
    } else if (
      t.text.length === 1 &&
      (t.shape === 'upper' || t.mode !== 'mixed') &&
      isDot(tokens[i + 1]) &&
      isWord(tokens[i + 2])
    ) {
      // "Z. MILLER", "E. Nessenson NP": an initial then a surname that is no ordinary word.
      const n = tokens[i + 2];
      const credential = CREDENTIALS.has(tokens[i + 3]?.lower ?? '');
      const before = tokens[i - 1];
      if (
        n &&
        n.text.length >= 3 &&
        !n.paragraphBreak &&
        !isStop(n) &&
        !isCommonWord(n.lower) &&
        !isEponymUse(tokens, i + 2) &&
        (n.mode !== 'mixed' || isCap(n)) &&
        !(before?.glued === false && before.kind === 'punct' && before.text === '/') &&
        !t.glued &&
        (isKnownName(n.lower) ||
          credential ||
          (!isDictionaryWord(n.lower) && n.text.length >= 5 && !n.glued && !t.lineStart))
      )
        out.push({ start: t.start, end: n.end, type: 'NAME', source: 'context' });
    } else if (
      CONTACT_WORDS.has(key) &&
      (tokens[j]?.lower === 'with' || tokens[j]?.lower === 'to' || isWord(tokens[j]))
    ) {
      // "spoke with suzette", "TALK WITH THOMAS", "CONTACTS KAREN ANN YANULIS": names only with
      // list evidence (or capitals in prose), never an ordinary word.
      if (tokens[j]?.lower === 'with' || tokens[j]?.lower === 'to') j++;
      let role = false;
      if (ROLE_WORDS.has(tokens[j]?.lower ?? '')) {
        j++; // "SPOKE WITH HO SCHWARZ"
        role = true;
      }
      const head = tokens[j];
      const mixedStrong = head?.mode === 'mixed' && isCap(head) && !isCommonWord(head.lower);
      const roleStrong = role && isWord(head) && !isCommonWord(head.lower) && !isStop(head);
      const end = collectForward(tokens, j, 3, mixedStrong || roleStrong);
      if (end !== undefined) emitName(tokens, j, end, out, 'context');
    } else if (RELATION_WORDS.has(key)) {
      // "son Nick", "proxy is grandaughter: Irene", "Sons Smokey, Morris and Roger".
      while (j < tokens.length) {
        const n = tokens[j];
        if (!n) break;
        if (
          (n.kind === 'punct' && /^[:,"“-]$/.test(n.text)) ||
          n.lower === 'is' ||
          n.lower === 'named' ||
          n.lower === 'was'
        )
          j++;
        else break;
        if (j - i > 3) break;
      }
      let start = j;
      // "his daughter, april, called": a first name set off by commas after a relation word is a
      // name even when it is also an ordinary word ("bill", "rose", "april").
      const appositive = tokens[start];
      if (
        tokens[start - 1]?.text === ',' &&
        isWord(appositive) &&
        !appositive.paragraphBreak &&
        isFirstName(appositive.lower) &&
        !FUNCTION_WORDS.has(appositive.lower) &&
        !isClinicalWord(appositive.lower) &&
        /^[,)]$/.test(tokens[start + 1]?.text ?? '')
      ) {
        emitName(tokens, start, start + 1, out, 'context');
        continue;
      }
      for (let guard = 0; guard < 6; guard++) {
        const head = tokens[start];
        const mixedStrong = head?.mode === 'mixed' && isCap(head);
        const end = collectForward(tokens, start, 3, mixedStrong);
        const realEnd = end;
        if (realEnd === undefined) break;
        emitName(tokens, start, realEnd, out, 'context');
        const sep = tokens[realEnd];
        if (sep && (sep.text === ',' || sep.lower === 'and' || sep.text === '&')) {
          start = realEnd + 1;
          if (tokens[start]?.lower === 'and') start++;
        } else break;
      }
    } else if (CREDENTIALS.has(key) && i > 0) {
      // Signature: walk back over name tokens and initials: "DAN A. FORMAN-LYONS, RRT".
      if (t.mode === 'mixed' && t.shape === 'lower') continue;
      let k = i - 1;
      if (tokens[k]?.text === ',') k--;
      let first = -1;
      let words = 0;
      let hasEvidence = false;
      while (k >= 0 && i - k <= 7) {
        const c = tokens[k];
        if (!c) break;
        if (isDot(c) && isWord(tokens[k - 1]) && tokens[k - 1]?.text.length === 1) {
          first = k - 1;
          k -= 2;
          continue;
        }
        if (!isWord(c) || isStop(c) || (c.mode === 'mixed' && !isCap(c) && c.text.length > 1))
          break;
        if (isCommonWord(c.lower) && !isKnownName(c.lower)) break;
        if (c.text.length > 1) {
          words++;
          hasEvidence = true;
        }
        first = k;
        if (tokens[k]?.paragraphBreak || words >= 3) break;
        k--;
      }
      if (first >= 0 && hasEvidence)
        emitName(tokens, first, i - (tokens[i - 1]?.text === ',' ? 1 : 0), out, 'context');
    }
  }
}

function detectListNames(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!isWord(t)) continue;
    const lower = t.lower;
    if (!isKnownName(lower) || isStop(t) || isEponymUse(tokens, i)) continue; // sets first: cheap
    if (t.mode === 'mixed') {
      if (!isCap(t) || t.text.length < 2) continue;
      const known = isKnownName(lower);
      if (!known) continue;
      const common = isCommonWord(lower);
      const end = collectForward(tokens, i + 1, 2, false);
      if (end !== undefined) {
        emitName(tokens, i, end, out, 'nameLists');
        i = end - 1;
      } else if (!common) {
        emitName(tokens, i, i + 1, out, 'nameLists');
      }
    } else if (
      isCoreFirstName(lower) &&
      lower.length >= 4 &&
      NAME_VERBS.has(tokens[i + 1]?.lower ?? '') &&
      !isKnownName(tokens[i + 1]?.lower ?? '')
    ) {
      emitName(tokens, i, i + 1, out, 'nameLists'); // "JOHN STATES HIS SISTER…"
    } else if (isFirstName(lower) && !isCommonWord(lower)) {
      const n = tokens[i + 1];
      // "MARGARET QUORLEY": a common first name, then a surname that is in no list and no word.
      const unlistedSurname =
        isWord(n) &&
        isCoreFirstName(lower) &&
        !isDictionaryWord(lower) &&
        n.text.length >= 4 &&
        /[aeiouy]/.test(n.lower) &&
        !n.paragraphBreak &&
        !isDictionaryWord(n.lower) &&
        !EPONYMS.has(n.lower) &&
        !isCountry(n.lower);
      if (
        isWord(n) &&
        !isCommonWord(n.lower) &&
        !isStop(n) &&
        (isKnownName(n.lower) || unlistedSurname)
      ) {
        emitName(tokens, i, i + 2, out, 'nameLists');
        i++;
      }
    }
  }
}

/** "Koskikatu", "Brixtonlaan": a street word of another language, with a stem before it. */
const FOREIGN_STREET_RE = new RegExp(`^\\p{L}{3,}(?:${FOREIGN_STREET_ENDINGS.join('|')})$`, 'u');

/** "co-signature", "follow-up": a hyphenated compound of ordinary words is no surname. */
function compoundOfWords(lower: string): boolean {
  return (
    lower.includes('-') &&
    lower
      .split('-')
      .every((p) => p === '' || isCommonWord(p) || (isDictionaryWord(p) && !isKnownName(p)))
  );
}

/** Titles that are also clinical words ("4 L NP", "nurse note"). */
const MEDIUM_TITLES = new Set([
  'np',
  'nurse',
  'rn',
  'pa',
  'md',
  'ho',
  'resident',
  'fellow',
  'attending',
  'intern',
]);
/** Roles written before a name after a contact verb ("spoke with HO Schwarz"). */
const ROLE_WORDS = new Set([
  'ho',
  'md',
  'np',
  'rn',
  'pa',
  'dr',
  'nurse',
  'resident',
  'fellow',
  'attending',
]);
/** Verbs right after a bare first name in a note: "JOHN STATES…", "LUCY IS ON VACA". */
const NAME_VERBS = new Set(
  `states stated says said called calls visited visits reports reported aware is was will agrees
  agreed wants wanted asked asks`.split(/\s+/),
);

const PLACE_PREPS = new Set(['to', 'at', 'from', 'into', 'in', '@', 'near']);

/** Place-name tokens after a motion word: capitals in prose, unknown words in lower/upper notes. */
function placeToken(t: Token | undefined): boolean {
  if (!isWord(t) || t.paragraphBreak) return false;
  if (
    FUNCTION_WORDS.has(t.lower) ||
    isClinicalWord(t.lower) ||
    isCountry(t.lower) ||
    isUsState(t.lower)
  )
    return false;
  if (t.mode === 'mixed')
    return (
      isCap(t) ||
      (t.text.length === 1 && t.shape === 'upper') ||
      (t.text.length > 2 && !isCommonWord(t.lower) && !isDictionaryWord(t.lower))
    );
  return (
    t.text.length > 1 &&
    (CITIES.has(t.lower) || (!isCommonWord(t.lower) && !isDictionaryWord(t.lower)))
  );
}

function detectPlaces(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    // Facility suffix: walk back over capitalised / unknown words.
    if (
      isWord(t) &&
      FACILITY_SUFFIXES.has(t.lower) &&
      !(t.mode === 'mixed' && t.shape === 'lower' && t.lower.length <= 2)
    ) {
      let k = i - 1;
      let first = -1;
      while (k >= 0 && i - k <= 5) {
        const c = tokens[k];
        if (!c || c.paragraphBreak) {
          if (c && placeToken(c)) first = k;
          break;
        }
        if (
          isWord(c) &&
          (FACILITY_SUFFIXES.has(c.lower) || c.lower === 'st' || c.lower === 'saint') &&
          (c.mode !== 'mixed' || isCap(c))
        ) {
          first = k;
        } else if (c.kind === 'punct' && /^['’][sS]$/.test(c.text)) {
          // "Women's Hospital"
        } else if (isDot(c) && tokens[k - 1]?.lower === 'st') {
          // "St. Agnes"
        } else if (c.lower === 'and' && first >= 0 && k > 0 && placeToken(tokens[k - 1])) {
          // "Brigham and Women's"
        } else if (placeToken(c) && !(c.mode === 'mixed' && isCommonWord(c.lower) && !isCap(c))) {
          first = k;
        } else if (
          isWord(c) &&
          c.mode !== 'mixed' &&
          t.lower.startsWith('hosp') &&
          !FUNCTION_WORDS.has(c.lower) &&
          !isClinicalWord(c.lower) &&
          !GENERIC_FACILITY_WORDS.has(c.lower) &&
          !isVerbish(c.lower)
        ) {
          first = k; // "UNION HOSP", "sacred heart hosp": ordinary words can name a hospital
        } else break;
        k--;
      }
      while (
        first >= 0 &&
        first < i - 1 &&
        FACILITY_SUFFIXES.has(tokens[first]?.lower ?? '') &&
        !isCap(tokens[first] ?? t)
      )
        first++; // "er mazur campus" starts at "mazur"
      if (first >= 0 && first < i) {
        const a = tokens[first];
        if (a && !FACILITY_SUFFIXES.has(a.lower))
          out.push({ start: a.start, end: t.end, type: 'FACILITY', source: 'places' });
        else if (a && FACILITY_SUFFIXES.has(a.lower) && a.mode === 'mixed' && isCap(a) && isCap(t))
          out.push({ start: a.start, end: t.end, type: 'FACILITY', source: 'places' });
      }
    }
    // "St. Agnes", "Saint Joseph's", "St A."
    if (
      isWord(t) &&
      (t.lower === 'st' || t.lower === 'saint') &&
      (t.mode !== 'mixed' || isCap(t))
    ) {
      const prev = tokens[i - 1];
      if (prev && (prev.kind === 'num' || (isWord(prev) && isCap(prev) && prev.mode === 'mixed')))
        continue; // "Thornton St"
      let j = i + 1;
      if (isDot(tokens[j])) j++;
      const n = tokens[j];
      // The saint's name: a listed name or city, an unknown capitalised word, or "St A.";
      // never "ST DEPRESSION", "ST. REMAINS", "sr to st w/…" (the ECG segment).
      const initial =
        isWord(n) && n.text.length === 1 && n.shape === 'upper' && isDot(tokens[j + 1]);
      const nOk =
        initial ||
        (isWord(n) &&
          !FUNCTION_WORDS.has(n.lower) &&
          !isClinicalWord(n.lower) &&
          !(isCommonWord(n.lower) && !isKnownName(n.lower)) &&
          (isKnownName(n.lower) ||
            CITIES.has(n.lower) ||
            (n.mode === 'mixed' && PLAIN_TITLE.test(n.text) && !isDictionaryWord(n.lower))));
      if (n && nOk) out.push({ start: t.start, end: n.end, type: 'FACILITY', source: 'places' });
    }
    // Motion + preposition: "transferred to GH", "lives in catonsville", "seen at Cedar Crest".
    if ((isWord(t) && PLACE_PREPS.has(t.lower)) || t.text === '@') {
      let motion = false;
      for (let k = i - 1; k >= 0 && k >= i - 4; k--) {
        const c = tokens[k];
        if (c && MOTION_WORDS.has(c.lower)) motion = true;
        if (c?.kind === 'punct' && c.text !== '/' && c.text !== '-') break;
      }
      if (!motion) continue;
      let j = i + 1;
      if (tokens[j]?.lower === 'the') j++;
      const first = j;
      while (j < tokens.length && j - first < 4 && placeToken(tokens[j])) {
        j++;
        if (tokens[j]?.lower === '-' && placeToken(tokens[j + 1])) j++;
      }
      if (j > first) {
        const a = tokens[first];
        const b = tokens[j - 1];
        if (a && b) out.push({ start: a.start, end: b.end, type: 'LOCATION', source: 'places' });
      }
    }
    // Cities from the list.
    if (isWord(t) && !isStop(t) && !EPONYMS.has(t.lower)) {
      const prev = tokens[i - 1];
      const afterPrep = prev !== undefined && PLACE_PREPS.has(prev.lower);
      let matched = 0;
      for (const parts of MULTI_WORD_CITIES.get(t.lower) ?? []) {
        let ok = true;
        for (let p = 1; p < parts.length; p++) if (tokens[i + p]?.lower !== parts[p]) ok = false;
        if (ok && parts.length > matched) matched = parts.length;
      }
      if (matched === 0 && CITIES.has(t.lower)) matched = 1;
      if (matched > 0) {
        const single = matched === 1;
        const evidence =
          t.mode === 'mixed'
            ? isCap(t) && (!single || !isCommonWord(t.lower) || afterPrep)
            : afterPrep && (!single || !isCommonWord(t.lower));
        const last = tokens[i + matched - 1];
        if (evidence && last)
          out.push({ start: t.start, end: last.end, type: 'LOCATION', source: 'places' });
      }
    }
    // "Nieuwe Baan 473 St.", "Grössgstötten 50 street": capitalised words, a number, "street".
    if (
      t.kind === 'num' &&
      t.text.length <= 5 &&
      tokens[i + 1]?.glued === false &&
      ['st', 'str', 'street'].includes(tokens[i + 1]?.lower ?? '')
    ) {
      let k = i - 1;
      while (
        k >= 0 &&
        i - k <= 3 &&
        isWord(tokens[k]) &&
        isCap(tokens[k] ?? t) &&
        !isStop(tokens[k] ?? t)
      )
        k--;
      const a = tokens[k + 1];
      const suffix = tokens[i + 1];
      if (k + 1 < i && a && suffix)
        out.push({ start: a.start, end: suffix.end, type: 'ADDRESS', source: 'places' });
    }
    // A postal code after a country: "Belgium 42940", "Uruguay 64677".
    if (t.kind === 'num' && t.text.length >= 4 && t.text.length <= 6) {
      const prev = tokens[i - 1];
      if (isWord(prev) && isCountry(prev.lower))
        out.push({ start: t.start, end: t.end, type: 'ZIP', source: 'places' });
    }
    // Street address: number, up to 4 words, a street suffix ("123 Maple Street", "81 Thornton St").
    if (t.kind === 'num' && t.text.length <= 6) {
      let j = i + 1;
      let words = 0;
      let found = -1;
      while (j < tokens.length && words < 5) {
        const c = tokens[j];
        if (!isWord(c) || c.paragraphBreak) break;
        if (
          words > 0 &&
          (c.mode === 'mixed'
            ? isCap(c) && STREET_SUFFIXES.has(c.lower)
            : STRONG_STREET_SUFFIXES.has(c.lower))
        ) {
          found = isDot(tokens[j + 1]) ? j + 1 : j;
          break;
        }
        if (c.mode === 'mixed' && !isCap(c) && !(words === 0 && c.text.length === 1)) break;
        if (FUNCTION_WORDS.has(c.lower) || isClinicalWord(c.lower)) break;
        if (c.mode !== 'mixed' && isCommonWord(c.lower) && !STREET_SUFFIXES.has(c.lower)) break;
        words++;
        j++;
      }
      const e = tokens[found];
      if (found > 0 && e)
        out.push({ start: t.start, end: e.end, type: 'ADDRESS', source: 'places' });
    }
    // Foreign street forms: "Koskikatu 25", "ul. Chrzanowska 61", "Brixtonlaan 380".
    if (isWord(t) && (t.mode !== 'mixed' || isCap(t) || FOREIGN_STREET_WORDS.has(t.lower))) {
      let j = i + 1;
      if (FOREIGN_STREET_WORDS.has(t.lower)) {
        if (isDot(tokens[j])) j++;
        const first = tokens[j];
        if (!isWord(first) || first.mode !== 'mixed' || !PLAIN_TITLE.test(first.text)) continue;
        while (isWord(tokens[j]) && isCap(tokens[j] ?? t) && j - i < 5) j++;
      } else if (!FOREIGN_STREET_RE.test(t.lower)) {
        continue;
      }
      const n = tokens[j];
      if (n?.kind === 'num' && n.text.length <= 5 && j > i) {
        const before = tokens[i - 1];
        const start = before?.kind === 'num' && before.text.length <= 6 ? before.start : t.start;
        out.push({ start, end: n.end, type: 'ADDRESS', source: 'places' });
      }
    }
  }
}

const DRUG_BEFORE = new Set(
  `iv ivp po sl im sq sc pr on started restarted receiving received given weaned titrated titrate
  cont continue continues continued held dose mg mcg prn gtt drip`.split(/\s+/),
);
const DRUG_AFTER = new Set(
  `mg mcg g gm ml cc units u iv po sl im sq prn gtt drip qd bid tid qid qhs daily weaned wean
  titrated infusing infusion x`.split(/\s+/),
);

/** Units and amounts before "of" that make the next word a drug: "dose of X", "500 cc of X". */
const AMOUNT_BEFORE_OF = new Set(
  `dose doses course trial mg mcg g gm ml cc units u amp amps tab tabs bottle bag`.split(/\s+/),
);
const COORDINATORS = new Set(['and', 'or', '/', '&']);

/**
 * Drugs keep company with amounts and other drugs: "dose of Lactulose", "500 cc of Hespan",
 * "Dilaudid and Percocet", and every word on an "Allergies:" line.
 */
function drugByCompany(tokens: readonly Token[], i: number): boolean {
  const drugish = (t: Token | undefined): boolean =>
    isWord(t) && (DRUG_WORDS.has(t.lower) || DRUG_STEM.test(t.lower));
  const p1 = tokens[i - 1];
  const p2 = tokens[i - 2];
  if (p1?.lower === 'of' && p2 && (p2.kind === 'num' || AMOUNT_BEFORE_OF.has(p2.lower)))
    return true;
  if (p1 && COORDINATORS.has(p1.lower) && drugish(p2)) return true;
  const n1 = tokens[i + 1];
  if (n1 && COORDINATORS.has(n1.lower) && drugish(tokens[i + 2])) return true;
  for (let k = i - 1; k >= 0 && k >= i - 12; k--) {
    const c = tokens[k];
    if (!c) break;
    if (/^all+erg(?:y|ies)$/.test(c.lower) && tokens[k + 1]?.text === ':') return true;
    if (c.lineStart) break;
  }
  return false;
}

/** "Gaetane", "Cedars-Sinai": letters only, capital first, the rest lowercase. */
const PLAIN_TITLE = /^\p{Lu}\p{Ll}{2,}(?:-\p{Lu}\p{Ll}+)?$/u;

/** USAN stems: a capitalised word with one of these endings is a drug ("Losartan", "Remdesivir"). */
const DRUG_STEM =
  /(?:mab|nib|pril|sartan|olol|statin|azole|cillin|mycin|micin|floxacin|vir|dronate|tide|parin|xaban|gatran|gliptin|gliflozin|dipine|azepam|zolam|oxetine|triptan|prazole|tidine|cycline|cef\w*|afil|lukast|profen|fenac|setron|semide|thiazide|lamide|barbital|caine|sone|solone|olone|terol|tropium|dine|pine|done|mide|zide|ine)$/;

/**
 * In prose, a Title-case word that is no ordinary English word, clinical term, place or eponym is
 * most likely a proper name ("Gaetane", "Quendrick:"); after "at/from/in" it is a place.
 */
function detectCapitals(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!isWord(t) || t.mode !== 'mixed' || !PLAIN_TITLE.test(t.text)) continue;
    if (
      isCommonWord(t.lower) ||
      isStop(t) ||
      EPONYMS.has(t.lower) ||
      isCountry(t.lower) ||
      isUsState(t.lower)
    )
      continue;
    if (isDictionaryWord(t.lower) && !isKnownName(t.lower)) continue;
    if (isDemonym(t.lower)) continue; // "Navajo", "Ashkenazi"
    if (
      /['’]/.test(t.text) ||
      DRUG_STEM.test(t.lower) ||
      (isWord(tokens[i + 1]) && tokens[i + 1]?.glued)
    )
      continue;
    // Drugs sit between a route or verb and a dose: "IV Phenergan", "on Cardizem 60mg".
    const prevWord = tokens[i - 1];
    const nextTok = tokens[i + 1];
    if (prevWord && DRUG_BEFORE.has(prevWord.lower)) continue;
    if (nextTok && (nextTok.kind === 'num' || DRUG_AFTER.has(nextTok.lower))) continue;
    if (drugByCompany(tokens, i)) continue;
    const before = tokens[i - 1];
    // Sentence starts are capitalised anyway ("Suctioned for…", "Resp: …"): there a second unknown
    // capitalised word must follow ("User: Ágnes Földesy").
    const sentenceStart =
      before === undefined ||
      (before.kind === 'punct' && /^[.!?:;>"(*•-]$/.test(before.text)) ||
      t.lineStart;
    if (sentenceStart) {
      const n = tokens[i + 1];
      const pairs =
        isWord(n) &&
        !n.lineStart &&
        PLAIN_TITLE.test(n.text) &&
        !isCommonWord(n.lower) &&
        !isStop(n) &&
        !DRUG_STEM.test(n.lower);
      if (!pairs) continue;
    }
    if (
      FACILITY_SUFFIXES.has(t.lower) ||
      STREET_SUFFIXES.has(t.lower) ||
      (isProperNoun(t.lower) && !isKnownName(t.lower))
    )
      continue;
    const prev = tokens[i - 1];
    const place =
      prev !== undefined && (prev.lower === 'at' || prev.lower === 'from' || prev.lower === 'in');
    let end = i + 1;
    while (end < tokens.length && end - i < 4) {
      const n = tokens[end];
      const hyphen =
        n?.text === '-' && n.glued && isWord(tokens[end + 1]) && isCap(tokens[end + 1] ?? t);
      if (hyphen) {
        end += 2;
        continue;
      }
      if (
        !isWord(n) ||
        !isCap(n) ||
        n.paragraphBreak ||
        isStop(n) ||
        (isCommonWord(n.lower) && !isKnownName(n.lower))
      )
        break;
      end++;
    }
    const last = tokens[end - 1];
    if (last)
      out.push({
        start: t.start,
        end: last.end,
        type: place ? 'LOCATION' : 'NAME',
        source: 'capitals',
      });
    i = end - 1;
  }
}

/**
 * Names come in lists: "Eklund, Michael and Hodge", "They had 6: Gaetane, Hannah, …". A
 * capitalised word that is no dictionary word, joined by "," or "and" to a found name, is one too.
 */
function propagateNameLists(tokens: readonly Token[], out: Candidate[], from: number): void {
  const added = out.slice(from).filter((c) => c.type === 'NAME' || c.type === 'FACILITY');
  if (added.length === 0) return;
  /** Index of the token starting (or ending) exactly at `offset`, by binary search. */
  const find = (offset: number, key: 'start' | 'end'): number | undefined => {
    let lo = 0;
    let hi = tokens.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = tokens[mid]?.[key] ?? 0;
      if (v === offset) return mid;
      if (v < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  };
  const byStart = { get: (o: number) => find(o, 'start') };
  const byEnd = { get: (o: number) => find(o, 'end') };
  const isListName = (t: Token | undefined): t is Token =>
    isWord(t) &&
    t.mode === 'mixed' &&
    PLAIN_TITLE.test(t.text) &&
    !isCommonWord(t.lower) &&
    !isDictionaryWord(t.lower) &&
    !isStop(t) &&
    !isCountry(t.lower);
  // Facilities too: "BALTIMORE REHAB AND KIMBROUGH".
  const unknownWord = (t: Token | undefined): t is Token =>
    isWord(t) &&
    t.text.length > 2 &&
    !isStop(t) &&
    !isCommonWord(t.lower) &&
    !isDictionaryWord(t.lower);
  for (const c of added) {
    if (c.type !== 'FACILITY') continue;
    const last = byEnd.get(c.end);
    if (last === undefined) continue;
    const sep = tokens[last + 1];
    const n = tokens[last + 2];
    if (
      sep &&
      (sep.lower === 'and' || sep.lower === 'or') &&
      unknownWord(n) &&
      (n.mode !== 'mixed' || isCap(n))
    )
      out.push({ start: n.start, end: n.end, type: 'FACILITY', source: 'places' });
  }
  const found = added.filter((c) => c.type === 'NAME');
  for (const c of found) {
    const last = byEnd.get(c.end);
    const first = byStart.get(c.start);
    if (last !== undefined) {
      const sep = tokens[last + 1];
      const n = tokens[last + 2];
      if (sep && (sep.text === ',' || sep.lower === 'and') && isListName(n))
        out.push({ start: n.start, end: n.end, type: 'NAME', source: 'nameLists' });
    }
    if (first !== undefined) {
      const sep = tokens[first - 1];
      const p = tokens[first - 2];
      if (sep && (sep.text === ',' || sep.lower === 'and') && isListName(p))
        out.push({ start: p.start, end: p.end, type: 'NAME', source: 'nameLists' });
    }
  }
}

export function detectTokens(
  tokens: readonly Token[],
  sources: TokenSources,
  out: Candidate[],
): void {
  if (sources.context) detectTitled(tokens, out);
  if (sources.nameLists) detectListNames(tokens, out);
  if (sources.places) {
    detectPlaces(tokens, out);
    detectFacilities(tokens, out);
  }
  if (sources.capitals) detectCapitals(tokens, out);
  detectStructure(tokens, { names: sources.capitals, places: sources.places }, out);
  if (sources.nameLists) propagateNameLists(tokens, out, 0);
}
