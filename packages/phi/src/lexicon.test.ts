import { describe, expect, it } from 'vitest';
import { DICTIONARY_WORDS, isDictionaryWord } from './lexicon.js';

describe('lexicon', () => {
  it('keeps the English word list sorted, so the binary search in isDictionaryWord holds', () => {
    let sorted = true;
    for (let i = 1; i < DICTIONARY_WORDS.length; i++)
      if (!((DICTIONARY_WORDS[i - 1] ?? '') < (DICTIONARY_WORDS[i] ?? ''))) sorted = false;
    expect(sorted).toBe(true);
    expect(DICTIONARY_WORDS.length).toBeGreaterThan(200_000);
  });

  it('finds first, last, middle and absent words', () => {
    expect(isDictionaryWord(DICTIONARY_WORDS[0] ?? '')).toBe(true);
    expect(isDictionaryWord(DICTIONARY_WORDS.at(-1) ?? '')).toBe(true);
    expect(isDictionaryWord('sinusitis')).toBe(true);
    expect(isDictionaryWord('platelets')).toBe(true);
    expect(isDictionaryWord('quendrick')).toBe(false);
    expect(isDictionaryWord('')).toBe(false);
  });
});
