import { defineCalculator, type Source } from '../types.js';
import { BILIRUBIN_UMOL_PER_MGDL, CREATININE_UMOL_PER_MGDL, Q } from '../units.js';
import { CREATININE, criterion, SEX, SODIUM } from './common.js';

const BILIRUBIN = {
  kind: 'number',
  name: 'bilirubin',
  label: 'Total bilirubin',
  question: 'What is the total bilirubin?',
  quantity: Q.bilirubin,
  range: [0.2, 70],
  spoken: ['bilirubin', 'bili', 'total bilirubin', 'tbili'],
} as const;

const INR = {
  kind: 'number',
  name: 'inr',
  label: 'INR',
  question: 'What is the INR?',
  quantity: Q.ratio,
  range: [0.5, 20],
  spoken: ['inr', 'international normalized ratio'],
} as const;

const ALBUMIN = {
  kind: 'number',
  name: 'albumin',
  label: 'Serum albumin',
  question: 'What is the serum albumin?',
  quantity: Q.albumin,
  range: [0.5, 7],
  spoken: ['albumin', 'alb'],
} as const;

const DIALYSIS = criterion('dialysis', 'Dialysis twice in the past week, or 24 hours of CVVHD', [
  'dialysis',
  'on dialysis',
  'hemodialysis',
  'cvvhd',
  'crrt',
]);

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

/** UNOS MELD before rounding: lower bounds 1.0, creatinine capped at 4.0 (or 4.0 on dialysis). */
export function meldUnos(
  bilirubin: number,
  inr: number,
  creatinine: number,
  dialysis: boolean,
): number {
  const cr = dialysis ? 4 : clamp(creatinine, 1, 4);
  return (
    3.78 * Math.log(Math.max(bilirubin, 1)) +
    11.2 * Math.log(Math.max(inr, 1)) +
    9.57 * Math.log(cr) +
    6.43
  );
}

const WIESNER_2003: Source = {
  citation:
    'Wiesner R, Edwards E, Freeman R, et al. Model for end-stage liver disease (MELD) and allocation of donor livers. Gastroenterology. 2003;124:91-96.',
  year: 2003,
  doi: '10.1053/gast.2003.50016',
};

const MELD_BANDS = [
  { below: 10, text: 'MELD below 10: about 1.9 % 3-month mortality (Wiesner 2003).' },
  { below: 20, text: 'MELD 10–19: about 6.0 % 3-month mortality (Wiesner 2003).' },
  { below: 30, text: 'MELD 20–29: about 19.6 % 3-month mortality (Wiesner 2003).' },
  { below: 40, text: 'MELD 30–39: about 52.6 % 3-month mortality (Wiesner 2003).' },
  { text: 'MELD 40: about 71.3 % 3-month mortality (Wiesner 2003).' },
] as const;

const MELD_OUT = { label: 'MELD', unit: 'points', decimals: 0 } as const;

export const meld = defineCalculator({
  id: 'meld',
  name: 'MELD (original, UNOS)',
  synonyms: ['original meld', 'unos meld', 'meld unos', 'classic meld'],
  category: 'liver',
  inputs: [BILIRUBIN, INR, CREATININE, DIALYSIS],
  output: MELD_OUT,
  compute: (v) => Math.min(meldUnos(v.bilirubin, v.inr, v.creatinine, v.dialysis), 40),
  bands: MELD_BANDS,
  source: {
    citation:
      'Kamath PS, Wiesner RH, Malinchoc M, et al. A model to predict survival in patients with end-stage liver disease. Hepatology. 2001;33:464-470.',
    year: 2001,
    doi: '10.1053/jhep.2001.22172',
  },
  seeAlso: [WIESNER_2003],
  notes:
    'UNOS conventions: values below 1.0 set to 1.0, creatinine capped at 4.0 (4.0 on dialysis), score capped at 40.',
});

