/**
 * Names and places recognised by the shape of the text around them rather than by a list:
 * "at harold quince's house", chat transcripts ("Quendrick: …" beside "Susan: …"), a one-word
 * name opening a sentence before a person's verb ("Zorvak lives near …"), "home town VARKAUSI",
 * and the town line of a postal address block.
 */
import type { Candidate } from './candidate.js';
import {
  CITIES,
  CLINICAL_WORDS,
  EPONYMS,
  FUNCTION_WORDS,
  RELATION_WORDS,
  isCommonWord,
  isCountry,
  isDictionaryWord,
  isFirstName,
  isKnownName,
  isUsState,
} from './lexicon.js';
import { isCap, isDot, isWord, type Token } from './tokens.js';

const DWELLINGS = new Set(
  'house home apartment apt place farm condo cottage trailer room'.split(' '),
);
/** Verbs only a person does, right after a name that opens a sentence: "Zorvak lives near …". */
const PERSON_VERBS = new Set(
  `lives lived works worked said says told married moved died visited wants wanted asked
  called calls texted emailed wrote replied answered`.split(/\s+/),
);
/** "home town VARKAUSI", "the town of Ærøby", "village: Ørsta". */
const PLACE_NOUNS = new Set(['city', 'town', 'village', 'hometown', 'municipality', 'borough']);

/** A word that could be (part of) a proper name here: no function, clinical or relation word. */
function nameish(t: Token | undefined): t is Token {
  return (
    isWord(t) &&
    !t.paragraphBreak &&
    !FUNCTION_WORDS.has(t.lower) &&
    !CLINICAL_WORDS.has(t.lower) &&
    !RELATION_WORDS.has(t.lower) &&
    !EPONYMS.has(t.lower) &&
    !isCountry(t.lower) &&
    !isUsState(t.lower)
  );
}

/** Unknown capitalised word: no ordinary or dictionary word ("Zorvak", "Quendrick", "Trondheimsby"). */
function unknownCapital(t: Token | undefined): t is Token {
  return (
    nameish(t) &&
    isCap(t) &&
    t.text.length >= 3 &&
    (t.mode === 'mixed' || t.shape === 'upper') &&
    !isCommonWord(t.lower) &&
    !isDictionaryWord(t.lower)
  );
}

const push = (
  out: Candidate[],
  a: Token,
  b: Token,
  type: Candidate['type'],
  source: Candidate['source'] = type === 'NAME' ? 'capitals' : 'places',
): void => {
  out.push({ start: a.start, end: b.end, type, source });
};

/** "at harold quince's house", "to Ana's place": the possessor of a home is a person. */
function possessedHomes(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 1; i + 1 < tokens.length; i++) {
    const p = tokens[i];
    if (p?.kind !== 'punct' || !/^['’]s?$/i.test(p.text)) continue;
    if (!DWELLINGS.has(tokens[i + 1]?.lower ?? '')) continue;
    const last = tokens[i - 1];
    if (!nameish(last)) continue;
    const first = tokens[i - 2];
    if (nameish(first) && isFirstName(first.lower) && !isCommonWord(first.lower)) {
      push(out, first, last, 'NAME');
    } else if (
      (isKnownName(last.lower) && !isCommonWord(last.lower)) ||
      (last.mode === 'mixed' && unknownCapital(last))
    ) {
      push(out, last, last, 'NAME');
    }
  }
}

/**
 * Chat transcripts: lines opening with "Speaker:". Once one speaker is a listed first name, the
 * other unknown capitalised speakers are names too ("Quendrick:" beside "Susan:").
 */
function transcriptSpeakers(tokens: readonly Token[], out: Candidate[]): void {
  const speakers: Token[] = [];
  let listed = false;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i];
    if (!t?.lineStart || !isWord(t) || tokens[i + 1]?.text !== ':') continue;
    if (t.mode !== 'mixed' || t.shape !== 'title') continue;
    speakers.push(t);
    if (isFirstName(t.lower) && !isDictionaryWord(t.lower)) listed = true;
  }
  if (!listed) return;
  for (const s of speakers) if (unknownCapital(s)) push(out, s, s, 'NAME');
}

/** "Zorvak lives near …": an unknown capitalised word opening a sentence, then a person's verb. */
function sentenceOpeners(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const n = tokens[i + 1]; // the verb first: it rules out almost every token cheaply
    if (!isWord(n) || n.glued || !PERSON_VERBS.has(n.lower)) continue;
    const t = tokens[i];
    if (!unknownCapital(t) || t.mode !== 'mixed') continue;
    push(out, t, t, 'NAME');
  }
}

/** "home town VARKAUSI", "the town of Ærøby": a capitalised name after a place noun. */
function namedPlaces(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i];
    if (!isWord(t) || !PLACE_NOUNS.has(t.lower) || t.mode !== 'mixed') continue;
    let j = i + 1;
    if (tokens[j]?.lower === 'of' || tokens[j]?.text === ':') j++;
    const first = tokens[j];
    if (!nameish(first) || !isCap(first) || isCommonWord(first.lower)) continue;
    let end = j;
    while (end - j < 2 && nameish(tokens[end + 1]) && isCap(tokens[end + 1] ?? first)) end++;
    const last = tokens[end];
    if (last) push(out, first, last, 'LOCATION');
  }
}

