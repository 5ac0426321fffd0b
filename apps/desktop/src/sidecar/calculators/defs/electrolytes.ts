import { defineCalculator } from '../types.js';
import { Q } from '../units.js';
import { age, notApplicable, SEX, SODIUM, WEIGHT } from './common.js';

const ALBUMIN = {
  kind: 'number',
  name: 'albumin',
  label: 'Serum albumin',
  question: 'What is the serum albumin?',
  quantity: Q.albumin,
  range: [0.5, 7],
  spoken: ['albumin', 'alb', 'serum albumin'],
} as const;

const NORMAL_ALBUMIN = {
  kind: 'number',
  name: 'normal_albumin',
  label: 'Normal albumin',
  question: 'What normal albumin should be used?',
  quantity: Q.albumin,
  range: [3, 5],
  default: 4,
  spoken: ['normal albumin', 'reference albumin'],
} as const;

const CHLORIDE = {
  kind: 'number',
  name: 'chloride',
  label: 'Serum chloride',
  question: 'What is the serum chloride?',
  quantity: Q.electrolyte,
  range: [50, 160],
  spoken: ['chloride', 'cl'],
} as const;

const BICARBONATE = {
  kind: 'number',
  name: 'bicarbonate',
  label: 'Serum bicarbonate',
  question: 'What is the serum bicarbonate?',
  quantity: Q.electrolyte,
  range: [1, 60],
  spoken: ['bicarbonate', 'bicarb', 'hco3', 'co2', 'total co2', 'tco2'],
} as const;

export const correctedCalcium = defineCalculator({
  id: 'corrected-calcium',
  name: 'Calcium corrected for albumin',
  synonyms: [
    'corrected calcium',
    'calcium correction',
    'albumin corrected calcium',
    'adjusted calcium',
    'calcium correction for hypoalbuminemia',
  ],
  category: 'electrolytes',
  inputs: [
    {
      kind: 'number',
      name: 'calcium',
      label: 'Serum calcium (total)',
      question: 'What is the total serum calcium?',
      quantity: Q.calcium,
      range: [2, 25],
      spoken: ['calcium', 'ca', 'total calcium', 'serum calcium'],
    },
    ALBUMIN,
    NORMAL_ALBUMIN,
  ],
  output: { label: 'Corrected calcium', unit: 'mg/dL', decimals: 1 },
  compute: (v) => v.calcium + 0.8 * (v.normal_albumin - v.albumin),
  details: (v) => ({
    corrected_calcium_mmol_L:
      Math.round(((v.calcium + 0.8 * (v.normal_albumin - v.albumin)) / 4.008) * 100) / 100,
  }),
  bands: [
    { below: 8.5, text: 'Low corrected calcium (below 8.5 mg/dL, 2.12 mmol/L).' },
    { below: 10.6, text: 'Corrected calcium within the usual reference range (8.5–10.5 mg/dL).' },
    { text: 'High corrected calcium (above 10.5 mg/dL, 2.62 mmol/L).' },
  ],
  source: {
    citation:
      'Payne RB, Little AJ, Williams RB, Milner JR. Interpretation of serum calcium in patients with abnormal serum proteins. Br Med J. 1973;4:643-646.',
    year: 1973,
    doi: '10.1136/bmj.4.5893.643',
  },
  notes:
    'Corrected Ca (mg/dL) = Ca + 0.8 × (normal albumin − albumin, g/dL). Prefer ionised calcium when available.',
});

export const correctedSodium = defineCalculator({
  id: 'corrected-sodium',
  name: 'Sodium corrected for hyperglycaemia',
  synonyms: [
    'corrected sodium',
    'sodium correction',
    'sodium correction for hyperglycemia',
    'glucose corrected sodium',
    'sodium for glucose',
  ],
  category: 'electrolytes',
  inputs: [
    SODIUM,
    {
      kind: 'number',
      name: 'glucose',
      label: 'Serum glucose',
      question: 'What is the serum glucose?',
      quantity: Q.glucose,
      range: [10, 3000],
      spoken: ['glucose', 'blood sugar', 'sugar', 'bg'],
    },
    {
      kind: 'choice',
      name: 'coefficient',
      label: 'Correction factor',
      question: 'Which correction: Hillier (2.4) or Katz (1.6)?',
      options: [
        { value: 'hillier', label: 'Hillier 1999: 2.4 mEq/L per 100 mg/dL', spoken: ['hillier'] },
        { value: 'katz', label: 'Katz 1973: 1.6 mEq/L per 100 mg/dL', spoken: ['katz'] },
      ],
      default: 'hillier',
    },
  ],
  output: { label: 'Corrected sodium', unit: 'mmol/L', decimals: 0 },
  compute: (v) => v.sodium + (v.coefficient === 'katz' ? 1.6 : 2.4) * ((v.glucose - 100) / 100),
  bands: [
    { below: 135, text: 'Hyponatraemia persists after correcting for glucose (below 135 mmol/L).' },
    { below: 146, text: 'Corrected sodium within the reference range (135–145 mmol/L).' },
    { text: 'Hypernatraemia after correcting for glucose (above 145 mmol/L): free water deficit.' },
  ],
  source: {
    citation:
      'Hillier TA, Abbott RD, Barrett EJ. Hyponatremia: evaluating the correction factor for hyperglycemia. Am J Med. 1999;106:399-403.',
    year: 1999,
    doi: '10.1016/S0002-9343(99)00055-8',
  },
  seeAlso: [
    {
      citation:
        'Katz MA. Hyperglycemia-induced hyponatremia — calculation of expected serum sodium depression. N Engl J Med. 1973;289:843-844.',
      year: 1973,
    },
  ],
});

