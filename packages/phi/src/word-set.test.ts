import { describe, expect, it } from 'vitest';
import data from '../resources/lexicon.json' with { type: 'json' };
import { decodeList, type ListName } from './lexicon-data.js';
import { PackedWordSet } from './word-set.js';

const lists = (data as { lists: Record<ListName, string> }).lists;

function frontCode(words: readonly string[]): string {
  let prev = '';
  return words
    .map((w) => {
      let p = 0;
      while (p < Math.min(prev.length, w.length, 40) && prev[p] === w[p]) p++;
      prev = w;
      return String.fromCharCode(48 + p) + w.slice(p);
    })
    .join('\n');
}

describe('PackedWordSet', () => {
  it('answers exactly as a Set of the same words, for every shipped list', () => {
    for (const name of Object.keys(lists) as ListName[]) {
      const words = decodeList(lists[name]);
      const set = new Set(words);
      const packed = PackedWordSet.fromFrontCoded(lists[name]);
      expect(packed.size, name).toBe(set.size);
      const mismatches: string[] = [];
      let i = 0;
      for (const w of packed) if (w !== words[i++]) mismatches.push(`#${i - 1} "${w}"`);
      for (const w of words) if (!packed.has(w)) mismatches.push(`"${w}" missing`);
      // Near misses: a unit fewer, more or changed, another case, the empty word.
      for (const w of words.slice(0, 3_000))
        for (const probe of [
          w.slice(0, -1),
          `${w}a`,
          `${w}\uffff`,
          `${w.slice(0, -1)}${String.fromCharCode((w.charCodeAt(w.length - 1) + 1) & 0xffff)}`,
          w.toUpperCase(),
          '',
        ])
          if (packed.has(probe) !== set.has(probe)) mismatches.push(`"${probe}" answered wrongly`);
      expect(mismatches.slice(0, 10), name).toEqual([]);
    }
  });

  it('packs words of any script, including ones past Latin-1 and surrogate pairs', () => {
    const words = ['abc', 'abd', 'ax', 'zoë', 'Ωmega', 'ωμέγα', '𝒜lpha', 'ｚ'].sort();
    const packed = PackedWordSet.fromFrontCoded(frontCode(words));
    expect([...packed]).toEqual(words);
    for (const w of words) expect(packed.has(w)).toBe(true);
    for (const w of ['ab', 'abcd', 'zoe', 'ωμεγα', '𝒜', '']) expect(packed.has(w)).toBe(false);
  });

  it('finds words that share more than the encoded 40-unit prefix', () => {
    const long = 'x'.repeat(50);
    const words = [`${long}a`, `${long}b`, `${long}ba`];
    const packed = PackedWordSet.fromFrontCoded(frontCode(words));
    for (const w of words) expect(packed.has(w)).toBe(true);
    expect(packed.has(`${long}c`)).toBe(false);
  });

  it('is empty for an empty list', () => {
    const packed = PackedWordSet.fromFrontCoded('');
    expect(packed.size).toBe(0);
    expect(packed.has('')).toBe(false);
    expect(packed.has('a')).toBe(false);
  });

  it('refuses a list out of order or with duplicates (binary search would miss words)', () => {
    expect(() => PackedWordSet.fromFrontCoded('0b\n0a')).toThrow(/out of order/);
    expect(() => PackedWordSet.fromFrontCoded('0ab\n2')).toThrow(/out of order/);
    expect(() => PackedWordSet.fromFrontCoded('0ab\n1')).toThrow(/out of order/);
    expect(() => PackedWordSet.fromFrontCoded('0a\n5b')).toThrow(/prefix length/);
  });
});
