import type { RawInput } from './engine.js';
import type { BooleanInput, CalculatorDef, ChoiceInput, NumberInput, Provenance } from './types.js';
import { normalizeUnit, type Quantity } from './units.js';
import { wordsToDigits } from './spoken-numbers.js';

/**
 * Pulls a calculator's inputs out of an utterance, locally and without a model: named numbers
 * ("creatinine 1.4", "weight 72 kg"), age and sex ("67-year-old woman", "67F"), blood pressure
 * ("150/85"), height in feet and inches, criteria with negation ("no diabetes"), and options.
 * It only finds values; the engine decides whether they are enough, in range and unambiguous.
 */

export interface ExtractedInput extends RawInput {
  /** The words the value came from, for showing its provenance. */
  readonly evidence: string;
}

export interface Extraction {
  readonly inputs: Readonly<Record<string, ExtractedInput>>;
  /** Inputs heard with two different values: asked about, never guessed. */
  readonly conflicts: readonly { readonly input: string; readonly heard: readonly string[] }[];
}

const NUM = String.raw`(-?\d+(?:\.\d+)?)`;
const FILLER = String.raw`(?:\s*(?:is|was|of|at|=|:|about|around|approximately|~|level|value)(?![a-z]))*\s*`;
const NEGATORS = /\b(?:no|not|without|denies|denied|negative for|absent|free of|never|nor|non)\b/;
/** Where a negation stops: punctuation or a word that starts a new, positive statement. */
const CLAUSE_BREAK = /[,.;]|\b(?:but|however|although|has|have|had|with(?!out))\b/g;

/** `masked` is the text with phrases that carry their own negation ("no cough") blanked. */
function negatedBefore(masked: string, start: number): boolean {
  const before = masked.slice(Math.max(0, start - 60), start);
  let cut = 0;
  for (const m of before.matchAll(CLAUSE_BREAK)) cut = m.index + m[0].length;
  return NEGATORS.test(before.slice(cut));
}

const SELF_NEGATED = /^(?:no|not|without|absent)\b/;
const NEGATED_AFTER =
  /^\s*(?:is |are |was )?(?:absent|negative|not present|less likely|unlikely|not likely|(?:none|no)(?=\s*(?:[,.;]|$)))/;
const REST_NEGATIVE =
  /\b(?:no other (?:criteria|risk factors|findings|features)|nothing else|otherwise (?:negative|none)|none of the others|all other criteria (?:are )?(?:negative|absent)|rest (?:are )?negative)\b/;

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function phrasesOf(input: {
  readonly label: string;
  readonly spoken?: readonly string[];
}): string[] {
  return [...(input.spoken ?? [])].map(wordsToDigits).sort((a, b) => b.length - a.length);
}

