import type { CalcResult } from './engine.js';
import { getCalculator } from './registry.js';

/**
 * What the assistant says for a result: the value with its unit in words, the interpretation,
 * any unit it assumed or default it used (so a wrong guess is heard), and a short source.
 */

const UNIT_WORDS: Readonly<Record<string, string>> = {
  'mL/min/1.73 m²': 'millilitres per minute per 1.73 square metres',
  'mL/min': 'millilitres per minute',
  'kg/m²': 'kilograms per square metre',
  'm²': 'square metres',
  kg: 'kilograms',
  L: 'litres',
  ms: 'milliseconds',
  mmHg: 'millimetres of mercury',
  'mmol/L': 'millimoles per litre',
  'mg/dL': 'milligrams per decilitre',
  'µmol/L': 'micromoles per litre',
  'g/dL': 'grams per decilitre',
  'g/L': 'grams per litre',
  lb: 'pounds',
  in: 'inches',
  cm: 'centimetres',
  '°F': 'degrees Fahrenheit',
  '°C': 'degrees Celsius',
  '%': 'percent',
  criteria: 'criteria',
};

export function unitInWords(unit: string, value: string): string {
  if (unit === 'points') return value === '1' || value === '-1' ? 'point' : 'points';
  return UNIT_WORDS[unit] ?? unit;
}

/** "Inker and colleagues, 2021" from a Vancouver-style citation; an organisation by its name. */
export function shortSource(citation: string, year: number): string {
  const authors = citation.split('. ')[0] ?? citation;
  const people = authors.split(', ');
  const first = people[0] ?? authors;
  // "Surname INITIALS" (surnames may have spaces: "Du Bois D"); anything else is an organisation.
  const personal = /^\p{Lu}[\p{L}'’ -]{1,40} \p{Lu}{1,4}$/u.test(first);
  if (!personal) return `${authors.length > 80 ? `${authors.slice(0, 77)}…` : authors}, ${year}`;
  const surname = first.replace(/ [A-Z]{1,4}$/, '');
  return people.length > 1 ? `${surname} and colleagues, ${year}` : `${surname}, ${year}`;
}

export function toSpeech(result: CalcResult): string {
  const def = getCalculator(result.calculatorId);
  const label = (def?.output.label ?? result.name).normalize('NFKC');
  const parts = [`${label} is ${result.display} ${unitInWords(result.unit, result.display)}.`];
  if (result.interpretation) parts.push(result.interpretation.normalize('NFKC'));
  const assumed = result.inputs.filter(
    (i) => i.unitAssumed && i.given && i.unit !== 'years' && i.unit !== '',
  );
  for (const i of assumed)
    parts.push(
      `${i.label} taken as ${String(i.given?.value)} ${unitInWords(i.given?.unit ?? '', '')}.`,
    );
  const defaults = result.inputs.filter(
    (i) => i.provenance === 'default' && typeof i.value === 'string',
  );
  for (const i of defaults) {
    const input = def?.inputs.find((d) => d.name === i.name);
    const option =
      input?.kind === 'choice' ? input.options.find((o) => o.value === i.value) : undefined;
    parts.push(`Using ${option?.label ?? String(i.value)}.`);
  }
  parts.push(`Source: ${shortSource(result.source.citation, result.source.year)}.`);
  return parts.join(' ');
}
