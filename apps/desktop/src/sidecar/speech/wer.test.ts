import { describe, expect, it } from 'vitest';
import { corpusWer, normalizeWords, wordErrorRate, wordErrors } from './wer.js';

describe('word error rate', () => {
  it('normalises case, punctuation and the numbers references write as digits', () => {
    expect(normalizeWords('And so, my fellow Americans — ask 25 to 30 years!')).toEqual([
      'and',
      'so',
      'my',
      'fellow',
      'americans',
      'ask',
      'twenty',
      'five',
      'to',
      'thirty',
      'years',
    ]);
    expect(normalizeWords("don't 'quote'")).toEqual(["don't", 'quote']);
  });

  it('counts substitutions, deletions and insertions', () => {
    expect(wordErrors('a b c d', 'a x c d')).toEqual({ errors: 1, referenceWords: 4 });
    expect(wordErrors('a b c d', 'a c d')).toEqual({ errors: 1, referenceWords: 4 });
    expect(wordErrors('a b c d', 'a b y c d z')).toEqual({ errors: 2, referenceWords: 4 });
    expect(wordErrorRate('ask not what your country', 'ask not what your country')).toBe(0);
    expect(wordErrorRate('one two', '')).toBe(1);
    expect(wordErrorRate('', '')).toBe(0);
  });

  it('pools a corpus by words, not by clips', () => {
    const wer = corpusWer([
      { reference: 'a b c d e f g h i j', hypothesis: 'a b c d e f g h i j' },
      { reference: 'k l', hypothesis: 'x y' },
    ]);
    expect(wer).toBeCloseTo(2 / 12, 10);
  });
});