/** Unit spellings a quantity accepts, longest first, as one alternation (without the empty unit). */
function unitPattern(q: Quantity): string {
  const aliases = new Set<string>();
  for (const u of q.units) {
    if (u.symbol !== '') aliases.add(u.symbol.toLowerCase());
    for (const a of u.aliases) if (a !== '') aliases.add(a);
  }
  // Spoken forms of the common units that the normalised aliases do not spell.
  const extra: Record<string, string[]> = {
    creatinine: [
      'milligrams per deciliter',
      'micromoles per liter',
      'micromol per liter',
      'umol',
      'micromoles',
    ],
    mass: ['kilograms', 'kilos', 'pounds'],
    length: ['centimeters', 'centimetres', 'inches', 'feet'],
    temperature: ['degrees fahrenheit', 'degrees celsius', 'degrees f', 'degrees c', '° f', '° c'],
  };
  for (const e of extra[q.id] ?? []) aliases.add(e);
  return [...aliases]
    .sort((a, b) => b.length - a.length)
    .map((a) => escape(a).replace(/\\\//g, '\\s*/\\s*'))
    .join('|');
}

interface Found {
  readonly input: string;
  readonly value: number | boolean | string;
  readonly unit?: string;
  readonly evidence: string;
  readonly start: number;
  readonly end: number;
}

class Collector {
  readonly found: Found[] = [];
  /** Spans already used, so one number never fills two inputs. */
  private readonly used: [number, number][] = [];

  isFree(start: number, end: number): boolean {
    return !this.used.some(([s, e]) => start < e && end > s);
  }

  add(f: Found): void {
    this.found.push(f);
    this.used.push([f.start, f.end]);
  }

  /** Marks words as read without giving any input a value. */
  skip(start: number, end: number): void {
    this.used.push([start, end]);
  }
}

function extractNumbers(def: CalculatorDef, text: string, out: Collector): void {
  const numbers = def.inputs.filter((i): i is NumberInput => i.kind === 'number');
  // Longest phrases first across all inputs, so "systolic blood pressure" beats "pressure".
  const entries = numbers
    .flatMap((input) => phrasesOf(input).map((phrase) => ({ input, phrase })))
    .sort((a, b) => b.phrase.length - a.phrase.length);
  for (const { input, phrase } of entries) {
    const units = unitPattern(input.quantity);
    // A number followed by "years old" is an age, whatever word came before it.
    const notAge = input.name === 'age' ? '' : String.raw`(?![\s-]*(?:years?|yrs?|y)[\s-]*old)`;
    const re = new RegExp(
      String.raw`(?<![a-z0-9])${escape(phrase)}(?![a-z])${FILLER}${NUM}${notAge}(?:\s*(${units})(?![a-z]))?`,
      'g',
    );
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!out.isFree(start, end)) continue;
      const value = Number(m[1]);
      const unit = m[2];
      out.add({
        input: input.name,
        value,
        ...(unit === undefined ? {} : { unit: canonicalUnitText(input.quantity, unit) }),
        evidence: m[0],
        start,
        end,
      });
    }
  }
}

/** Maps a spoken unit ("kilos", "micromoles per liter") to one the quantity's table accepts. */
function canonicalUnitText(q: Quantity, unit: string): string {
  const n = normalizeUnit(unit);
  for (const u of q.units)
    if (u.aliases.includes(n) || normalizeUnit(u.symbol) === n) return u.symbol;
  const starts = (...prefixes: string[]): boolean => prefixes.some((p) => n.startsWith(p));
  if (starts('micromol', 'umol')) return 'µmol/L';
  if (starts('milligram')) return 'mg/dL';
  if (starts('kilo')) return 'kg';
  if (starts('pound')) return 'lb';
  if (starts('centimet')) return 'cm';
  if (starts('inch')) return 'in';
  if (starts('feet', 'foot')) return 'ft';
  if (/fahrenheit|degreesf|°f/.test(n)) return '°F';
  if (/celsius|degreesc|°c/.test(n)) return '°C';
  return unit;
}

function extractAgeSex(def: CalculatorDef, text: string, out: Collector): void {
  const hasAge = def.inputs.some((i) => i.name === 'age');
  const sex = def.inputs.find((i): i is ChoiceInput => i.name === 'sex' && i.kind === 'choice');
  if (hasAge) {
    const patterns: [RegExp, string | undefined][] = [
      [/(\d+(?:\.\d+)?)[\s-]*(?:years?|yrs?|y)[\s-]*old\b/g, 'years'],
      [/(\d+(?:\.\d+)?)[\s-]*(?:months?|mos?)[\s-]*old\b/g, 'months'],
      [/(\d+(?:\.\d+)?)\s*(?:yo|y\/o|y\.o\.)(?![a-z])/g, 'years'],
      [/\b(?:aged?|age of)\s*(?:is|:)?\s*(\d+(?:\.\d+)?)(?!\s*(?:kg|cm|lb|mg|%))/g, undefined],
      [/\b(\d{1,3})\s*(?=[mf]\b)/g, 'years'],
    ];
    for (const [re, unit] of patterns)
      for (const m of text.matchAll(re)) {
        const start = m.index;
        const end = start + m[0].length;
        if (!out.isFree(start, end)) continue;
        out.add({
          input: 'age',
          value: Number(m[1]),
          ...(unit ? { unit } : {}),
          evidence: m[0],
          start,
          end,
        });
      }
  }
  if (sex) {
    const female = /\b(?:female|woman|women|lady|girl|\d{1,3}\s*f)\b/.exec(text);
    const male = /\b(?:male|man|men|gentleman|boy|\d{1,3}\s*m)\b/.exec(text);
    const pronounF = /\b(?:she|her)\b/.exec(text);
    const pronounM = /\b(?:he|his|him)\b/.exec(text);
    const pick = (m: RegExpExecArray, value: string): void =>
      out.add({ input: 'sex', value, evidence: m[0], start: m.index, end: m.index + m[0].length });
    if (female) pick(female, 'female');
    if (male) pick(male, 'male');
    if (!female && !male) {
      if (pronounF && !pronounM) pick(pronounF, 'female');
      else if (pronounM && !pronounF) pick(pronounM, 'male');
    }
  }
}

