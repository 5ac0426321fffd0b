/**
 * The derived word lists (resources/lexicon.json, built by scripts/build-lexicon.ts from SCOWL,
 * the Hunspell medical dictionary, SUBTLEX-US, @faker-js/faker and compromise; licences in
 * resources/LICENSES.md). Loaded from the package, never fetched.
 */
import data from '../resources/lexicon.json' with { type: 'json' };
import { PackedWordSet } from './word-set.js';

export type ListName =
  | 'english'
  | 'proper'
  | 'medical'
  | 'common'
  | 'firstNames'
  | 'lastNames'
  | 'cities'
  | 'countries'
  | 'usStates'
  | 'streetSuffixes'
  | 'demonyms'
  | 'verbish';

/** Front-coded list: each line is one character (48 + shared prefix length), then the rest. */
export function decodeList(encoded: string): string[] {
  const out: string[] = [];
  let prev = '';
  let from = 0;
  while (from < encoded.length) {
    let to = encoded.indexOf('\n', from);
    if (to === -1) to = encoded.length;
    const shared = encoded.charCodeAt(from) - 48;
    prev = prev.slice(0, shared) + encoded.slice(from + 1, to);
    out.push(prev);
    from = to + 1;
  }
  return out;
}

const lists = (data as { lists: Record<ListName, string> }).lists;

/** A small list as a `Set` (the ones other structures are derived from). */
export function loadSet(name: ListName): Set<string> {
  return new Set(decodeList(lists[name]));
}

/** A large list, packed (word-set.ts): a few bytes per word instead of a string and a hash entry. */
export function loadPacked(name: ListName): PackedWordSet {
  return PackedWordSet.fromFrontCoded(lists[name]);
}
