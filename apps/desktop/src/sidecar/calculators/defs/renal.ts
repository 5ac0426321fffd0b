import { defineCalculator } from '../types.js';
import { Q } from '../units.js';
import {
  adjustedBw,
  age,
  CREATININE,
  criterion,
  devineIbw,
  HEIGHT,
  KDIGO_2012,
  KDIGO_GFR_BANDS,
  SEX,
  WEIGHT,
} from './common.js';

const ADULT = age([18, 120]);
const EGFR_OUT = { label: 'eGFR', unit: 'mL/min/1.73 m²', decimals: 0 } as const;

const INKER_2021 = {
  citation:
    'Inker LA, Eneanya ND, Coresh J, et al. New creatinine- and cystatin C-based equations to estimate GFR without race. N Engl J Med. 2021;385:1737-1749.',
  year: 2021,
  doi: '10.1056/NEJMoa2102953',
} as const;

const CYSTATIN_C = {
  kind: 'number',
  name: 'cystatin_c',
  label: 'Serum cystatin C',
  question: 'What is the serum cystatin C?',
  quantity: Q.cystatinC,
  range: [0.2, 10],
  spoken: ['cystatin c', 'cystatin', 'cys c', 'cysc'],
} as const;

const BLACK = criterion('black', 'Black race (coefficient of this superseded equation)', [
  'black',
  'african american',
  'black or african american',
]);

export const ckdEpi2021 = defineCalculator({
  id: 'egfr-ckd-epi-2021',
  name: 'eGFR, CKD-EPI 2021 (creatinine)',
  synonyms: [
    'ckd epi',
    'ckd epi 2021',
    'ckdepi',
    'egfr',
    'gfr',
    'estimated gfr',
    'glomerular filtration rate',
    'ckd epi creatinine',
  ],
  category: 'renal',
  inputs: [ADULT, SEX, CREATININE],
  output: EGFR_OUT,
  compute({ age: years, sex, creatinine }) {
    const female = sex === 'female';
    const k = female ? 0.7 : 0.9;
    const a = female ? -0.241 : -0.302;
    const r = creatinine / k;
    return (
      142 * Math.min(r, 1) ** a * Math.max(r, 1) ** -1.2 * 0.9938 ** years * (female ? 1.012 : 1)
    );
  },
  bands: KDIGO_GFR_BANDS,
  source: INKER_2021,
  seeAlso: [KDIGO_2012],
  notes: 'IDMS-traceable creatinine; adults only. Race-free.',
});

export const ckdEpi2021CrCys = defineCalculator({
  id: 'egfr-ckd-epi-2021-cr-cys',
  name: 'eGFR, CKD-EPI 2021 (creatinine and cystatin C)',
  synonyms: [
    'ckd epi cystatin',
    'ckd epi creatinine cystatin',
    'ckd epi cr cys',
    'egfr cystatin',
    'gfr cystatin',
    'creatinine cystatin c',
    'egfrcr cys',
    'cystatin c',
    'cystatin',
  ],
  category: 'renal',
  inputs: [ADULT, SEX, CREATININE, CYSTATIN_C],
  output: EGFR_OUT,
  compute({ age: years, sex, creatinine, cystatin_c: cys }) {
    const female = sex === 'female';
    const k = female ? 0.7 : 0.9;
    const a = female ? -0.219 : -0.144;
    const r = creatinine / k;
    const c = cys / 0.8;
    return (
      135 *
      Math.min(r, 1) ** a *
      Math.max(r, 1) ** -0.544 *
      Math.min(c, 1) ** -0.323 *
      Math.max(c, 1) ** -0.778 *
      0.9961 ** years *
      (female ? 0.963 : 1)
    );
  },
  bands: KDIGO_GFR_BANDS,
  source: INKER_2021,
  seeAlso: [KDIGO_2012],
});

