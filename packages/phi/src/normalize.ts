/**
 * Text normalisation before detection, with a map back to the input's offsets. Evasions an outside
 * probe used against the guards, each undone here so the detectors see plain text:
 * - compatibility forms (NFKC per character): fullwidth digits and letters, ligatures, odd spaces;
 * - invisible characters (Unicode Default_Ignorable: zero-width space/joiners, soft hyphen, bidi
 *   marks, variation selectors) are dropped: "Jo\u200Bhn" is "John", "12\u00AD34" is "1234";
 * - digits of every script (Arabic-Indic, Devanagari, …) become ASCII digits;
 * - hyphen look-alikes become "-"; en/em dashes too when a digit stands beside them
 *   ("555–123–4567"), so prose dashes keep separating words.
 * Detection runs on the normalised text; each span is mapped back to the input, covering any
 * invisible characters inside it (the whole name is replaced, not its first part).
 */

/** First code point of every run of decimal digits (\p{Nd}) above ASCII, ascending. */
const DIGIT_ZEROS = [
  1632, 1776, 1984, 2406, 2534, 2662, 2790, 2918, 3046, 3174, 3302, 3430, 3558, 3664, 3792, 3872,
  4160, 4240, 6112, 6160, 6470, 6608, 6784, 6800, 6992, 7088, 7232, 7248, 42528, 43216, 43264,
  43472, 43504, 43600, 44016, 65296, 66720, 68912, 68928, 69734, 69872, 69942, 70096, 70384, 70736,
  70864, 71248, 71360, 71376, 71472, 71904, 72016, 72688, 72784, 73040, 73120, 73184, 73552, 90416,
  92768, 92864, 93008, 93552, 118000, 120782, 123200, 123632, 124144, 124401, 125264, 130032,
];

const ND_RE = /^\p{Nd}$/u;
const IGNORABLE_RE = /^\p{Default_Ignorable_Code_Point}$/u;
/** Hyphens and minus signs: always a hyphen. */
const HYPHENS = new Set([0x2010, 0x2011, 0x2012, 0x2043, 0x2212, 0xfe63, 0xff0d, 0x2e3a, 0x2e3b]);
/** Dashes that are punctuation in prose but separators inside numbers. */
const DASHES = new Set([0x2013, 0x2014, 0x2015, 0xfe58]);

function digitValue(cp: number): number | undefined {
  if (!ND_RE.test(String.fromCodePoint(cp))) return undefined;
  let zero = 0;
  for (const z of DIGIT_ZEROS) {
    if (z > cp) break;
    zero = z;
  }
  return (cp - zero) % 10;
}

/** Per-character replacement, cached: most non-ASCII characters repeat within a text. */
const cache = new Map<number, string>();
function mapChar(cp: number): string {
  let out = cache.get(cp);
  if (out !== undefined) return out;
  const ch = String.fromCodePoint(cp);
  const digit = digitValue(cp);
  if (IGNORABLE_RE.test(ch)) out = '';
  else if (digit !== undefined) out = String(digit);
  else if (HYPHENS.has(cp)) out = '-';
  else {
    out = ch.normalize('NFKC');
    // NFKC can yield a digit of another script or an ignorable: map those too.
    if (out !== ch) {
      let mapped = '';
      for (const c of out) mapped += mapChar(c.codePointAt(0) ?? 0);
      out = mapped;
    }
  }
  if (cache.size < 4096) cache.set(cp, out);
  return out;
}

export interface NormalizedText {
  /** The text the detectors read. */
  readonly text: string;
  /** Maps a span of `text` to the input's offsets; identity when nothing changed. */
  toInput(start: number, end: number): { start: number; end: number };
}

const IDENTITY = (start: number, end: number): { start: number; end: number } => ({ start, end });
const NON_ASCII = /[\u0080-\uffff]/;

const isDigitAt = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

export function normalizeText(input: string): NormalizedText {
  if (!NON_ASCII.test(input)) return { text: input, toInput: IDENTITY };
  const parts: string[] = [];
  // starts[k] / ends[k]: the input range the k-th output character came from.
  const starts: number[] = [];
  const ends: number[] = [];
  let changed = false;
  for (let i = 0; i < input.length;) {
    const cp = input.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    let out: string;
    if (cp < 128) out = input.charAt(i);
    else if (DASHES.has(cp))
      out = '\u0000'; // decided below, once both neighbours are known
    else out = mapChar(cp);
    if (out !== input.slice(i, i + width)) changed = true;
    for (let k = 0; k < out.length; k++) {
      parts.push(out.charAt(k));
      starts.push(i);
      ends.push(i + width);
    }
    i += width;
  }
  if (!changed) return { text: input, toInput: IDENTITY };
  let text = parts.join('');
  if (text.includes('\u0000')) {
    const chars = [...parts];
    for (let k = 0; k < chars.length; k++) {
      if (chars[k] !== '\u0000') continue;
      // Look past spaces: "555 – 123" is a number's separator too.
      let p = k - 1;
      while (p >= 0 && chars[p] === ' ') p--;
      let n = k + 1;
      while (n < chars.length && chars[n] === ' ') n++;
      const numeric = (p >= 0 && isDigitAt(text, p)) || (n < chars.length && isDigitAt(text, n));
      chars[k] = numeric ? '-' : input.charAt(starts[k] ?? 0);
    }
    text = chars.join('');
  }
  return {
    text,
    toInput(start: number, end: number) {
      if (end <= start) {
        const at = start < starts.length ? (starts[start] ?? input.length) : input.length;
        return { start: at, end: at };
      }
      return { start: starts[start] ?? input.length, end: ends[end - 1] ?? input.length };
    },
  };
}
