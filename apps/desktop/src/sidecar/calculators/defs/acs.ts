import { defineCalculator } from '../types.js';
import { age, CREATININE, criterion, HEART_RATE, pt, stepPoints, SYSTOLIC } from './common.js';

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

export const ACS = [heartScore, grace] as const;
