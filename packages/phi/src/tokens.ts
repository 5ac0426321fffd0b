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
  /** No whitespace at all between the previous token and this one. */
  readonly glued: boolean;
}

// Words keep inner apostrophes and hyphens ("O'Driscoll", "FORMAN-LYONS"); a possessive "'s" is
// split off so the name itself is the span.
const TOKEN_RE =
  /[\p{L}\p{M}](?:[\p{L}\p{M}\p{N}]|['’-](?=[\p{L}\p{M}]))*|\p{N}+|[^\s\p{L}\p{M}\p{N}]/gu;
const POSSESSIVE_RE = /^(.+)(['’][sS])$/u;

function shapeOf(word: string): CaseShape {
  const upper = word.toUpperCase();
  const lower = word.toLowerCase();
  if (word === lower && word !== upper) return 'lower';
  if (word === upper && word !== lower) return 'upper';
  const first = word.charAt(0);
  const rest = word.slice(1);
  if (first === first.toUpperCase() && first !== first.toLowerCase() && /\p{Ll}/u.test(rest))
    return 'title';
  return 'other';
}

const MIN_LETTERS_FOR_LINE_MODE = 24;

function modeOf(letters: number, uppers: number): CaseMode | undefined {
  if (letters < MIN_LETTERS_FOR_LINE_MODE) return undefined;
  const ratio = uppers / letters;
  if (ratio > 0.75) return 'upper';
  if (ratio < 0.02) return 'lower';
  return 'mixed';
}

function countCase(text: string, from: number, to: number): { letters: number; uppers: number } {
  let letters = 0;
  let uppers = 0;
  for (let i = from; i < to; i++) {
    const c = text.charAt(i);
    const lo = c.toLowerCase();
    const up = c.toUpperCase();
    if (lo === up) continue;
    letters++;
    if (c === up) uppers++;
  }
  return { letters, uppers };
}

/** Casing mode per line, falling back to the whole text for short lines. */
function lineModes(text: string): { starts: number[]; modes: CaseMode[] } {
  const all = countCase(text, 0, text.length);
  const fallback = modeOf(all.letters, all.uppers) ?? 'mixed';
  const starts: number[] = [];
  const modes: CaseMode[] = [];
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to === -1) to = text.length;
    const c = countCase(text, from, to);
    starts.push(from);
    modes.push(modeOf(c.letters, c.uppers) ?? fallback);
    from = to + 1;
  }
  return { starts, modes };
}

export function tokenize(text: string): Token[] {
  const { starts, modes } = lineModes(text);
  const tokens: Token[] = [];
  let line = 0;
  let prevEnd = 0;
  const push = (raw: string, start: number, kind: TokenKind): void => {
    while (line + 1 < starts.length && (starts[line + 1] ?? Infinity) <= start) line++;
    const gap = text.slice(prevEnd, start);
    tokens.push({
      text: raw,
      lower: raw.toLowerCase(),
      start,
      end: start + raw.length,
      kind,
      shape: kind === 'word' ? shapeOf(raw) : 'other',
      mode: modes[line] ?? 'mixed',
      paragraphBreak: /\n[^\S\n]*\n/.test(gap),
      glued: gap.length === 0 && tokens.length > 0,
    });
    prevEnd = start + raw.length;
  };
  for (const m of text.matchAll(TOKEN_RE)) {
    const raw = m[0];
    const start = m.index;
    const c = raw.charCodeAt(0);
    const isDigit = /\p{N}/u.test(raw.charAt(0));
    if (isDigit) {
      push(raw, start, 'num');
    } else if (/[\p{L}\p{M}]/u.test(raw.charAt(0)) || c > 0x2000) {
      const poss = POSSESSIVE_RE.exec(raw);
      if (poss && /[\p{L}\p{M}]/u.test(raw.charAt(0)) && (poss[1]?.length ?? 0) > 1) {
        const core = poss[1] ?? '';
        push(core, start, 'word');
        push(poss[2] ?? '', start + core.length, 'punct');
      } else {
        push(raw, start, /[\p{L}\p{M}]/u.test(raw.charAt(0)) ? 'word' : 'punct');
      }
    } else {
      push(raw, start, 'punct');
    }
  }
  return tokens;
}