export const meldNa = defineCalculator({
  id: 'meld-na',
  name: 'MELD-Na (OPTN 2016)',
  synonyms: ['meld na', 'meldna', 'meld sodium', 'meld na unos', 'meld na optn'],
  category: 'liver',
  inputs: [BILIRUBIN, INR, CREATININE, DIALYSIS, SODIUM],
  output: MELD_OUT,
  compute: (v) => {
    // OPTN rounds MELD(i)/10 to the tenth, i.e. MELD(i) to a whole number, before the sodium term.
    const meldI = Math.round(meldUnos(v.bilirubin, v.inr, v.creatinine, v.dialysis));
    const na = clamp(v.sodium, 125, 137);
    const score = meldI > 11 ? meldI + 1.32 * (137 - na) - 0.033 * meldI * (137 - na) : meldI;
    return Math.min(score, 40);
  },
  details: (v) => ({ meld_i: Math.round(meldUnos(v.bilirubin, v.inr, v.creatinine, v.dialysis)) }),
  bands: MELD_BANDS,
  source: {
    citation:
      'Kim WR, Biggins SW, Kremers WK, et al. Hyponatremia and mortality among patients on the liver-transplant waiting list. N Engl J Med. 2008;359:1018-1026 (as implemented by OPTN policy, January 2016).',
    year: 2008,
    doi: '10.1056/NEJMoa0801209',
  },
  seeAlso: [WIESNER_2003],
  notes:
    'MELD(i) + 1.32 × (137 − Na) − 0.033 × MELD(i) × (137 − Na) when MELD(i) > 11; Na bounded 125–137.',
});

export const meldNa2008 = defineCalculator({
  id: 'meld-na-2008',
  name: 'MELD-Na (Kim 2008 equation)',
  synonyms: ['meld na 2008', 'kim meld na', 'meld na kim'],
  category: 'liver',
  inputs: [BILIRUBIN, INR, CREATININE, DIALYSIS, SODIUM],
  output: MELD_OUT,
  compute: (v) => {
    const m = meldUnos(v.bilirubin, v.inr, v.creatinine, v.dialysis);
    const na = clamp(v.sodium, 125, 140);
    return m - na - 0.025 * m * (140 - na) + 140;
  },
  bands: MELD_BANDS,
  source: {
    citation:
      'Kim WR, Biggins SW, Kremers WK, et al. Hyponatremia and mortality among patients on the liver-transplant waiting list. N Engl J Med. 2008;359:1018-1026.',
    year: 2008,
    doi: '10.1056/NEJMoa0801209',
  },
  notes:
    'MELD − Na − 0.025 × MELD × (140 − Na) + 140, Na bounded 125–140. OPTN used a refitted form from 2016 (meld-na).',
});

export const meld3 = defineCalculator({
  id: 'meld-3',
  name: 'MELD 3.0',
  synonyms: ['meld 3', 'meld 3.0', 'meld three', 'meld 30'],
  category: 'liver',
  inputs: [SEX, BILIRUBIN, SODIUM, INR, CREATININE, ALBUMIN, DIALYSIS],
  output: MELD_OUT,
  compute: (v) => {
    const bili = Math.log(Math.max(v.bilirubin, 1));
    const cr = Math.log(v.dialysis ? 3 : clamp(v.creatinine, 1, 3));
    const na = 137 - clamp(v.sodium, 125, 137);
    const alb = 3.5 - clamp(v.albumin, 1.5, 3.5);
    const score =
      1.33 * (v.sex === 'female' ? 1 : 0) +
      4.56 * bili +
      0.82 * na -
      0.24 * na * bili +
      9.09 * Math.log(Math.max(v.inr, 1)) +
      11.14 * cr +
      1.85 * alb -
      1.83 * alb * cr +
      6;
    return Math.min(score, 40);
  },
  bands: [
    {
      below: 15,
      text: 'MELD 3.0 below 15: lower 90-day mortality; transplant benefit usually does not outweigh risk.',
    },
    { below: 30, text: 'MELD 3.0 15–29: rising 90-day mortality; consider transplant referral.' },
    { text: 'MELD 3.0 30 or more: high 90-day mortality; urgent transplant evaluation.' },
  ],
  source: {
    citation:
      'Kim WR, Mannalithara A, Heimbach JK, et al. MELD 3.0: the model for end-stage liver disease updated for the modern era. Gastroenterology. 2021;161:1887-1895.',
    year: 2021,
    doi: '10.1053/j.gastro.2021.08.050',
  },
  notes:
    'Bounds: bilirubin, INR, creatinine ≥ 1.0; creatinine ≤ 3.0 (3.0 on dialysis); Na 125–137; albumin 1.5–3.5 g/dL.',
});

