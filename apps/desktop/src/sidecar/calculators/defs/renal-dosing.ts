import { defineCalculator, type Source } from '../types.js';
import { Q } from '../units.js';
import { criterion } from './common.js';

interface DoseRow {
  /** The row holds CrCl at or above this (mL/min), or strictly above it when `above`. */
  readonly from: number;
  readonly above?: boolean;
  readonly text: string;
}

interface DrugEntry {
  readonly label: string;
  readonly indication: string;
  /** Descending by `from`; the first row whose `from` the CrCl reaches applies. */
  readonly rows: readonly DoseRow[];
  /** What the label says for patients on dialysis, when it says something different. */
  readonly dialysis?: string;
  readonly source: Source;
}

/**
 * Renal dose adjustment, transcribed from each drug's US prescribing information (and the AGS
 * Beers Criteria for nitrofurantoin). Each row keeps the label's wording of the dose; the CrCl is
 * Cockcroft-Gault unless the label says otherwise. Check the current label before prescribing.
 */
export const RENAL_DOSING = {
  dabigatran: {
    label: 'Dabigatran (Pradaxa)',
    indication: 'stroke prevention in non-valvular atrial fibrillation',
    rows: [
      { from: 30, above: true, text: '150 mg orally twice daily.' },
      { from: 15, text: '75 mg orally twice daily (CrCl 15–30 mL/min).' },
      { from: 0, text: 'CrCl below 15 mL/min: the label cannot give a dosing recommendation.' },
    ],
    dialysis: 'On dialysis: the label cannot give a dosing recommendation.',
    source: {
      citation:
        'Pradaxa (dabigatran etexilate) US prescribing information, Boehringer Ingelheim, revised 2023: section 2, dosage in renal impairment.',
      year: 2023,
    },
  },
  rivaroxaban: {
    label: 'Rivaroxaban (Xarelto)',
    indication: 'stroke prevention in non-valvular atrial fibrillation',
    rows: [
      { from: 50, above: true, text: '20 mg orally once daily with the evening meal.' },
      { from: 0, text: '15 mg orally once daily with the evening meal (CrCl 50 mL/min or less).' },
    ],
    source: {
      citation:
        'Xarelto (rivaroxaban) US prescribing information, Janssen, revised 2023: section 2.3, nonvalvular atrial fibrillation.',
      year: 2023,
    },
  },
  enoxaparin: {
    label: 'Enoxaparin (Lovenox)',
    indication: 'VTE prophylaxis and DVT/PE treatment',
    rows: [
      {
        from: 30,
        text: 'No renal adjustment: prophylaxis 40 mg SC once daily; treatment 1 mg/kg SC every 12 hours.',
      },
      {
        from: 0,
        text: 'CrCl below 30 mL/min: prophylaxis 30 mg SC once daily; treatment 1 mg/kg SC once daily.',
      },
    ],
    source: {
      citation:
        'Lovenox (enoxaparin sodium) US prescribing information, Sanofi, revised 2022: section 2.5, renal impairment.',
      year: 2022,
    },
  },
  gabapentin: {
    label: 'Gabapentin (Neurontin)',
    indication: 'adults (postherpetic neuralgia, epilepsy)',
    rows: [
      { from: 60, text: '900–3600 mg/day in three divided doses.' },
      { from: 30, text: '400–1400 mg/day in two divided doses (CrCl 30–59 mL/min).' },
      { from: 15, text: '200–700 mg/day once daily (CrCl 15–29 mL/min).' },
      { from: 0, text: '100–300 mg/day once daily (CrCl below 15 mL/min).' },
    ],
    dialysis:
      'On haemodialysis: dose by CrCl, plus a supplemental dose (125–350 mg) after each 4 hours of dialysis.',
    source: {
      citation:
        'Neurontin (gabapentin) US prescribing information, Pfizer, revised 2020: table 1, dosage based on renal function.',
      year: 2020,
    },
  },
  levetiracetam: {
    label: 'Levetiracetam (Keppra)',
    indication: 'adults with epilepsy (CrCl in mL/min/1.73 m²)',
    rows: [
      { from: 80, above: true, text: '500–1500 mg every 12 hours.' },
      { from: 50, text: '500–1000 mg every 12 hours (CrCl 50–80).' },
      { from: 30, text: '250–750 mg every 12 hours (CrCl 30–50).' },
      { from: 0, text: '250–500 mg every 12 hours (CrCl below 30).' },
    ],
    dialysis:
      'End-stage renal disease on dialysis: 500–1000 mg every 24 hours, with a 250–500 mg supplement after dialysis.',
    source: {
      citation:
        'Keppra (levetiracetam) US prescribing information, UCB, revised 2023: table, dosing adjustment for adults with renal impairment.',
      year: 2023,
    },
  },
  nitrofurantoin: {
    label: 'Nitrofurantoin',
    indication: 'urinary tract infection in older adults',
    rows: [
      { from: 30, text: 'No renal restriction in the Beers Criteria at CrCl 30 mL/min or above.' },
      { from: 0, text: 'Avoid: CrCl below 30 mL/min (AGS Beers Criteria 2023).' },
    ],
    source: {
      citation:
        '2023 American Geriatrics Society Beers Criteria Update Expert Panel. American Geriatrics Society 2023 updated AGS Beers Criteria for potentially inappropriate medication use in older adults. J Am Geriatr Soc. 2023;71:2052-2081 (kidney function table).',
      year: 2023,
    },
  },
} as const satisfies Record<string, DrugEntry>;

