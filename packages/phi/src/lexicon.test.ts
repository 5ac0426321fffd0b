import { describe, expect, it } from 'vitest';
import { decodeList } from './lexicon-data.js';
import { isCountry, isDictionaryWord, isKnownName, isMedicalWord } from './lexicon.js';

describe('lexicon', () => {
  it('decodes front-coded lists', () => {
    expect(decodeList('0abc\n2d\n1x')).toEqual(['abc', 'abd', 'ax']);
    expect(decodeList('')).toEqual([]);
  });

  it('loads the derived lists: English, medical, names of several scripts, countries', () => {
    expect(isDictionaryWord('sinusitis')).toBe(true);
    expect(isDictionaryWord('platelets')).toBe(true);
    expect(isDictionaryWord('quendrick')).toBe(false);
    expect(isDictionaryWord('')).toBe(false);
    expect(isMedicalWord('metformin')).toBe(true);
    expect(isMedicalWord('blepharophimosis')).toBe(true);
    expect(isKnownName('αγγελίδης')).toBe(true);
    expect(isKnownName('анастасия')).toBe(true);
    expect(isKnownName('dvořák') || isKnownName('nováková')).toBe(true);
    expect(isCountry('uruguay')).toBe(true);
  });
});