export const childPugh = defineCalculator({
  id: 'child-pugh',
  name: 'Child-Pugh score',
  synonyms: ['child pugh', 'child turcotte pugh', 'ctp', 'child pugh score', 'childs pugh'],
  category: 'liver',
  inputs: [
    BILIRUBIN,
    ALBUMIN,
    INR,
    {
      kind: 'choice',
      name: 'ascites',
      label: 'Ascites',
      question: 'Is there ascites: none, mild, or moderate to severe?',
      options: [
        { value: 'none', label: 'none', spoken: ['no ascites'] },
        { value: 'mild', label: 'mild (slight)', spoken: ['mild ascites', 'slight ascites'] },
        {
          value: 'moderate-severe',
          label: 'moderate to severe',
          spoken: ['moderate ascites', 'severe ascites', 'tense ascites'],
        },
      ],
    },
    {
      kind: 'choice',
      name: 'encephalopathy',
      label: 'Hepatic encephalopathy',
      question: 'Is there encephalopathy: none, grade 1–2, or grade 3–4?',
      options: [
        { value: 'none', label: 'none', spoken: ['no encephalopathy'] },
        {
          value: 'grade-1-2',
          label: 'grade 1–2 (or suppressed with medication)',
          spoken: ['grade 1 encephalopathy', 'grade 2 encephalopathy', 'mild encephalopathy'],
        },
        {
          value: 'grade-3-4',
          label: 'grade 3–4 (or refractory)',
          spoken: ['grade 3 encephalopathy', 'grade 4 encephalopathy', 'severe encephalopathy'],
        },
      ],
    },
  ],
  output: { label: 'Child-Pugh', unit: 'points', decimals: 0 },
  compute: (v) =>
    (v.bilirubin < 2 ? 1 : v.bilirubin <= 3 ? 2 : 3) +
    (v.albumin > 3.5 ? 1 : v.albumin >= 2.8 ? 2 : 3) +
    (v.inr < 1.7 ? 1 : v.inr <= 2.3 ? 2 : 3) +
    { none: 1, mild: 2, 'moderate-severe': 3 }[v.ascites] +
    { none: 1, 'grade-1-2': 2, 'grade-3-4': 3 }[v.encephalopathy],
  bands: [
    { below: 7, text: 'Class A (5–6 points): well-compensated disease.' },
    { below: 10, text: 'Class B (7–9 points): significant functional compromise.' },
    { text: 'Class C (10–15 points): decompensated disease.' },
  ],
  source: {
    citation:
      'Pugh RNH, Murray-Lyon IM, Dawson JL, Pietroni MC, Williams R. Transection of the oesophagus for bleeding oesophageal varices. Br J Surg. 1973;60:646-649.',
    year: 1973,
    doi: '10.1002/bjs.1800600817',
  },
  notes:
    'Bilirubin < 2 / 2–3 / > 3 mg/dL; albumin > 3.5 / 2.8–3.5 / < 2.8 g/dL; INR < 1.7 / 1.7–2.3 / > 2.3 (INR in place of Pugh’s prothrombin time).',
});

export const ukeld = defineCalculator({
  id: 'ukeld',
  name: 'UKELD (UK end-stage liver disease score)',
  synonyms: ['ukeld', 'uk eld', 'united kingdom end stage liver disease'],
  category: 'liver',
  inputs: [INR, CREATININE, BILIRUBIN, SODIUM],
  output: { label: 'UKELD', unit: 'points', decimals: 0 },
  // Published in SI units: creatinine and bilirubin in µmol/L.
  compute: (v) =>
    5.395 * Math.log(v.inr) +
    1.485 * Math.log(v.creatinine * CREATININE_UMOL_PER_MGDL) +
    3.13 * Math.log(v.bilirubin * BILIRUBIN_UMOL_PER_MGDL) -
    81.565 * Math.log(v.sodium) +
    435,
  bands: [
    {
      below: 49,
      text: 'UKELD below 49: below the UK minimum listing criterion for liver transplantation.',
    },
    {
      text: 'UKELD 49 or more: meets the UK minimum listing criterion (about 9 % 1-year mortality without transplant).',
    },
  ],
  source: {
    citation:
      'Barber K, Madden S, Allen J, et al. Elective liver transplant list mortality: development of a United Kingdom end-stage liver disease score. Transplantation. 2011;92:469-476.',
    year: 2011,
    doi: '10.1097/TP.0b013e318225db4d',
  },
});

export const LIVER = [meld, meldNa, meldNa2008, meld3, childPugh, ukeld] as const;