type Drug = keyof typeof RENAL_DOSING;

const DRUGS = Object.keys(RENAL_DOSING) as Drug[];

export function doseFor(drug: Drug, crcl: number, dialysis: boolean): string {
  const entry: DrugEntry = RENAL_DOSING[drug];
  const row =
    entry.rows.find((r) => (r.above === true ? crcl > r.from : crcl >= r.from)) ??
    entry.rows[entry.rows.length - 1];
  const text = dialysis && entry.dialysis !== undefined ? entry.dialysis : (row?.text ?? '');
  return `${entry.label}, ${entry.indication}: ${text}`;
}

export const renalDosing = defineCalculator({
  id: 'renal-dose',
  name: 'Renal dose adjustment (common drugs)',
  synonyms: [
    'renal dosing',
    'renal dose',
    'renal dose adjustment',
    'dose adjustment',
    'kidney dosing',
  ],
  category: 'renal',
  inputs: [
    {
      kind: 'choice',
      name: 'drug',
      label: 'Drug',
      question: `Which drug: ${DRUGS.join(', ')}?`,
      options: DRUGS.map((d) => ({
        value: d,
        label: RENAL_DOSING[d].label,
        spoken: [d, RENAL_DOSING[d].label.toLowerCase().replace(/[()]/g, '')],
      })),
    },
    {
      kind: 'number',
      name: 'crcl',
      label: 'Creatinine clearance',
      question: 'What is the creatinine clearance?',
      quantity: Q.clearance,
      range: [0, 250],
      spoken: ['crcl', 'creatinine clearance', 'clearance'],
    },
    {
      ...criterion('dialysis', 'On dialysis', ['dialysis', 'on dialysis', 'hemodialysis']),
      optional: true,
    },
  ],
  output: { label: 'Creatinine clearance used', unit: 'mL/min', decimals: 0 },
  requires: ({ crcl }) => (crcl !== undefined && crcl < 15 ? ['dialysis'] : []),
  compute: ({ crcl }) => crcl,
  interpret: (_value, { drug, crcl, dialysis }) => doseFor(drug, crcl, dialysis === true),
  sourceFor: ({ drug }) => RENAL_DOSING[drug].source,
  source: {
    citation:
      'US prescribing information renal dosing tables (Pradaxa 2023, Xarelto 2023, Lovenox 2022, Neurontin 2020, Keppra 2023) and AGS Beers Criteria 2023 (nitrofurantoin).',
    year: 2023,
  },
  notes:
    'Estimate CrCl with Cockcroft-Gault (crcl-cockcroft-gault) first. Check the current label before prescribing.',
});

export const RENAL_DOSING_CALCULATORS = [renalDosing] as const;