function extractBloodPressureAndHeight(def: CalculatorDef, text: string, out: Collector): void {
  const names = new Set(def.inputs.map((i) => i.name));
  if (names.has('systolic_bp') && names.has('diastolic_bp'))
    for (const m of text.matchAll(
      /\b(?:bp|blood pressure|pressure)?\s*(?:is|of|was)?\s*(\d{2,3})\s*(?:\/|over)\s*(\d{2,3})(?!\s*(?:mg|mmol|umol))/g,
    )) {
      const start = m.index;
      const end = start + m[0].length;
      if (!out.isFree(start, end)) continue;
      out.add({
        input: 'systolic_bp',
        value: Number(m[1]),
        unit: 'mmHg',
        evidence: m[0],
        start,
        end,
      });
      out.found.push({
        input: 'diastolic_bp',
        value: Number(m[2]),
        unit: 'mmHg',
        evidence: m[0],
        start,
        end,
      });
    }
  if (names.has('fio2'))
    for (const m of text.matchAll(/\b(?:on )?room air\b/g))
      if (out.isFree(m.index, m.index + m[0].length))
        out.add({
          input: 'fio2',
          value: 0.21,
          evidence: m[0],
          start: m.index,
          end: m.index + m[0].length,
        });
  if (names.has('height'))
    for (const m of text.matchAll(
      /\b(\d)\s*(?:'|ft|foot|feet)\s*(\d{1,2})\s*(?:"|''|in\b|inch(?:es)?\b)?/g,
    )) {
      const start = m.index;
      const end = start + m[0].length;
      if (!out.isFree(start, end)) continue;
      out.add({
        input: 'height',
        value: Number(m[1]) * 12 + Number(m[2]),
        unit: 'in',
        evidence: m[0],
        start,
        end,
      });
    }
}

/** "72 kg" with no name: fills the one number input of that quantity still empty. */
function extractByUnit(def: CalculatorDef, text: string, out: Collector): void {
  const numbers = def.inputs.filter((i): i is NumberInput => i.kind === 'number');
  const byQuantity = new Map<string, NumberInput[]>();
  for (const i of numbers)
    byQuantity.set(i.quantity.id, [...(byQuantity.get(i.quantity.id) ?? []), i]);
  for (const [, inputs] of byQuantity) {
    const empty = inputs.filter((i) => !out.found.some((f) => f.input === i.name));
    const [only] = empty;
    if (empty.length !== 1 || !only) continue;
    const q = only.quantity;
    if (q.units.every((u) => u.symbol === '' || u.symbol === '%')) continue; // a bare count names nothing
    const re = new RegExp(String.raw`(?<![\d.])${NUM}\s*(${unitPattern(q)})(?![a-z])`, 'g');
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!out.isFree(start, end)) continue;
      out.add({
        input: only.name,
        value: Number(m[1]),
        unit: canonicalUnitText(q, m[2] ?? ''),
        evidence: m[0],
        start,
        end,
      });
    }
  }
}

