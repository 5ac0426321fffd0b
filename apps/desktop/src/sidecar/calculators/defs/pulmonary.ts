import { defineCalculator, type Source } from '../types.js';
import { Q } from '../units.js';
import { age, criterion, DIASTOLIC, pt, RESP_RATE, SYSTOLIC } from './common.js';

const BP_CONFLICT = ({
  systolic_bp,
  diastolic_bp,
}: {
  systolic_bp: number;
  diastolic_bp: number;
}) =>
  diastolic_bp >= systolic_bp
    ? {
        inputs: ['systolic_bp', 'diastolic_bp'],
        message: `Diastolic ${diastolic_bp} is not below systolic ${systolic_bp}: which blood pressure is right?`,
      }
    : undefined;

export const curb65 = defineCalculator({
  id: 'curb-65',
  name: 'CURB-65 score for pneumonia severity',
  synonyms: ['curb 65', 'curb65', 'curb'],
  category: 'pulmonary',
  inputs: [
    criterion('confusion', 'New confusion', ['confusion', 'confused', 'disoriented']),
    {
      kind: 'number',
      name: 'bun',
      label: 'Blood urea nitrogen (or urea)',
      question: 'What is the BUN or urea?',
      quantity: Q.bun,
      range: [1, 300],
      spoken: ['bun', 'urea', 'blood urea nitrogen'],
    },
    RESP_RATE,
    SYSTOLIC,
    DIASTOLIC,
    age([18, 120]),
  ],
  output: { label: 'CURB-65', unit: 'points', decimals: 0 },
  conflicts: BP_CONFLICT,
  compute: (v) =>
    pt(v.confusion) +
    pt(v.bun > 19) + // urea > 7 mmol/L, as BUN in mg/dL
    pt(v.resp_rate >= 30) +
    pt(v.systolic_bp < 90 || v.diastolic_bp <= 60) +
    pt(v.age >= 65),
  bands: [
    { below: 2, text: 'Low severity (0–1): 30-day mortality 1.5 %; consider home treatment.' },
    { below: 3, text: 'Moderate severity (2): mortality 9.2 %; consider hospital treatment.' },
    { text: 'High severity (3–5): mortality 22 %; hospital care, consider ICU at 4–5.' },
  ],
  source: {
    citation:
      'Lim WS, van der Eerden MM, Laing R, et al. Defining community acquired pneumonia severity on presentation to hospital: an international derivation and validation study. Thorax. 2003;58:377-382.',
    year: 2003,
    doi: '10.1136/thorax.58.5.377',
  },
});

export const qsofa = defineCalculator({
  id: 'qsofa',
  name: 'qSOFA (quick SOFA)',
  synonyms: ['qsofa', 'quick sofa', 'q sofa'],
  category: 'pulmonary',
  inputs: [
    RESP_RATE,
    SYSTOLIC,
    criterion('altered_mentation', 'Altered mentation (GCS below 15)', [
      'altered mental status',
      'altered mentation',
      'confused',
      'confusion',
    ]),
  ],
  output: { label: 'qSOFA', unit: 'points', decimals: 0 },
  compute: (v) => pt(v.resp_rate >= 22) + pt(v.systolic_bp <= 100) + pt(v.altered_mentation),
  bands: [
    { below: 2, text: 'qSOFA negative (0–1): not by itself reassuring; keep reassessing.' },
    {
      text: 'qSOFA positive (2–3): higher risk of death or prolonged ICU stay in suspected infection; assess for organ dysfunction (SOFA).',
    },
  ],
  source: {
    citation:
      'Seymour CW, Liu VX, Iwashyna TJ, et al. Assessment of clinical criteria for sepsis: for the Third International Consensus Definitions for Sepsis and Septic Shock (Sepsis-3). JAMA. 2016;315:762-774.',
    year: 2016,
    doi: '10.1001/jama.2016.0288',
  },
});

const MCISAAC: Source = {
  citation:
    'McIsaac WJ, White D, Tannenbaum D, Low DE. A clinical score to reduce unnecessary antibiotic use in patients with sore throat. CMAJ. 1998;158:75-83.',
  year: 1998,
};

