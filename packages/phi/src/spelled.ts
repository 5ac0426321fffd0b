/**
 * Numbers spelled out in words ("five five five, one two three, four five six seven", "nine one
 * seven double two …"): a phone number or record number dictated or typed to get past digit
 * patterns. A run of number words (digits allowed among them) worth at least 7 digits is an
 * identifier: a phone when it is worth 10 or 11 digits, an ID otherwise.
 */
import type { Candidate } from './candidate.js';

/** How many digits each word stands for when a number is read out digit by digit. */
const DIGIT_WORDS: Readonly<Record<string, number>> = {
  zero: 1,
  oh: 1,
  o: 1,
  one: 1,
  two: 1,
  three: 1,
  four: 1,
  five: 1,
  six: 1,
  seven: 1,
  eight: 1,
  nine: 1,
  ten: 2,
  eleven: 2,
  twelve: 2,
  thirteen: 2,
  fourteen: 2,
  fifteen: 2,
  sixteen: 2,
  seventeen: 2,
  eighteen: 2,
  nineteen: 2,
  twenty: 2,
  thirty: 2,
  forty: 2,
  fifty: 2,
  sixty: 2,
  seventy: 2,
  eighty: 2,
  ninety: 2,
  hundred: 2,
  thousand: 3,
};
/** "double five", "triple seven": repeats the next digit. */
const REPEATERS: Readonly<Record<string, number>> = { double: 2, triple: 3 };

const WORD_RE = /[a-z]+|\d{1,4}/gy;
const SEPARATOR_RE = /(?:[\s,.;/()-]|dash|and)*/y;
/** Fewer words than this is ordinary counting ("one or two", "two to three times"). */
const MIN_WORDS = 5;
const MIN_DIGITS = 7;
const HINT = /\b(?:zero|one|two|three|four|five|six|seven|eight|nine|oh)\b/;

export function detectSpelledNumbers(text: string, out: Candidate[]): void {
  const lower = text.toLowerCase();
  if (!HINT.test(lower)) return;
  const words = /\b(?:zero|one|two|three|four|five|six|seven|eight|nine|oh|double|triple)\b/g;
  let resumeAt = 0;
  for (let m = words.exec(lower); m !== null; m = words.exec(lower)) {
    if (m.index < resumeAt) continue;
    let at = m.index;
    let count = 0;
    let digits = 0;
    let repeat = 1;
    let end = at;
    for (;;) {
      WORD_RE.lastIndex = at;
      const w = WORD_RE.exec(lower);
      if (!w) break;
      const word = w[0];
      const after = at + word.length;
      if (/[a-z0-9]/.test(lower.charAt(after)) && !/^\d/.test(word)) break;
      if (word in REPEATERS) {
        repeat = REPEATERS[word] ?? 1;
      } else if (/^\d/.test(word)) {
        digits += word.length * repeat;
        repeat = 1;
      } else if (word in DIGIT_WORDS) {
        digits += (DIGIT_WORDS[word] ?? 1) * repeat;
        repeat = 1;
      } else break;
      count++;
      end = after;
      SEPARATOR_RE.lastIndex = after;
      const sep = SEPARATOR_RE.exec(lower);
      at = after + (sep?.[0].length ?? 0);
      if (at === after && at < lower.length) break;
    }
    resumeAt = end;
    if (count < MIN_WORDS || digits < MIN_DIGITS) continue;
    const type = digits === 10 || digits === 11 ? 'PHONE' : 'ID';
    out.push({ start: m.index, end, type, source: 'patterns', certain: true });
  }
}
