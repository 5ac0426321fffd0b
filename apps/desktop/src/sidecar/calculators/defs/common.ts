import { CalcError } from '../errors.js';
import { Q } from '../units.js';

/** Inputs many calculators share, so their names, ranges and questions stay the same everywhere. */

export const SEX = {
  kind: 'choice',
  name: 'sex',
  label: 'Sex',
  question: "What is the patient's sex?",
  options: [
    {
      value: 'female',
      label: 'female',
      spoken: ['female', 'woman', 'women', 'lady', 'girl', 'she', 'her'],
    },
    {
      value: 'male',
      label: 'male',
      spoken: ['male', 'man', 'men', 'gentleman', 'boy', 'he', 'his'],
    },
  ],
} as const;

/** Age in years; adult equations start at 18. */
export function age<const R extends readonly [number, number]>(range: R) {
  return {
    kind: 'number',
    name: 'age',
    label: 'Age',
    question: 'How old is the patient?',
    quantity: Q.age,
    range,
    spoken: ['age', 'aged', 'years old', 'year old'],
  } as const;
}

export const WEIGHT = {
  kind: 'number',
  name: 'weight',
  label: 'Weight',
  question: "What is the patient's weight?",
  quantity: Q.mass,
  range: [0.3, 350],
  spoken: ['weight', 'weighs', 'weighing', 'body weight', 'wt'],
} as const;

export const HEIGHT = {
  kind: 'number',
  name: 'height',
  label: 'Height',
  question: "What is the patient's height?",
  quantity: Q.length,
  range: [30, 250],
  spoken: ['height', 'tall', 'ht'],
} as const;

export const CREATININE = {
  kind: 'number',
  name: 'creatinine',
  label: 'Serum creatinine',
  question: 'What is the serum creatinine?',
  quantity: Q.creatinine,
  range: [0.1, 30],
  spoken: ['creatinine', 'creat', 'cr', 'scr', 'serum creatinine'],
} as const;

export const HEART_RATE = {
  kind: 'number',
  name: 'heart_rate',
  label: 'Heart rate',
  question: 'What is the heart rate?',
  quantity: Q.perMinute,
  range: [20, 300],
  spoken: ['heart rate', 'hr', 'pulse', 'pulse rate'],
} as const;

export const RESP_RATE = {
  kind: 'number',
  name: 'resp_rate',
  label: 'Respiratory rate',
  question: 'What is the respiratory rate?',
  quantity: Q.perMinute,
  range: [2, 80],
  spoken: ['respiratory rate', 'resp rate', 'rr', 'breathing rate', 'respirations'],
} as const;

export const SYSTOLIC = {
  kind: 'number',
  name: 'systolic_bp',
  label: 'Systolic blood pressure',
  question: 'What is the systolic blood pressure?',
  quantity: Q.pressure,
  range: [30, 300],
  spoken: ['systolic', 'systolic blood pressure', 'sbp', 'systolic pressure'],
} as const;

export const DIASTOLIC = {
  kind: 'number',
  name: 'diastolic_bp',
  label: 'Diastolic blood pressure',
  question: 'What is the diastolic blood pressure?',
  quantity: Q.pressure,
  range: [10, 200],
  spoken: ['diastolic', 'diastolic blood pressure', 'dbp', 'diastolic pressure'],
} as const;

export const SODIUM = {
  kind: 'number',
  name: 'sodium',
  label: 'Serum sodium',
  question: 'What is the serum sodium?',
  quantity: Q.electrolyte,
  range: [90, 200],
  spoken: ['sodium', 'na', 'serum sodium'],
} as const;

/** A yes/no criterion; most scores are lists of these. */
export function criterion<const N extends string>(
  name: N,
  label: string,
  spoken: readonly string[] = [],
) {
  return {
    kind: 'boolean',
    name,
    label,
    question: `${label}?`,
    spoken,
  } as const;
}

/** A 0..max item scored by the clinician (GCS, APGAR, NIHSS). */
export function scoreItem<const N extends string>(
  name: N,
  label: string,
  max: number,
  spoken: readonly string[] = [],
  min = 0,
) {
  return {
    kind: 'number',
    name,
    label,
    question: `${label}: how many points (${min}–${max})?`,
    quantity: Q.points,
    range: [min, max],
    integer: true,
    spoken,
  } as const;
}

export const pt = (condition: boolean, points = 1): number => (condition ? points : 0);

export function notApplicable(message: string): never {
  throw new CalcError('CALC_NOT_APPLICABLE', message);
}

/** Ideal body weight (Devine 1974): 50 kg (men) or 45.5 kg (women) + 2.3 kg per inch over 5 ft. */
export function devineIbw(sex: 'female' | 'male', heightCm: number): number {
  return (sex === 'male' ? 50 : 45.5) + 2.3 * (heightCm / 2.54 - 60);
}

/** Adjusted body weight: IBW + 0.4 × (actual − IBW) (Traynor 1995). */
export function adjustedBw(ibw: number, actual: number): number {
  return ibw + 0.4 * (actual - ibw);
}

export const KDIGO_GFR_BANDS = [
  { below: 15, text: 'G5: kidney failure (KDIGO GFR category)' },
  { below: 30, text: 'G4: severely decreased GFR (KDIGO)' },
  { below: 45, text: 'G3b: moderately to severely decreased GFR (KDIGO)' },
  { below: 60, text: 'G3a: mildly to moderately decreased GFR (KDIGO)' },
  { below: 90, text: 'G2: mildly decreased GFR (KDIGO; CKD only with kidney damage markers)' },
  { text: 'G1: normal or high GFR (KDIGO; CKD only with kidney damage markers)' },
] as const;

export const KDIGO_2012 = {
  citation:
    'KDIGO 2012 Clinical Practice Guideline for the Evaluation and Management of Chronic Kidney Disease. Kidney Int Suppl. 2013;3:1-150.',
  year: 2013,
} as const;

/** Points from ascending thresholds: the first `[below, points]` whose bound exceeds the value. */
export function stepPoints(
  value: number,
  steps: readonly (readonly [number, number])[],
  otherwise: number,
): number {
  for (const [below, points] of steps) if (value < below) return points;
  return otherwise;
}