export const centor = defineCalculator({
  id: 'centor-mcisaac',
  name: 'Centor score, McIsaac modification (strep pharyngitis)',
  synonyms: ['centor', 'mcisaac', 'centor score', 'modified centor', 'strep score'],
  category: 'infection',
  inputs: [
    age([3, 120]),
    {
      kind: 'number',
      name: 'temperature',
      label: 'Temperature',
      question: "What is the patient's temperature?",
      quantity: Q.temperature,
      range: [30, 44],
      spoken: ['temperature', 'temp', 'fever of', 'febrile to'],
    },
    criterion('cough_absent', 'Cough absent', [
      'no cough',
      'cough absent',
      'without cough',
      '!cough',
      '!coughing',
    ]),
    criterion('tender_nodes', 'Tender or swollen anterior cervical nodes', [
      'tender nodes',
      'swollen nodes',
      'cervical lymphadenopathy',
      'anterior cervical nodes',
    ]),
    criterion('tonsillar_exudate', 'Tonsillar swelling or exudate', [
      'exudate',
      'tonsillar exudate',
      'tonsillar swelling',
    ]),
  ],
  output: { label: 'McIsaac score', unit: 'points', decimals: 0 },
  compute: (v) =>
    pt(v.temperature > 38) +
    pt(v.cough_absent) +
    pt(v.tender_nodes) +
    pt(v.tonsillar_exudate) +
    (v.age < 15 ? 1 : v.age >= 45 ? -1 : 0),
  bands: [
    {
      below: 2,
      text: 'Score 0–1: low risk of streptococcal pharyngitis; no throat culture or antibiotics.',
    },
    { below: 4, text: 'Score 2–3: culture or rapid antigen test; antibiotics only if positive.' },
    { text: 'Score 4–5: high risk; culture or test, and treat as local guidance advises.' },
  ],
  source: MCISAAC,
  seeAlso: [
    {
      citation:
        'Centor RM, Witherspoon JM, Dalton HP, Brody CE, Link K. The diagnosis of strep throat in adults in the emergency room. Med Decis Making. 1981;1:239-246.',
      year: 1981,
    },
  ],
  notes: 'Age bands: 3–14 years +1, 15–44 0, 45 and over −1. Fever means temperature above 38 °C.',
});

export const aaGradient = defineCalculator({
  id: 'aa-gradient',
  name: 'Alveolar–arterial (A–a) oxygen gradient',
  synonyms: [
    'a a gradient',
    'aa gradient',
    'a-a gradient',
    'alveolar arterial gradient',
    'aado2',
    'a a o2 gradient',
  ],
  category: 'pulmonary',
  inputs: [
    {
      kind: 'number',
      name: 'fio2',
      label: 'FiO₂',
      question: 'What is the FiO2 (inspired oxygen fraction)?',
      quantity: Q.fraction,
      range: [0.21, 1],
      spoken: ['fio2', 'fi o2', 'inspired oxygen', 'fraction of inspired oxygen'],
    },
    {
      kind: 'number',
      name: 'pao2',
      label: 'PaO₂',
      question: 'What is the arterial PaO2?',
      quantity: Q.pressure,
      range: [20, 700],
      spoken: ['pao2', 'pa o2', 'arterial oxygen', 'po2'],
    },
    {
      kind: 'number',
      name: 'paco2',
      label: 'PaCO₂',
      question: 'What is the arterial PaCO2?',
      quantity: Q.pressure,
      range: [5, 150],
      spoken: ['paco2', 'pa co2', 'pco2', 'arterial co2'],
    },
    { ...age([0, 120]), optional: true },
    {
      kind: 'number',
      name: 'barometric_pressure',
      label: 'Barometric pressure',
      question: 'What is the barometric pressure?',
      quantity: Q.pressure,
      range: [400, 800],
      default: 760,
      spoken: ['barometric pressure', 'atmospheric pressure', 'patm'],
    },
    {
      kind: 'number',
      name: 'respiratory_quotient',
      label: 'Respiratory quotient',
      question: 'What respiratory quotient should be used?',
      quantity: Q.ratio,
      range: [0.6, 1.3],
      default: 0.8,
      spoken: ['respiratory quotient', 'rq'],
    },
  ],
  output: { label: 'A–a gradient', unit: 'mmHg', decimals: 0 },
  compute: (v) => v.fio2 * (v.barometric_pressure - 47) - v.paco2 / v.respiratory_quotient - v.pao2,
  conflicts: (v) => {
    const alveolar = v.fio2 * (v.barometric_pressure - 47) - v.paco2 / v.respiratory_quotient;
    return v.pao2 > alveolar + 5
      ? {
          inputs: ['pao2', 'fio2'],
          message: `A PaO2 of ${Math.round(v.pao2)} mmHg is above the alveolar PO2 of ${Math.round(alveolar)} mmHg at this FiO2: check the FiO2 and the gases.`,
        }
      : undefined;
  },
  details: (v) => ({
    alveolar_po2_mmHg:
      Math.round((v.fio2 * (v.barometric_pressure - 47) - v.paco2 / v.respiratory_quotient) * 10) /
      10,
    ...(v.age === undefined
      ? {}
      : { expected_upper_limit_mmHg: Math.round((v.age / 4 + 4) * 10) / 10 }),
  }),
  interpret: (value, v) => {
    const limit = v.age === undefined ? 15 : v.age / 4 + 4;
    const basis =
      v.age === undefined
        ? 'about 15 mmHg in young adults on room air'
        : `age/4 + 4 = ${Math.round(limit)} mmHg for this age`;
    return value > limit
      ? `Raised A–a gradient (expected up to ${basis}): V/Q mismatch, shunt or diffusion limit.`
      : `A–a gradient within the expected range (up to ${basis}): hypoxaemia, if present, suggests hypoventilation or low inspired oxygen.`;
  },
  source: {
    citation:
      'Riley RL, Cournand A. “Ideal” alveolar air and the analysis of ventilation-perfusion relationships in the lungs. J Appl Physiol. 1949;1:825-847 (alveolar gas equation).',
    year: 1949,
  },
  notes:
    'Water vapour pressure 47 mmHg at 37 °C. The age-adjusted upper limit age/4 + 4 is a bedside rule for room air.',
});

export const PULMONARY = [curb65, qsofa, centor, aaGradient] as const;
