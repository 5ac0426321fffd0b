/**
 * Identifiers a conversation already revealed, found again in later messages whatever the
 * detector makes of them: "Surname: Quimby" after "Mr John Quimby", or "quimby" typed alone. The
 * vault holds every original it issued a placeholder for; names, places and facilities also count
 * by their words, so a surname given alone later is still caught.
 */
import { isCommonWord, isDictionaryWord } from './lexicon.js';
import { normalizeText } from './normalize.js';
import type { PhiSpan, PhiType } from './types.js';
import type { VaultEntry } from './vault.js';

/** Types whose words identify on their own (a surname, a street name, a hospital's name). */
const WORDWISE: ReadonlySet<string> = new Set(['NAME', 'LOCATION', 'FACILITY', 'ADDRESS']);
const MIN_PART = 3;

interface Term {
  readonly lower: string;
  readonly type: PhiType;
  /** An ordinary English word ("Rose", "Hill"): only counts when written capitalised. */
  readonly needsCapital: boolean;
}

function termsOf(entries: Iterable<VaultEntry>): Term[] {
  const terms = new Map<string, Term>();
  for (const e of entries) {
    if (e.type === 'LITERAL') continue;
    const whole = normalizeText(e.original).text.toLowerCase().trim();
    if (whole.length >= MIN_PART)
      terms.set(whole, { lower: whole, type: e.type, needsCapital: false });
    if (!WORDWISE.has(e.type)) continue;
    for (const part of whole.split(/[^\p{L}\p{M}'’-]+/u)) {
      if (part.length < MIN_PART || terms.has(part)) continue;
      const ordinary = isCommonWord(part) || isDictionaryWord(part);
      terms.set(part, { lower: part, type: e.type, needsCapital: ordinary });
    }
  }
  return [...terms.values()];
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/** Spans (offsets into `text`) where an identifier from `entries` occurs again. */
export function findKnownIdentifiers(text: string, entries: Iterable<VaultEntry>): PhiSpan[] {
  const terms = termsOf(entries);
  if (terms.length === 0) return [];
  const norm = normalizeText(text);
  const lower = norm.text.toLowerCase();
  // Lowercasing keeps lengths for the scripts names are written in; when it does not, offsets
  // would drift, so fall back to a per-character lowercase that keeps them.
  let hay = lower;
  if (lower.length !== norm.text.length) {
    hay = '';
    for (let i = 0; i < norm.text.length; i++) {
      const c = norm.text.charAt(i);
      const l = c.toLowerCase();
      hay += l.length === 1 ? l : c;
    }
  }
  const out: PhiSpan[] = [];
  for (const term of terms) {
    for (let at = hay.indexOf(term.lower); at !== -1; at = hay.indexOf(term.lower, at + 1)) {
      const end = at + term.lower.length;
      if (WORD_CHAR.test(hay.charAt(at - 1)) || WORD_CHAR.test(hay.charAt(end))) continue;
      if (term.needsCapital && !/^\p{Lu}/u.test(norm.text.charAt(at))) continue;
      out.push({ ...norm.toInput(at, end), type: term.type });
    }
  }
  return out;
}