const ANION_GAP_SOURCE = {
  citation:
    'Kraut JA, Madias NE. Serum anion gap: its uses and limitations in clinical medicine. Clin J Am Soc Nephrol. 2007;2:162-174.',
  year: 2007,
  doi: '10.2215/CJN.03020906',
} as const;

const AG_BANDS = [
  {
    below: 3,
    text: 'Low anion gap (below 3): check for hypoalbuminaemia, paraproteins or lab error.',
  },
  { below: 12, text: 'Normal anion gap (3–11 mmol/L with ion-selective electrodes).' },
  { text: 'High anion gap (12 or more): consider ketoacidosis, lactate, toxins, renal failure.' },
] as const;

export const anionGap = defineCalculator({
  id: 'anion-gap',
  name: 'Anion gap',
  synonyms: ['anion gap', 'ag', 'serum anion gap'],
  category: 'electrolytes',
  inputs: [SODIUM, CHLORIDE, BICARBONATE],
  output: { label: 'Anion gap', unit: 'mmol/L', decimals: 0 },
  compute: (v) => v.sodium - (v.chloride + v.bicarbonate),
  bands: AG_BANDS,
  source: ANION_GAP_SOURCE,
  notes: 'Reference ranges depend on the analyser; check the local laboratory range.',
});

export const anionGapAlbumin = defineCalculator({
  id: 'anion-gap-albumin-corrected',
  name: 'Anion gap corrected for albumin',
  synonyms: [
    'albumin corrected anion gap',
    'corrected anion gap',
    'anion gap corrected for albumin',
  ],
  category: 'electrolytes',
  inputs: [SODIUM, CHLORIDE, BICARBONATE, ALBUMIN, NORMAL_ALBUMIN],
  output: { label: 'Albumin-corrected anion gap', unit: 'mmol/L', decimals: 1 },
  compute: (v) => v.sodium - (v.chloride + v.bicarbonate) + 2.5 * (v.normal_albumin - v.albumin),
  bands: AG_BANDS,
  source: {
    citation:
      'Figge J, Jabor A, Kazda A, Fencl V. Anion gap and hypoalbuminemia. Crit Care Med. 1998;26:1807-1810.',
    year: 1998,
    doi: '10.1097/00003246-199811000-00019',
  },
  seeAlso: [ANION_GAP_SOURCE],
});

/** Total body water as a fraction of weight, by age and sex (the usual clinical convention). */
export function tbwFraction(years: number, sex: 'female' | 'male'): number {
  if (years < 18) return 0.6;
  if (years >= 65) return sex === 'male' ? 0.5 : 0.45;
  return sex === 'male' ? 0.6 : 0.5;
}

export const freeWaterDeficit = defineCalculator({
  id: 'free-water-deficit',
  name: 'Free water deficit',
  synonyms: ['free water deficit', 'water deficit', 'fwd', 'free water'],
  category: 'electrolytes',
  inputs: [
    age([0, 120]),
    SEX,
    WEIGHT,
    SODIUM,
    {
      kind: 'number',
      name: 'target_sodium',
      label: 'Target sodium',
      question: 'What sodium are you aiming for?',
      quantity: Q.electrolyte,
      range: [130, 150],
      default: 140,
      spoken: ['target sodium', 'goal sodium', 'desired sodium'],
    },
  ],
  output: { label: 'Free water deficit', unit: 'L', decimals: 1 },
  compute: (v) => {
    if (v.sodium <= v.target_sodium)
      notApplicable(
        `Sodium ${v.sodium} is not above the target ${v.target_sodium}: there is no free water deficit.`,
      );
    return tbwFraction(v.age, v.sex) * v.weight * (v.sodium / v.target_sodium - 1);
  },
  details: (v) => ({
    total_body_water_L: Math.round(tbwFraction(v.age, v.sex) * v.weight * 10) / 10,
  }),
  bands: [
    {
      text: 'Replace gradually: lower sodium by no more than about 10 mmol/L in 24 hours in chronic hypernatraemia, and add ongoing losses.',
    },
  ],
  source: {
    citation: 'Adrogué HJ, Madias NE. Hypernatremia. N Engl J Med. 2000;342:1493-1499.',
    year: 2000,
    doi: '10.1056/NEJM200005183422006',
  },
  notes:
    'Deficit = TBW × (Na / target − 1); TBW = weight × 0.6 (children, adult men), 0.5 (adult women, men 65+), 0.45 (women 65+).',
});

export const ELECTROLYTES = [
  correctedCalcium,
  correctedSodium,
  anionGap,
  anionGapAlbumin,
  freeWaterDeficit,
] as const;
