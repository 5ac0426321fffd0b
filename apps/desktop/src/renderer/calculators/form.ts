import type { CalcSummaryDto, ProvenanceDto, RawInputDto } from '../../shared/calculators.js';

/** One field of the form as the person sees it: text as typed, the unit chosen, where it came from. */
export interface Field {
  readonly text: string;
  readonly unit: string;
  readonly provenance: ProvenanceDto;
}
export type Form = Readonly<Record<string, Field>>;

/** Every field empty, each number in its calculator's canonical unit. */
export function emptyForm(def: CalcSummaryDto): Form {
  return Object.fromEntries(
    def.inputs.map((i) => [i.name, { text: '', unit: i.units[0] ?? '', provenance: 'typed' }]),
  );
}

/** The form filled from a request read from words (calc.parse), keeping each input's provenance. */
export function formFrom(def: CalcSummaryDto, inputs: Readonly<Record<string, RawInputDto>>): Form {
  const form: Record<string, Field> = { ...emptyForm(def) };
  for (const [name, raw] of Object.entries(inputs)) {
    const field = form[name];
    if (!field) continue;
    const text = typeof raw.value === 'boolean' ? (raw.value ? 'yes' : 'no') : String(raw.value);
    form[name] = { text, unit: raw.unit ?? field.unit, provenance: raw.provenance };
  }
  return form;
}

/** A field the person changed is theirs: provenance typed. */
export function edit(form: Form, name: string, change: Partial<Omit<Field, 'provenance'>>): Form {
  const field = form[name];
  if (!field) return form;
  return { ...form, [name]: { ...field, ...change, provenance: 'typed' } };
}

/**
 * The inputs sent to the engine: filled fields only (an empty one is asked about there). Numbers
 * go as numbers with the unit chosen; text that is not a number goes as text, so the engine
 * answers with its coded error instead of the form guessing.
 */
export function toInputs(def: CalcSummaryDto, form: Form): Record<string, RawInputDto> {
  const out: Record<string, RawInputDto> = {};
  for (const input of def.inputs) {
    const field = form[input.name];
    const text = field?.text.trim() ?? '';
    if (!field || text === '') continue;
    const provenance = field.provenance;
    if (input.kind === 'boolean') out[input.name] = { value: text === 'yes', provenance };
    else if (input.kind === 'choice') out[input.name] = { value: text, provenance };
    else {
      const n = Number(text.replace(',', '.'));
      const value = Number.isFinite(n) ? n : text.slice(0, 64);
      out[input.name] = { value, provenance, ...(field.unit === '' ? {} : { unit: field.unit }) };
    }
  }
  return out;
}

/** Calculators whose name, id or category holds every word of the query. */
export function search(list: readonly CalcSummaryDto[], query: string): readonly CalcSummaryDto[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return list;
  return list.filter((c) => {
    const hay = `${c.name} ${c.id} ${c.category}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export const PROVENANCE_LABEL: Readonly<Record<ProvenanceDto, string>> = {
  typed: 'typed',
  spoken: 'spoken',
  conversation: 'from the conversation',
  llm: 'filled by the AI model',
  default: 'default',
};
