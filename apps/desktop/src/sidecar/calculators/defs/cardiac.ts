import { defineCalculator, type Source } from '../types.js';
import { age, CREATININE, criterion, HEART_RATE, pt, SEX, stepPoints, SYSTOLIC } from './common.js';

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

export const heartScore = defineCalculator({
  id: 'heart-score',
  name: 'HEART score for major cardiac events',
  synonyms: ['heart score', 'heart pathway', 'heart risk score'],
  category: 'cardiac',
  inputs: [
    {
      kind: 'choice',
      name: 'history',
      label: 'History',
      question: 'How suspicious is the history: slightly, moderately or highly?',
      options: [
        {
          value: 'slight',
          label: 'slightly suspicious',
          spoken: ['slightly suspicious', 'low suspicion history'],
        },
        { value: 'moderate', label: 'moderately suspicious', spoken: ['moderately suspicious'] },
        {
          value: 'high',
          label: 'highly suspicious',
          spoken: ['highly suspicious', 'typical chest pain'],
        },
      ],
    },
    {
      kind: 'choice',
      name: 'ecg',
      label: 'ECG',
      question:
        'Is the ECG normal, showing non-specific repolarisation changes, or significant ST deviation?',
      options: [
        {
          value: 'normal',
          label: 'normal',
          spoken: ['normal ecg', 'ecg normal', 'ekg normal', 'normal ekg'],
        },
        {
          value: 'nonspecific',
          label: 'non-specific repolarisation disturbance',
          spoken: [
            'nonspecific',
            'non specific',
            'repolarization',
            'repolarisation',
            'lbbb',
            'lvh',
          ],
        },
        {
          value: 'st-deviation',
          label: 'significant ST deviation',
          spoken: ['st deviation', 'st depression', 'st elevation'],
        },
      ],
    },
    age([18, 120]),
    {
      kind: 'choice',
      name: 'risk_factors',
      label: 'Risk factors',
      question:
        'How many risk factors: none, one or two, or three or more (or known atherosclerotic disease)?',
      options: [
        { value: 'none', label: 'no known risk factors', spoken: ['no risk factors'] },
        {
          value: '1-2',
          label: '1–2 risk factors',
          spoken: ['one risk factor', 'two risk factors'],
        },
        {
          value: '3+',
          label: '3 or more risk factors, or atherosclerotic disease',
          spoken: [
            'three risk factors',
            'four risk factors',
            'three or more risk factors',
            'atherosclerotic disease',
            'known cad',
          ],
        },
      ],
    },
    {
      kind: 'choice',
      name: 'troponin',
      label: 'Initial troponin',
      question:
        'Is the troponin normal, one to three times the normal limit, or more than three times?',
      options: [
        {
          value: 'normal',
          label: 'at or below the normal limit',
          spoken: ['troponin normal', 'negative troponin'],
        },
        { value: '1-3x', label: '1–3 × normal limit', spoken: ['mildly elevated troponin'] },
        {
          value: '>3x',
          label: 'more than 3 × normal limit',
          spoken: ['markedly elevated troponin'],
        },
      ],
    },
  ],
  output: { label: 'HEART score', unit: 'points', decimals: 0 },
  compute: (v) => {
    const level = { slight: 0, moderate: 1, high: 2 } as const;
    const ecg = { normal: 0, nonspecific: 1, 'st-deviation': 2 } as const;
    const rf = { none: 0, '1-2': 1, '3+': 2 } as const;
    const trop = { normal: 0, '1-3x': 1, '>3x': 2 } as const;
    return (
      level[v.history] +
      ecg[v.ecg] +
      (v.age >= 65 ? 2 : v.age >= 45 ? 1 : 0) +
      rf[v.risk_factors] +
      trop[v.troponin]
    );
  },
  bands: [
    {
      below: 4,
      text: 'Low risk (0–3): 6-week major adverse cardiac events 1.7 %; candidate for early discharge.',
    },
    { below: 7, text: 'Moderate risk (4–6): MACE 16.6 %; observe and investigate further.' },
    { text: 'High risk (7–10): MACE 50.1 %; early invasive strategy.' },
  ],
  source: {
    citation:
      'Six AJ, Backus BE, Kelder JC. Chest pain in the emergency room: value of the HEART score. Neth Heart J. 2008;16:191-196.',
    year: 2008,
    doi: '10.1007/BF03086144',
  },
  seeAlso: [
    {
      citation:
        'Backus BE, Six AJ, Kelder JC, et al. A prospective validation of the HEART score for chest pain patients at the emergency department. Int J Cardiol. 2013;168:2153-2158.',
      year: 2013,
    },
  ],
});

