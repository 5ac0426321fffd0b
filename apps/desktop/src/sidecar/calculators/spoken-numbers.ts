/**
 * Number words to digits, for transcripts that spell numbers out ("one point four", "sixty-seven
 * year old", "a hundred and twenty"). Digits already in the text are left alone.
 */

const UNITS: Readonly<Record<string, number>> = {
  zero: 0,
  oh: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};

const TENS: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

const WORD = /^(?:[a-z]+)$/;

function isNumberWord(w: string): boolean {
  return w in UNITS || w in TENS || w === 'hundred' || w === 'thousand';
}

/** Parses a run of number words; returns the value, or undefined when the run is not a number. */
function parseRun(words: readonly string[]): number | undefined {
  // Clinicians say 150 as "one fifty", 105 as "one oh five", 115 as "one fifteen".
  const [head, next, ...tail] = words;
  const h = head === undefined ? undefined : UNITS[head];
  if (h !== undefined && h >= 1 && h <= 9 && next !== undefined) {
    const n = UNITS[next];
    if (next in TENS || (n !== undefined && n >= 10) || next === 'oh') {
      const rest = parseRun(next === 'oh' ? tail : [next, ...tail]);
      if (rest !== undefined && rest < 100) return h * 100 + rest;
    }
  }
  let total = 0;
  let current = 0;
  let seen = false;
  for (const w of words) {
    if (w === 'and' || w === 'a') continue;
    const u = UNITS[w];
    const t = TENS[w];
    if (u !== undefined) current += u;
    else if (t !== undefined) current += t;
    else if (w === 'hundred') current = (current || 1) * 100;
    else if (w === 'thousand') {
      total += (current || 1) * 1000;
      current = 0;
    } else return undefined;
    seen = true;
  }
  return seen ? total + current : undefined;
}

export function wordsToDigits(text: string): string {
  const tokens = text.split(/(\s+|-|[,;:!?]|\.(?!\d))/);
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const tok = tokens[i] ?? '';
    const lower = tok.toLowerCase();
    const startsRun =
      isNumberWord(lower) || (lower === 'a' && (tokens[i + 2] ?? '').toLowerCase() === 'hundred');
    if (!startsRun || !WORD.test(lower)) {
      out.push(tok);
      i++;
      continue;
    }
    // Collect number words (and "and"/"a" inside them), skipping the separators between them.
    const run: string[] = [];
    let j = i;
    let lastWord = i;
    while (j < tokens.length) {
      const w = (tokens[j] ?? '').toLowerCase();
      if (/^(\s+|-)$/.test(w) || w === '') {
        j++;
        continue;
      }
      if (
        isNumberWord(w) ||
        ((w === 'and' || w === 'a') && run.length > 0) ||
        (w === 'a' && run.length === 0)
      ) {
        run.push(w);
        lastWord = j;
        j++;
        continue;
      }
      break;
    }
    while (run.length > 0 && (run[run.length - 1] === 'and' || run[run.length - 1] === 'a')) {
      run.pop();
      lastWord -= 2;
    }
    let value = parseRun(run);
    if (value === undefined) {
      out.push(tok);
      i++;
      continue;
    }
    let next = lastWord + 1;
    // "point" followed by digit words: decimals, one digit per word.
    const p = tokens.slice(next).findIndex((t) => !/^\s*$/.test(t));
    if (p >= 0 && (tokens[next + p] ?? '').toLowerCase() === 'point') {
      const digits: string[] = [];
      let k = next + p + 1;
      while (k < tokens.length) {
        const w = (tokens[k] ?? '').toLowerCase();
        if (/^\s*$/.test(w)) {
          k++;
          continue;
        }
        const d = UNITS[w];
        if (d === undefined || d > 9) break;
        digits.push(String(d));
        k++;
      }
      if (digits.length > 0) {
        value = Number(`${value}.${digits.join('')}`);
        next = k;
      }
    }
    out.push(String(value));
    i = next;
  }
  return out.join('');
}
