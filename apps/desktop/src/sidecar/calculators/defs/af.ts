import { defineCalculator, type Source } from '../types.js';
import { age, criterion, pt, SEX } from './common.js';

const ESC_AF_2020: Source = {
  citation:
    'Hindricks G, Potpara T, Dagres N, et al. 2020 ESC Guidelines for the diagnosis and management of atrial fibrillation. Eur Heart J. 2021;42:373-498.',
  year: 2020,
  doi: '10.1093/eurheartj/ehaa612',
};

export const cha2ds2Vasc = defineCalculator({
  id: 'cha2ds2-vasc',
  name: 'CHA₂DS₂-VASc score',
  synonyms: [
    'cha2ds2 vasc',
    'cha2ds2vasc',
    'chads vasc',
    'chads2 vasc',
    'chadsvasc',
    'cha2 ds2 vasc',
    'cha ds vasc',
  ],
  category: 'cardiac',
  inputs: [
    age([18, 120]),
    SEX,
    criterion('chf', 'Congestive heart failure or LV dysfunction', [
      'heart failure',
      'chf',
      'congestive heart failure',
      'lv dysfunction',
    ]),
    criterion('hypertension', 'Hypertension', [
      'hypertension',
      'hypertensive',
      'htn',
      'high blood pressure',
    ]),
    criterion('diabetes', 'Diabetes mellitus', ['diabetes', 'diabetic', 'dm']),
    criterion('stroke_tia', 'Prior stroke, TIA or thromboembolism', [
      'stroke',
      'tia',
      'transient ischemic attack',
      'thromboembolism',
      'prior stroke',
      '~stroke risk',
      '~risk of stroke',
      '~stroke prevention',
    ]),
    criterion('vascular', 'Vascular disease (prior MI, peripheral artery disease, aortic plaque)', [
      'vascular disease',
      'myocardial infarction',
      'prior mi',
      'peripheral artery disease',
      'pad',
      'aortic plaque',
    ]),
  ],
  output: { label: 'CHA₂DS₂-VASc', unit: 'points', decimals: 0 },
  compute: (v) =>
    pt(v.chf) +
    pt(v.hypertension) +
    (v.age >= 75 ? 2 : v.age >= 65 ? 1 : 0) +
    pt(v.diabetes) +
    pt(v.stroke_tia, 2) +
    pt(v.vascular) +
    pt(v.sex === 'female'),
  interpret(score, { sex }) {
    const risk = score - (sex === 'female' ? 1 : 0); // ESC: female sex is a risk modifier
    if (risk <= 0) return 'Low risk: oral anticoagulation not recommended (ESC 2020).';
    if (risk === 1) return 'Oral anticoagulation should be considered (ESC 2020).';
    return 'Oral anticoagulation recommended (ESC 2020).';
  },
  source: {
    citation:
      'Lip GYH, Nieuwlaat R, Pisters R, Lane DA, Crijns HJGM. Refining clinical risk stratification for predicting stroke and thromboembolism in atrial fibrillation using a novel risk factor-based approach. Chest. 2010;137:263-272.',
    year: 2010,
    doi: '10.1378/chest.09-1584',
  },
  seeAlso: [ESC_AF_2020],
});

/** Major bleeds per 100 patient-years by score in the derivation cohort (Pisters 2010). */
const HAS_BLED_RATES = ['1.13', '1.02', '1.88', '3.74', '8.70', '12.50'] as const;

export const hasBled = defineCalculator({
  id: 'has-bled',
  name: 'HAS-BLED score',
  synonyms: ['has bled', 'hasbled', 'has-bled'],
  category: 'cardiac',
  inputs: [
    age([18, 120]),
    criterion('hypertension', 'Uncontrolled hypertension (systolic above 160 mmHg)', [
      'hypertension',
      'uncontrolled hypertension',
      'hypertensive',
      'htn',
    ]),
    criterion('renal', 'Abnormal renal function (dialysis, transplant, creatinine ≥ 2.26 mg/dL)', [
      'renal disease',
      'abnormal renal function',
      'dialysis',
      'kidney transplant',
    ]),
    criterion(
      'liver',
      'Abnormal liver function (cirrhosis, or bilirubin > 2× and AST/ALT > 3× normal)',
      ['liver disease', 'abnormal liver function', 'cirrhosis'],
    ),
    criterion('stroke', 'Prior stroke', ['stroke', 'prior stroke']),
    criterion('bleeding', 'Prior major bleeding or predisposition to bleeding', [
      'bleeding',
      'prior bleeding',
      'major bleeding',
      'bleed',
      '~bleeding risk',
      '~risk of bleeding',
    ]),
    criterion('labile_inr', 'Labile INR (time in range below 60 %)', [
      'labile inr',
      'unstable inr',
    ]),
    criterion('drugs', 'Antiplatelet or NSAID use', [
      'antiplatelet',
      'aspirin',
      'nsaid',
      'nsaids',
      'clopidogrel',
    ]),
    criterion('alcohol', 'Alcohol use (8 or more drinks a week)', [
      'alcohol',
      'alcohol use',
      'drinks alcohol',
    ]),
  ],
  output: { label: 'HAS-BLED', unit: 'points', decimals: 0 },
  compute: (v) =>
    pt(v.hypertension) +
    pt(v.renal) +
    pt(v.liver) +
    pt(v.stroke) +
    pt(v.bleeding) +
    pt(v.labile_inr) +
    pt(v.age > 65) +
    pt(v.drugs) +
    pt(v.alcohol),
  interpret(score) {
    const rate = HAS_BLED_RATES[score];
    const cohort =
      rate === undefined
        ? ''
        : ` ${rate} major bleeds per 100 patient-years in the derivation cohort.`;
    return score >= 3
      ? `High bleeding risk: correct modifiable risk factors and review often; not a reason by itself to withhold anticoagulation (ESC 2020).${cohort}`
      : `Low to moderate bleeding risk.${cohort}`;
  },
  source: {
    citation:
      'Pisters R, Lane DA, Nieuwlaat R, de Vos CB, Crijns HJGM, Lip GYH. A novel user-friendly score (HAS-BLED) to assess 1-year risk of major bleeding in patients with atrial fibrillation. Chest. 2010;138:1093-1100.',
    year: 2010,
    doi: '10.1378/chest.10-0134',
  },
  seeAlso: [ESC_AF_2020],
});

export const AF = [cha2ds2Vasc, hasBled] as const;
