/** A linear tokenizer plus the per-line casing mode that decides how much capitals can tell us. */

export type TokenKind = 'word' | 'num' | 'punct';
export type CaseShape = 'title' | 'upper' | 'lower' | 'other';
/** `mixed`: normal prose, capitals mark proper nouns. `upper`/`lower`: capitals tell nothing. */
export type CaseMode = 'mixed' | 'upper' | 'lower';

export interface Token {
  readonly text: string;
  readonly lower: string;
  readonly start: number;
  readonly end: number;
  readonly kind: TokenKind;
  readonly shape: CaseShape;
  readonly mode: CaseMode;
  /** Whitespace between the previous token and this one contains a blank line. */
  readonly paragraphBreak: boolean;
  /** First token of its line. */
  readonly lineStart: boolean;
  /** No whitespace at all between the previous token and this one. */
  readonly glued: boolean;
}

export const isWord = (t: Token | undefined): t is Token => t?.kind === 'word';
/** Capitalised: Title-case, or ALL-CAPS of two letters or more. */
export const isCap = (t: Token): boolean =>
  t.shape === 'title' || (t.shape === 'upper' && t.text.length > 1);
export const isDot = (t: Token | undefined): boolean => t?.kind === 'punct' && t.text === '.';

// Words keep inner apostrophes and hyphens ("O'Driscoll", "FORMAN-LYONS"); a possessive "'s" is
// split off so the name itself is the span.
const TOKEN_RE =
  /[\p{L}\p{M}](?:[\p{L}\p{M}\p{N}]|['’-](?=[\p{L}\p{M}]))*|\p{N}+|[^\s\p{L}\p{M}\p{N}]/gu;
const POSSESSIVE_RE = /^(.+)(['’][sS])$/u;

const UPPER_RE = /\p{Lu}/u;
const LOWER_RE = /\p{Ll}/u;

/** 1 upper, -1 lower, 0 neither; ASCII without allocating, the rest by Unicode property. */
function caseOf(code: number, ch: string): number {
  if (code < 128) return code >= 65 && code <= 90 ? 1 : code >= 97 && code <= 122 ? -1 : 0;
  return UPPER_RE.test(ch) ? 1 : LOWER_RE.test(ch) ? -1 : 0;
}

function shapeOf(word: string): CaseShape {
  let upper = 0;
  let lower = 0;
  let restLower = 0;
  for (let i = 0; i < word.length; i++) {
    const c = caseOf(word.charCodeAt(i), word.charAt(i));
    if (c === 1) upper++;
    else if (c === -1) {
      lower++;
      if (i > 0) restLower++;
    }
  }
  if (upper === 0 && lower > 0) return 'lower';
  if (lower === 0 && upper > 0) return 'upper';
  if (caseOf(word.charCodeAt(0), word.charAt(0)) === 1 && restLower > 0) return 'title';
  return 'other';
}

const MIN_LETTERS_FOR_LINE_MODE = 24;

/** A whole text this short says little about its casing: read it as prose. */
const MIN_LETTERS_FOR_TEXT_MODE = 12;

function modeOf(
  letters: number,
  uppers: number,
  min = MIN_LETTERS_FOR_LINE_MODE,
): CaseMode | undefined {
  if (letters < min) return undefined;
  const ratio = uppers / letters;
  if (ratio > 0.75) return 'upper';
  if (ratio < 0.008) return 'lower';
  return 'mixed';
}

function countCase(text: string, from: number, to: number): { letters: number; uppers: number } {
  let letters = 0;
  let uppers = 0;
  for (let i = from; i < to; i++) {
    const c = caseOf(text.charCodeAt(i), text.charAt(i));
    if (c !== 0) letters++;
    if (c === 1) uppers++;
  }
  return { letters, uppers };
}

/** Casing mode per line, falling back to the whole text for short lines. */
function lineModes(text: string): { starts: number[]; modes: CaseMode[] } {
  // One pass: per-line counts, summed for the whole-text fallback.
  const starts: number[] = [];
  const counts: { letters: number; uppers: number }[] = [];
  let letters = 0;
  let uppers = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    const c = countCase(text, from, to);
    starts.push(from);
    counts.push(c);
    letters += c.letters;
    uppers += c.uppers;
    from = to + 1;
  }
  const fallback = modeOf(letters, uppers, MIN_LETTERS_FOR_TEXT_MODE) ?? 'mixed';
  const modes = counts.map((c) => modeOf(c.letters, c.uppers) ?? fallback);
  return { starts, modes };
}

const isDigitStart = (code: number, ch: string): boolean =>
  (code >= 48 && code <= 57) || (code >= 128 && /\p{N}/u.test(ch));
const isLetterStart = (code: number, ch: string): boolean =>
  (code >= 65 && code <= 90) ||
  (code >= 97 && code <= 122) ||
  (code >= 128 && /[\p{L}\p{M}]/u.test(ch));

export function tokenize(text: string): Token[] {
  const { starts, modes } = lineModes(text);
  const tokens: Token[] = [];
  let line = 0;
  let prevEnd = 0;
  const push = (raw: string, start: number, kind: TokenKind): void => {
    while (line + 1 < starts.length && (starts[line + 1] ?? Infinity) <= start) line++;
    let newlines = 0;
    let blank = false;
    for (let i = prevEnd; i < start; i++) {
      if (text.charCodeAt(i) === 10) {
        newlines++;
        if (newlines >= 2) blank = true;
      }
    }
    const shape = kind === 'word' ? shapeOf(raw) : 'other';
    const lineMode = modes[line] ?? 'mixed';
    tokens.push({
      text: raw,
      lower: raw.toLowerCase(),
      start,
      end: start + raw.length,
      kind,
      shape,
      // In a lowercase note a capitalised word was capitalised on purpose ("docter Sullivan"):
      // read it as prose, where capitals mark proper nouns.
      mode: lineMode === 'lower' && shape === 'title' ? 'mixed' : lineMode,
      paragraphBreak: blank,
      lineStart: tokens.length === 0 || newlines > 0,
      glued: start === prevEnd && tokens.length > 0,
    });
    prevEnd = start + raw.length;
  };
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    const raw = m[0];
    const start = m.index;
    const c = raw.charCodeAt(0);
    const ch = raw.charAt(0);
    if (isDigitStart(c, ch)) {
      push(raw, start, 'num');
    } else if (isLetterStart(c, ch)) {
      const poss =
        raw.length > 3 && (raw.includes("'") || raw.includes('’')) ? POSSESSIVE_RE.exec(raw) : null;
      if (poss && (poss[1]?.length ?? 0) > 1) {
        const core = poss[1] ?? '';
        push(core, start, 'word');
        push(poss[2] ?? '', start + core.length, 'punct');
      } else {
        push(raw, start, 'word');
      }
    } else {
      push(raw, start, 'punct');
    }
  }
  return tokens;
}