function extractBooleans(def: CalculatorDef, text: string, out: Collector): void {
  const booleans = def.inputs.filter((i): i is BooleanInput => i.kind === 'boolean');
  const entries = booleans
    .flatMap((input) =>
      phrasesOf(input).map((p) => ({
        input,
        phrase: p.replace(/^[!~]/, ''),
        // "!cough": hearing it means the criterion is false; "~stroke risk": words to skip.
        means: p.startsWith('~') ? undefined : !p.startsWith('!'),
      })),
    )
    .sort((a, b) => b.phrase.length - a.phrase.length);
  const phraseRe = (phrase: string): RegExp =>
    new RegExp(String.raw`(?<![a-z0-9])${escape(phrase)}(?![a-z0-9])`, 'g');
  // A phrase that negates itself ("no cough") must not negate the criteria after it.
  let masked = text;
  for (const { phrase } of entries)
    if (SELF_NEGATED.test(phrase))
      masked = masked.replace(phraseRe(phrase), (m) => ' '.repeat(m.length));
  for (const { input, phrase, means } of entries) {
    for (const m of text.matchAll(phraseRe(phrase))) {
      const start = m.index;
      const end = start + m[0].length;
      if (!out.isFree(start, end)) continue;
      if (means === undefined) {
        out.skip(start, end);
        continue;
      }
      const negated = negatedBefore(masked, start) && !SELF_NEGATED.test(phrase);
      const after = NEGATED_AFTER.test(text.slice(end, end + 20));
      out.add({
        input: input.name,
        value: negated || after ? !means : means,
        evidence: m[0],
        start,
        end,
      });
    }
  }
  const rest = REST_NEGATIVE.exec(text);
  if (rest)
    for (const b of booleans)
      if (!out.found.some((f) => f.input === b.name))
        out.found.push({
          input: b.name,
          value: false,
          evidence: rest[0],
          start: rest.index,
          end: rest.index + rest[0].length,
        });
}

function extractChoices(def: CalculatorDef, text: string, out: Collector): void {
  // Longest phrase first across every choice, so "troponin normal" is not read as "normal" ECG.
  // Only the spoken phrases count: option labels ("none", "normal") are too generic to hear.
  const entries = def.inputs
    .filter((i): i is ChoiceInput => i.kind === 'choice' && i.name !== 'sex')
    .flatMap((input) =>
      input.options.flatMap((o) =>
        (o.spoken ?? []).map((p) => ({ input, o, p: wordsToDigits(p) })),
      ),
    )
    .sort((a, b) => b.p.length - a.p.length);
  for (const { input, o, p } of entries) {
    const re = new RegExp(String.raw`(?<![a-z0-9])${escape(p)}(?![a-z0-9])`, 'g');
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!out.isFree(start, end)) continue;
      out.add({ input: input.name, value: o.value, evidence: m[0], start, end });
    }
  }
}

/**
 * Extracts the inputs of `def` from `utterance`. `skip` is the calculator's name as found in the
 * text (normalised); its digits, as in "ABCD2" or "MELD 3.0", are not inputs.
 */
export function extractInputs(
  def: CalculatorDef,
  utterance: string,
  provenance: Provenance,
  skip?: string,
): Extraction {
  let text = wordsToDigits(utterance.normalize('NFKC')).toLowerCase().replace(/[–—]/g, '-');
  // Only a name with digits in it ("abcd2", "meld 3 0", "curb 65") could be misread as an input.
  if (skip !== undefined && /\d/.test(skip)) {
    const re = new RegExp(
      skip
        .split(' ')
        .map(escape)
        .join(String.raw`[^a-z0-9]*`),
      'i',
    );
    text = text.replace(re, (s) => ' '.repeat(s.length));
  }
  const out = new Collector();
  extractBloodPressureAndHeight(def, text, out);
  // Options first: "ideal body weight" is a choice, not the weight.
  extractChoices(def, text, out);
  extractNumbers(def, text, out);
  extractAgeSex(def, text, out);
  extractByUnit(def, text, out);
  extractBooleans(def, text, out);

  const inputs: Record<string, ExtractedInput> = {};
  const conflicts: { input: string; heard: string[] }[] = [];
  for (const f of out.found) {
    const prior = inputs[f.input];
    const same = prior?.value === f.value && (prior.unit ?? '') === (f.unit ?? '');
    if (prior && !same) {
      const c = conflicts.find((x) => x.input === f.input);
      if (c) c.heard.push(f.evidence.trim());
      else conflicts.push({ input: f.input, heard: [prior.evidence.trim(), f.evidence.trim()] });
      continue;
    }
    if (!prior)
      inputs[f.input] = {
        value: f.value,
        ...(f.unit === undefined ? {} : { unit: f.unit }),
        provenance,
        evidence: f.evidence.trim(),
      };
  }
  return { inputs, conflicts };
}