export const grace = defineCalculator({
  id: 'grace',
  name: 'GRACE score (in-hospital mortality, ACS)',
  synonyms: ['grace', 'grace score', 'grace acs', 'grace risk score'],
  category: 'cardiac',
  inputs: [
    age([18, 120]),
    HEART_RATE,
    SYSTOLIC,
    CREATININE,
    {
      kind: 'choice',
      name: 'killip',
      label: 'Killip class',
      question: 'What is the Killip class: I, II, III or IV?',
      options: [
        {
          value: 'i',
          label: 'I: no heart failure',
          spoken: ['killip 1', 'killip i', 'killip one', 'killip class 1'],
        },
        {
          value: 'ii',
          label: 'II: rales or raised JVP',
          spoken: ['killip 2', 'killip ii', 'killip two', 'killip class 2'],
        },
        {
          value: 'iii',
          label: 'III: pulmonary oedema',
          spoken: ['killip 3', 'killip iii', 'killip three', 'killip class 3'],
        },
        {
          value: 'iv',
          label: 'IV: cardiogenic shock',
          spoken: ['killip 4', 'killip iv', 'killip four', 'killip class 4'],
        },
      ],
    },
    criterion('cardiac_arrest', 'Cardiac arrest at admission', ['cardiac arrest', 'arrest']),
    criterion('st_deviation', 'ST-segment deviation', [
      'st deviation',
      'st depression',
      'st elevation',
    ]),
    criterion('elevated_enzymes', 'Elevated cardiac enzymes or markers', [
      'elevated troponin',
      'positive troponin',
      'elevated enzymes',
      'raised troponin',
      'troponin elevated',
      'troponin positive',
      'troponin raised',
      'enzymes elevated',
      'troponin leak',
    ]),
  ],
  output: { label: 'GRACE score', unit: 'points', decimals: 0 },
  compute: (v) =>
    stepPoints(
      v.age,
      [
        [30, 0],
        [40, 8],
        [50, 25],
        [60, 41],
        [70, 58],
        [80, 75],
        [90, 91],
      ],
      100,
    ) +
    stepPoints(
      v.heart_rate,
      [
        [50, 0],
        [70, 3],
        [90, 9],
        [110, 15],
        [150, 24],
        [200, 38],
      ],
      46,
    ) +
    stepPoints(
      v.systolic_bp,
      [
        [80, 58],
        [100, 53],
        [120, 43],
        [140, 34],
        [160, 24],
        [200, 10],
      ],
      0,
    ) +
    stepPoints(
      v.creatinine,
      [
        [0.4, 1],
        [0.8, 4],
        [1.2, 7],
        [1.6, 10],
        [2, 13],
        [4, 21],
      ],
      28,
    ) +
    { i: 0, ii: 20, iii: 39, iv: 59 }[v.killip] +
    pt(v.cardiac_arrest, 39) +
    pt(v.st_deviation, 28) +
    pt(v.elevated_enzymes, 14),
  bands: [
    { below: 109, text: 'Low risk (108 or less): in-hospital death under 1 % (NSTE-ACS).' },
    { below: 141, text: 'Intermediate risk (109–140): in-hospital death 1–3 % (NSTE-ACS).' },
    {
      text: 'High risk (above 140): in-hospital death over 3 % (NSTE-ACS); early invasive strategy.',
    },
  ],
  source: {
    citation:
      'Granger CB, Goldberg RJ, Dabbous O, et al. Predictors of hospital mortality in the Global Registry of Acute Coronary Events. Arch Intern Med. 2003;163:2345-2353.',
    year: 2003,
    doi: '10.1001/archinte.163.19.2345',
  },
  seeAlso: [
    {
      citation:
        'Hamm CW, Bassand JP, Agewall S, et al. ESC Guidelines for the management of acute coronary syndromes in patients presenting without persistent ST-segment elevation. Eur Heart J. 2011;32:2999-3054 (risk categories).',
      year: 2011,
    },
  ],
});

export const CARDIAC = [cha2ds2Vasc, hasBled, heartScore, grace] as const;