export const ckdEpi2009 = defineCalculator({
  id: 'egfr-ckd-epi-2009',
  name: 'eGFR, CKD-EPI 2009 (creatinine, with race coefficient)',
  synonyms: ['ckd epi 2009', 'old ckd epi', '2009 ckd epi'],
  category: 'renal',
  inputs: [ADULT, SEX, CREATININE, BLACK],
  output: EGFR_OUT,
  compute({ age: years, sex, creatinine, black }) {
    const female = sex === 'female';
    const k = female ? 0.7 : 0.9;
    const a = female ? -0.329 : -0.411;
    const r = creatinine / k;
    return (
      141 *
      Math.min(r, 1) ** a *
      Math.max(r, 1) ** -1.209 *
      0.993 ** years *
      (female ? 1.018 : 1) *
      (black ? 1.159 : 1)
    );
  },
  bands: KDIGO_GFR_BANDS,
  source: {
    citation:
      'Levey AS, Stevens LA, Schmid CH, et al. A new equation to estimate glomerular filtration rate. Ann Intern Med. 2009;150:604-612.',
    year: 2009,
    doi: '10.7326/0003-4819-150-9-200905050-00006',
  },
  notes: 'Superseded by the race-free CKD-EPI 2021 equation; kept to reproduce older reports.',
});

function mdrd(
  id: string,
  name: string,
  coefficient: number,
  synonyms: readonly string[],
  source: { citation: string; year: number; doi?: string },
) {
  return defineCalculator({
    id,
    name,
    synonyms,
    category: 'renal',
    inputs: [ADULT, SEX, CREATININE, BLACK],
    output: { ...EGFR_OUT, decimals: 1 },
    compute({ age: years, sex, creatinine, black }) {
      return (
        coefficient *
        creatinine ** -1.154 *
        years ** -0.203 *
        (sex === 'female' ? 0.742 : 1) *
        (black ? 1.212 : 1)
      );
    },
    bands: KDIGO_GFR_BANDS,
    source,
    seeAlso: [KDIGO_2012],
  });
}

export const mdrd175 = mdrd(
  'egfr-mdrd',
  'eGFR, MDRD 4-variable (IDMS-traceable, 175)',
  175,
  ['mdrd', 'mdrd gfr', 'mdrd equation', 'mdrd egfr', 'modification of diet in renal disease'],
  {
    citation:
      'Levey AS, Coresh J, Greene T, et al. Using standardized serum creatinine values in the Modification of Diet in Renal Disease study equation for estimating glomerular filtration rate. Ann Intern Med. 2006;145:247-254.',
    year: 2006,
    doi: '10.7326/0003-4819-145-4-200608150-00004',
  },
);

export const mdrd186 = mdrd(
  'egfr-mdrd-186',
  'eGFR, MDRD 4-variable (original, non-IDMS creatinine, 186)',
  186,
  ['mdrd 186', 'original mdrd', 'mdrd non idms'],
  {
    citation:
      'Levey AS, Greene T, Kusek JW, Beck GJ. A simplified equation to predict glomerular filtration rate from serum creatinine (abstract). J Am Soc Nephrol. 2000;11:155A.',
    year: 2000,
  },
);

const WEIGHT_BASIS = {
  kind: 'choice',
  name: 'weight_basis',
  label: 'Weight used',
  question: 'Which weight: actual, ideal or adjusted?',
  options: [
    {
      value: 'actual',
      label: 'actual body weight',
      spoken: ['actual weight', 'actual body weight', 'total body weight'],
    },
    {
      value: 'ideal',
      label: 'ideal body weight',
      spoken: ['ideal weight', 'ideal body weight', 'ibw'],
    },
    {
      value: 'adjusted',
      label: 'adjusted body weight',
      spoken: ['adjusted weight', 'adjusted body weight', 'abw'],
    },
    {
      value: 'bmi',
      label:
        'chosen by BMI (actual if underweight, lesser of ideal and actual if normal, adjusted if overweight)',
      spoken: ['by bmi', 'bmi based weight', 'bmi guided'],
    },
  ],
  default: 'actual',
} as const;