/** "…, 00100 Helsinki", "10115 Berlin": a postal code written before its town in an address. */
function postalCodesBeforeTowns(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i];
    if (t?.kind !== 'num' || t.text.length < 4 || t.text.length > 5) continue;
    const prev = tokens[i - 1];
    if (!(t.lineStart || prev?.text === ',')) continue;
    const town = tokens[i + 1];
    if (!isWord(town) || town.glued || town.mode !== 'mixed' || !isCap(town)) continue;
    if (!CITIES.has(town.lower) && !unknownCapital(town)) continue;
    out.push({ start: t.start, end: t.end, type: 'ZIP', source: 'places' });
  }
}

/**
 * The town line of a postal address: a line of one to three capitalised words right after a
 * line holding an address, or right before a "Country 12345" line.
 */
function addressBlockTowns(tokens: readonly Token[], out: Candidate[], from: number): void {
  const addresses = out.slice(0, from).filter((c) => c.type === 'ADDRESS');
  const lineEnd = (i: number): number => {
    let j = i + 1;
    while (j < tokens.length && !tokens[j]?.lineStart) j++;
    return j;
  };
  for (let i = 0; i < tokens.length; i++) {
    const head = tokens[i];
    if (!head?.lineStart) continue;
    // Only short lines of capitalised words qualify: give up on a line at its first other token.
    const words: Token[] = [];
    let j = i;
    let ok = true;
    for (; j < tokens.length && (j === i || !tokens[j]?.lineStart); j++) {
      const t = tokens[j];
      if (t?.kind === 'punct' && /^[>|*•-]$/.test(t.text)) continue;
      if (words.length === 3 || !nameish(t) || !isCap(t) || isCommonWord(t.lower)) {
        ok = false;
        break;
      }
      words.push(t);
    }
    if (!ok || words.length === 0) continue;
    const next = tokens[j];
    let prevStart = i - 1;
    while (prevStart > 0 && !tokens[prevStart]?.lineStart) prevStart--;
    const prevFrom = tokens[prevStart]?.start ?? 0;
    const afterAddress = i > 0 && addresses.some((a) => a.end > prevFrom && a.start < head.start);
    let beforeCountry = false;
    if (next && isWord(next) && isCountry(next.lower)) {
      const end = lineEnd(j);
      for (let k = j + 1; k < end; k++) {
        const n = tokens[k];
        if (n?.kind === 'num' && n.text.length >= 4) beforeCountry = true;
      }
    }
    if (!afterAddress && !beforeCountry) continue;
    const a = words[0];
    const b = words.at(-1);
    if (a && b) push(out, a, b, 'LOCATION');
  }
}

/** Form labels that announce a person's name: "Surname: Quimby", "Patient name - Ana Ruiz". */
const NAME_LABELS = new Set(
  `name names surname surnames forename forenames firstname lastname nombre apellido apellidos nom
  prénom prenom vorname nachname nome cognome naam achternaam voornaam imię nazwisko имя фамилия
  отчество όνομα επώνυμο`.split(/\s+/),
);
/** Words that turn "name" into a label when they precede it: "last name", "patient name". */
const NAME_LABEL_HEADS = new Set(
  'first last given family full maiden middle patient pt patients pt’s legal preferred birth'.split(
    ' ',
  ),
);

/**
 * A form field holding a name: a name label, then ":" / "-" / "is", then up to three words.
 * The label is explicit, so the words count even when they are ordinary ones ("Rose Hill").
 */
export function labelledNames(tokens: readonly Token[], out: Candidate[]): void {
  for (let i = 0; i + 2 < tokens.length; i++) {
    const t = tokens[i];
    if (!isWord(t) || !NAME_LABELS.has(t.lower)) continue;
    if ((t.lower === 'name' || t.lower === 'names') && i > 0) {
      // "name" alone is a label only at a line start or after a head word ("last name").
      const prev = tokens[i - 1];
      if (!t.lineStart && !(isWord(prev) && NAME_LABEL_HEADS.has(prev.lower))) {
        if (!(prev?.kind === 'punct' && /^[([,;|]$/.test(prev.text))) continue;
      }
    }
    let j = i + 1;
    const sep = tokens[j];
    if (sep?.kind === 'punct' && /^[:=-]$/.test(sep.text)) j++;
    else if (sep?.lower === 'is') j++;
    else continue;
    const first = j;
    while (j < tokens.length && j - first < 3) {
      const w = tokens[j];
      if (!isWord(w) || w.paragraphBreak || (j > first && w.lineStart)) break;
      if (!/^\p{L}[\p{L}\p{M}'’.-]*$/u.test(w.text) || FUNCTION_WORDS.has(w.lower)) break;
      if (j > first && CLINICAL_WORDS.has(w.lower)) break;
      j++;
      if (isDot(tokens[j]) && tokens[j - 1]?.text.length === 1) j++; // an initial
    }
    let last = j - 1;
    while (last >= first && !isWord(tokens[last])) last--;
    const a = tokens[first];
    const b = tokens[last];
    if (a && b && last >= first)
      out.push({ start: a.start, end: b.end, type: 'NAME', source: 'context', certain: true });
  }
}

export function detectStructure(
  tokens: readonly Token[],
  sources: { readonly names: boolean; readonly places: boolean },
  out: Candidate[],
): void {
  const before = out.length;
  if (sources.names) {
    possessedHomes(tokens, out);
    transcriptSpeakers(tokens, out);
    sentenceOpeners(tokens, out);
  }
  if (sources.places) {
    namedPlaces(tokens, out);
    postalCodesBeforeTowns(tokens, out);
    addressBlockTowns(tokens, out, before);
  }
}
