import { describe, expect, it } from 'vitest';
import { understand } from './understand.js';

/**
 * Requests as a clinician says or types them, end to end: calculator, inputs, result. Expected
 * values are the published scores for the stated findings (points added by hand).
 */
const CASES: readonly (readonly [string, string, number | string])[] = [
  ['Wells PE: heart rate 110, no other criteria', 'wells-pe', 1.5],
  // HTN 1 + stroke 1 + drugs 1 + age > 65 1 = 4.
  [
    'HAS-BLED for a 70 year old with uncontrolled hypertension and prior stroke, on aspirin, no other risk factors',
    'has-bled',
    4,
  ],
  // BUN > 19 1 + age ≥ 65 1 = 2.
  [
    'CURB-65 BUN 30 mg/dL respiratory rate 24 blood pressure 110 over 70 age 80 not confused',
    'curb-65',
    2,
  ],
  ['qSOFA respiratory rate 24, systolic 95, confused', 'qsofa', 3],
  // Fever, no cough, nodes, exudate; age 30: 4.
  ['Centor 30 year old temperature 38.5 no cough tender nodes exudate', 'centor-mcisaac', 4],
  // Hearing "cough" makes "cough absent" false; "denies cough" makes it true.
  [
    'Centor 20 year old temperature 37 with a cough, tender nodes, nothing else',
    'centor-mcisaac',
    1,
  ],
  [
    'Centor 20 year old temperature 37, denies cough, tonsillar exudate, nothing else',
    'centor-mcisaac',
    2,
  ],
  ['anion gap sodium 140 chloride 104 bicarb 18', 'anion-gap', 18],
  // Bilirubin 2–3 2, albumin 2.8–3.5 2, INR 1.7–2.3 2, mild ascites 2, none 1 = 9.
  ['Child-Pugh bilirubin 2.5 albumin 3.0 INR 1.9 mild ascites no encephalopathy', 'child-pugh', 9],
  ['GCS eyes 3 verbal 4 motor 6', 'gcs', 13],
  [
    'A-a gradient on room air PaO2 70 mmHg PaCO2 32 mmHg age 60',
    'aa-gradient',
    0.21 * 713 - 32 / 0.8 - 70,
  ],
  // Age 1, BP 1, weakness 2, 10–59 min 1, diabetes 1 = 6.
  ['ABCD2 70 year old BP 150/90 unilateral weakness lasting 45 minutes diabetic', 'abcd2', 6],
  ['renal dosing for enoxaparin creatinine clearance 25', 'renal-dose', 25],
  [
    'PERC 40 year old heart rate 90 sats 98% no leg swelling no hemoptysis no recent surgery no prior DVT or PE not on hormones',
    'perc',
    0,
  ],
  [
    'Wells DVT active cancer, calf swelling, alternative diagnosis less likely, nothing else',
    'wells-dvt',
    2,
  ],
  // History 2, ECG 0, age 45–64 1, 1–2 risk factors 1, troponin 0 = 4.
  [
    'HEART score highly suspicious history, normal ECG, 58 years old, two risk factors, troponin normal',
    'heart-score',
    4,
  ],
  // 75 + 15 + 34 + 10 + 20 (Killip II) + 28 + 14 = 196.
  [
    'GRACE 72 year old heart rate 95 systolic 130 creatinine 1.3 Killip class 2 ST depression troponin elevated no cardiac arrest',
    'grace',
    196,
  ],
  // "stroke risk" and "bleeding risk" name what the score is for, not a criterion.
  ['CHA2DS2-VASc for stroke risk, 70 year old man, hypertension, nothing else', 'cha2ds2-vasc', 2],
  ['HAS-BLED bleeding risk 60 year old, no other risk factors', 'has-bled', 0],
  // Spoken as a transcript would spell it: 150/90 → 1, age 70 → 1, weakness 2, 45 min 1, diabetes 1.
  [
    'ABCD2 seventy year old, BP one fifty over ninety, unilateral weakness for forty five minutes, diabetic',
    'abcd2',
    6,
  ],
  [
    'CKD-EPI creatinine of one point four milligrams per deciliter, sixty seven year old woman',
    'egfr-ckd-epi-2021',
    41.2349,
  ],
  ['APGAR appearance 1 pulse 2 grimace 2 activity 1 respiration 2', 'apgar', 8],
  // Devine, woman 64 in: 45.5 + 2.3 × 4 = 54.7.
  ['ideal body weight for a 5 foot 4 woman', 'ideal-body-weight', 54.7],
  // IBW (man, 175 cm) 70.46 kg; (140 − 70) × 70.46 / (72 × 1.3) = 52.70.
  [
    'cockcroft gault with ideal body weight 70 year old man 90 kg 175 cm creatinine 1.3',
    'crcl-cockcroft-gault',
    52.698,
  ],
  ['corrected sodium sodium 128 glucose 600', 'corrected-sodium', 140],
  ['NIHSS', 'nihss', '1a Level of consciousness (0–3): how many points (0–3)?'],
  ['A-a gradient on room air PaO2 70 PaCO2 32 age 60', 'aa-gradient', 'PaO₂ 70 — in mmHg or kPa?'],
];

describe('requests in clinical words', () => {
  it.each(CASES)('%s', (text, id, expected) => {
    const u = understand(text, 'spoken');
    expect(u).toMatchObject({ kind: 'request', request: { calculatorId: id } });
    if (u.kind !== 'request') return;
    const e = u.request.evaluation;
    if (typeof expected === 'string')
      expect(e).toMatchObject({ status: 'needs-input', prompt: expected });
    else {
      expect(e.status, JSON.stringify(e)).toBe('ok');
      if (e.status === 'ok') expect(e.result.value).toBeCloseTo(expected, 2);
    }
  });
});