type WeightBasis = (typeof WEIGHT_BASIS.options)[number]['value'];

/** The weight the Cockcroft-Gault formula is given, per the chosen basis. */
export function cgWeight(
  basis: WeightBasis,
  sex: 'female' | 'male',
  weight: number,
  height: number | undefined,
): number {
  if (basis === 'actual') return weight;
  if (height === undefined) throw new Error('height is required for this weight basis'); // requires() asks first
  const ibw = devineIbw(sex, height);
  switch (basis) {
    case 'ideal':
      return ibw;
    case 'adjusted':
      return adjustedBw(ibw, weight);
    case 'bmi': {
      const bmi = weight / (height / 100) ** 2;
      if (bmi < 18.5) return weight;
      if (bmi < 25) return Math.min(ibw, weight);
      return adjustedBw(ibw, weight);
    }
  }
}

export const cockcroftGault = defineCalculator({
  id: 'crcl-cockcroft-gault',
  name: 'Creatinine clearance, Cockcroft-Gault',
  synonyms: [
    'cockcroft gault',
    'cockroft gault',
    'creatinine clearance',
    'crcl',
    'cg equation',
    'cockcroft',
    'cg',
  ],
  category: 'renal',
  inputs: [ADULT, SEX, WEIGHT, CREATININE, { ...HEIGHT, optional: true }, WEIGHT_BASIS],
  output: { label: 'Creatinine clearance', unit: 'mL/min', decimals: 0 },
  requires: ({ weight_basis }) =>
    weight_basis === undefined || weight_basis === 'actual' ? [] : ['height'],
  compute({ age: years, sex, weight, creatinine, height, weight_basis }) {
    const w = cgWeight(weight_basis, sex, weight, height);
    return ((140 - years) * w * (sex === 'female' ? 0.85 : 1)) / (72 * creatinine);
  },
  details: ({ sex, weight, height, weight_basis }) => ({
    weight_used_kg: Math.round(cgWeight(weight_basis, sex, weight, height) * 10) / 10,
  }),
  bands: [
    {
      below: 15,
      text: 'Below 15 mL/min: kidney failure range for drug dosing (FDA 2020 categories)',
    },
    {
      below: 30,
      text: '15–29 mL/min: severe renal impairment for drug dosing (FDA 2020 categories)',
    },
    {
      below: 60,
      text: '30–59 mL/min: moderate renal impairment for drug dosing (FDA 2020 categories)',
    },
    {
      below: 90,
      text: '60–89 mL/min: mild renal impairment for drug dosing (FDA 2020 categories)',
    },
    { text: '90 mL/min or more: normal renal function for drug dosing (FDA 2020 categories)' },
  ],
  source: {
    citation:
      'Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine. Nephron. 1976;16:31-41.',
    year: 1976,
    doi: '10.1159/000180580',
  },
  seeAlso: [
    {
      citation:
        'Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm. 1974;8:650-655 (ideal body weight).',
      year: 1974,
    },
    {
      citation:
        'Traynor AM, Nafziger AN, Bertino JS Jr. Aminoglycoside dosing weight correction factors for patients of various body sizes. Antimicrob Agents Chemother. 1995;39:545-548 (adjusted weight, factor 0.4).',
      year: 1995,
    },
    {
      citation:
        'US FDA. Pharmacokinetics in Patients with Impaired Renal Function — Study Design, Data Analysis, and Impact on Dosing. Draft Guidance for Industry, 2020 (impairment categories).',
      year: 2020,
    },
  ],
  notes: 'Not normalised to body surface area. Weight basis defaults to actual body weight.',
});

export const RENAL = [
  ckdEpi2021,
  ckdEpi2021CrCys,
  ckdEpi2009,
  mdrd175,
  mdrd186,
  cockcroftGault,
] as const;
