import { CALCULATORS, getCalculator } from './registry.js';
import type { CalculatorDef } from './types.js';

/** Lower case, subscripts as digits, apostrophes dropped, every other non-alphanumeric a space. */
export function normalizeName(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Names that stand for several calculators: the person is asked which one. */
const FAMILIES: readonly {
  readonly phrase: string;
  readonly ids: readonly string[];
  readonly question: string;
}[] = [
  {
    phrase: 'wells',
    ids: ['wells-pe', 'wells-dvt'],
    question: "Wells' score for pulmonary embolism or for DVT?",
  },
  {
    phrase: 'meld',
    ids: ['meld-3', 'meld-na', 'meld'],
    question: 'Which MELD: MELD 3.0, MELD-Na, or the original MELD?',
  },
  {
    phrase: 'meld score',
    ids: ['meld-3', 'meld-na', 'meld'],
    question: 'Which MELD: MELD 3.0, MELD-Na, or the original MELD?',
  },
];

/**
 * A more specific calculator named alongside a general one wins: "eGFR with cystatin C" is the
 * creatinine–cystatin equation, not plain eGFR plus a stray word.
 */
const REFINES: Readonly<Record<string, readonly string[]>> = {
  'egfr-ckd-epi-2021-cr-cys': ['egfr-ckd-epi-2021'],
  'egfr-ckd-epi-2009': ['egfr-ckd-epi-2021'],
  'egfr-mdrd-186': ['egfr-mdrd'],
};

export type CalculatorMatch =
  | {
      readonly kind: 'one';
      readonly id: string;
      /** Where the name was found in the normalised text (to keep its digits out of the inputs). */
      readonly phrase: string;
    }
  | {
      readonly kind: 'ambiguous';
      readonly ids: readonly string[];
      readonly question: string;
      readonly phrase: string;
    }
  | { readonly kind: 'none' };

interface Hit {
  readonly id: string;
  readonly phrase: string;
  readonly start: number;
  readonly end: number;
}

function hitsIn(text: string, phrase: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const padded = ` ${text} `;
  let from = 0;
  for (;;) {
    const at = padded.indexOf(` ${phrase} `, from);
    if (at < 0) return out;
    out.push({ start: at, end: at + phrase.length });
    from = at + 1;
  }
}

const PHRASES: readonly { readonly id: string; readonly phrase: string }[] = CALCULATORS.flatMap(
  (c: CalculatorDef) =>
    [...new Set([c.name, ...c.synonyms].map(normalizeName))].map((phrase) => ({
      id: c.id,
      phrase,
    })),
);

/** What each calculator's inputs are called ("creatinine clearance" is an input of renal dosing). */
const INPUT_PHRASES: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  CALCULATORS.map((c) => [
    c.id,
    new Set(
      c.inputs
        .flatMap((i) => [
          ...(i.spoken ?? []),
          ...(i.kind === 'choice' ? i.options.flatMap((o) => o.spoken ?? []) : []),
        ])
        .map(normalizeName),
    ),
  ]),
);

/**
 * Finds which calculator a request names. The longest name wins where names overlap
 * ("ckd epi cystatin" over "ckd epi"); a family name alone ("wells") is a question.
 */
export function matchCalculator(text: string): CalculatorMatch {
  const t = normalizeName(text);
  const hits: Hit[] = PHRASES.flatMap(({ id, phrase }) =>
    hitsIn(t, phrase).map((h) => ({ id, phrase, ...h })),
  );
  const covered = (h: Hit): boolean =>
    hits.some(
      (o) => o !== h && o.start <= h.start && o.end >= h.end && o.end - o.start > h.end - h.start,
    );
  const kept = hits.filter((h) => !covered(h));
  const found = [...new Set(kept.map((h) => h.id))];
  // "Renal dosing … creatinine clearance 25": the second name is an input of the first.
  const asInput = (id: string): boolean =>
    kept
      .filter((h) => h.id === id)
      .every((h) => found.some((o) => o !== id && INPUT_PHRASES.get(o)?.has(h.phrase) === true));
  const named = found.length > 1 ? found.filter((id) => !asInput(id)) : found;
  const ids = named.filter((id) => !named.some((o) => REFINES[o]?.includes(id) === true));
  const [only] = ids;
  if (ids.length === 1 && only !== undefined) {
    const longest = kept
      .filter((h) => h.id === only)
      .sort((a, b) => b.phrase.length - a.phrase.length)[0];
    return { kind: 'one', id: only, phrase: longest?.phrase ?? '' };
  }
  if (ids.length > 1)
    return {
      kind: 'ambiguous',
      ids,
      question: `Which calculator: ${ids.map((id) => getCalculator(id)?.name ?? id).join(', or ')}?`,
      phrase: kept[0]?.phrase ?? '',
    };
  for (const f of [...FAMILIES].sort((a, b) => b.phrase.length - a.phrase.length))
    if (hitsIn(t, f.phrase).length > 0)
      return { kind: 'ambiguous', ids: f.ids, question: f.question, phrase: f.phrase };
  return { kind: 'none' };
}

/** Looks a calculator up by id, or failing that by a name or synonym (exact after normalising). */
export function findCalculator(idOrName: string): CalculatorDef | undefined {
  const byId = getCalculator(idOrName);
  if (byId) return byId;
  const n = normalizeName(idOrName);
  const owner = PHRASES.find((p) => p.phrase === n);
  return owner ? getCalculator(owner.id) : undefined;
}
