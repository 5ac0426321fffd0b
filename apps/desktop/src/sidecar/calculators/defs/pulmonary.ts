import { defineCalculator, type Source } from '../types.js';
import { Q } from '../units.js';
import { age, criterion, DIASTOLIC, HEART_RATE, pt, RESP_RATE, SYSTOLIC } from './common.js';

export const wellsPe = defineCalculator({
  id: 'wells-pe',
  name: "Wells' criteria for pulmonary embolism",
  synonyms: [
    'wells pe',
    'wells pulmonary embolism',
    'wells score pe',
    'wells for pe',
    'wells criteria pe',
  ],
  category: 'pulmonary',
  inputs: [
    criterion('dvt_signs', 'Clinical signs and symptoms of DVT', [
      'signs of dvt',
      'dvt signs',
      'leg swelling',
    ]),
    criterion('pe_likely', 'PE is the most likely diagnosis (or equally likely)', [
      'pe most likely',
      'pe is most likely',
      'pe likely',
    ]),
    HEART_RATE,
    criterion(
      'immobilization_surgery',
      'Immobilisation for 3 or more days, or surgery in the previous 4 weeks',
      ['immobilization', 'immobilisation', 'recent surgery', 'bedridden'],
    ),
    criterion('previous_vte', 'Previous DVT or PE', [
      'previous dvt',
      'previous pe',
      'prior dvt',
      'prior pe',
      'history of dvt',
      'history of pe',
    ]),
    criterion('hemoptysis', 'Haemoptysis', ['hemoptysis', 'haemoptysis', 'coughing blood']),
    criterion('malignancy', 'Malignancy (treated within 6 months, or palliative)', [
      'malignancy',
      'cancer',
      'active cancer',
    ]),
  ],
  output: { label: "Wells' PE score", unit: 'points', decimals: 1 },
  compute: (v) =>
    pt(v.dvt_signs, 3) +
    pt(v.pe_likely, 3) +
    pt(v.heart_rate > 100, 1.5) +
    pt(v.immobilization_surgery, 1.5) +
    pt(v.previous_vte, 1.5) +
    pt(v.hemoptysis) +
    pt(v.malignancy),
  bands: [
    { below: 2, text: 'Low probability (below 2); two-tier: PE unlikely (4 or less).' },
    { below: 4.5, text: 'Moderate probability (2–6); two-tier: PE unlikely (4 or less).' },
    { below: 6.5, text: 'Moderate probability (2–6); two-tier: PE likely (above 4).' },
    { text: 'High probability (above 6); two-tier: PE likely (above 4).' },
  ],
  source: {
    citation:
      'Wells PS, Anderson DR, Rodger M, et al. Derivation of a simple clinical model to categorize patients probability of pulmonary embolism: increasing the models utility with the SimpliRED D-dimer. Thromb Haemost. 2000;83:416-420.',
    year: 2000,
  },
});

export const wellsDvt = defineCalculator({
  id: 'wells-dvt',
  name: "Wells' criteria for DVT",
  synonyms: [
    'wells dvt',
    'wells deep vein thrombosis',
    'wells score dvt',
    'wells for dvt',
    'wells criteria dvt',
  ],
  category: 'pulmonary',
  inputs: [
    criterion('active_cancer', 'Active cancer (treatment within 6 months, or palliative)', [
      'active cancer',
      'cancer',
      'malignancy',
    ]),
    criterion('bedridden_surgery', 'Bedridden 3 or more days, or major surgery within 12 weeks', [
      'bedridden',
      'major surgery',
      'recent surgery',
    ]),
    criterion('calf_swelling', 'Calf swelling more than 3 cm compared with the other leg', [
      'calf swelling',
    ]),
    criterion('collateral_veins', 'Collateral (non-varicose) superficial veins', [
      'collateral veins',
      'superficial veins',
    ]),
    criterion('entire_leg_swollen', 'Entire leg swollen', [
      'entire leg swollen',
      'whole leg swollen',
    ]),
    criterion('localized_tenderness', 'Localised tenderness along the deep venous system', [
      'tenderness',
      'localized tenderness',
    ]),
    criterion('pitting_edema', 'Pitting oedema confined to the symptomatic leg', [
      'pitting edema',
      'pitting oedema',
    ]),
    criterion('paralysis_cast', 'Paralysis, paresis or recent plaster immobilisation of the leg', [
      'paralysis',
      'paresis',
      'plaster cast',
      'cast',
    ]),
    criterion('previous_dvt', 'Previously documented DVT', [
      'previous dvt',
      'prior dvt',
      'history of dvt',
    ]),
    criterion('alternative_diagnosis', 'Alternative diagnosis at least as likely as DVT', [
      'alternative diagnosis',
      'other diagnosis more likely',
    ]),
  ],
  output: { label: "Wells' DVT score", unit: 'points', decimals: 0 },
  compute: (v) =>
    pt(v.active_cancer) +
    pt(v.bedridden_surgery) +
    pt(v.calf_swelling) +
    pt(v.collateral_veins) +
    pt(v.entire_leg_swollen) +
    pt(v.localized_tenderness) +
    pt(v.pitting_edema) +
    pt(v.paralysis_cast) +
    pt(v.previous_dvt) -
    pt(v.alternative_diagnosis, 2),
  bands: [
    { below: 1, text: 'Low probability (0 or less); DVT unlikely (below 2): D-dimer to rule out.' },
    { below: 2, text: 'Moderate probability (1–2); DVT unlikely (below 2): D-dimer to rule out.' },
    { below: 3, text: 'Moderate probability (1–2); DVT likely (2 or more): ultrasound.' },
    { text: 'High probability (3 or more); DVT likely (2 or more): ultrasound.' },
  ],
  source: {
    citation:
      'Wells PS, Anderson DR, Rodger M, et al. Evaluation of D-dimer in the diagnosis of suspected deep-vein thrombosis. N Engl J Med. 2003;349:1227-1235.',
    year: 2003,
    doi: '10.1056/NEJMoa023153',
  },
  seeAlso: [
    {
      citation:
        'Wells PS, Anderson DR, Bormanis J, et al. Value of assessment of pretest probability of deep-vein thrombosis in clinical management. Lancet. 1997;350:1795-1798 (three-tier bands).',
      year: 1997,
    },
  ],
});

const SPO2 = {
  kind: 'number',
  name: 'spo2',
  label: 'Oxygen saturation on room air',
  question: 'What is the oxygen saturation on room air?',
  quantity: Q.percent,
  range: [50, 100],
  spoken: ['saturation', 'sats', 'spo2', 'o2 sat', 'oxygen saturation', 'sao2', 'pulse ox'],
} as const;

export const perc = defineCalculator({
  id: 'perc',
  name: 'PERC rule for pulmonary embolism',
  synonyms: ['perc', 'perc rule', 'pe rule out criteria', 'pulmonary embolism rule out criteria'],
  category: 'pulmonary',
  inputs: [
    age([18, 120]),
    HEART_RATE,
    SPO2,
    criterion('leg_swelling', 'Unilateral leg swelling', [
      'leg swelling',
      'unilateral leg swelling',
    ]),
    criterion('hemoptysis', 'Haemoptysis', ['hemoptysis', 'haemoptysis']),
    criterion('surgery_trauma', 'Surgery or trauma within 4 weeks needing general anaesthesia', [
      'recent surgery',
      'recent trauma',
      'surgery',
      'trauma',
    ]),
    criterion('previous_vte', 'Previous PE or DVT', [
      'previous dvt',
      'previous pe',
      'prior dvt',
      'prior pe',
    ]),
    criterion('hormone_use', 'Hormone use (oral contraceptives, hormone replacement or estrogen)', [
      'hormone use',
      'oral contraceptives',
      'ocp',
      'estrogen',
      'hormone replacement',
      'hormones',
      'hormone therapy',
      'the pill',
    ]),
  ],
  output: { label: 'PERC criteria met', unit: 'criteria', decimals: 0 },
  compute: (v) =>
    pt(v.age >= 50) +
    pt(v.heart_rate >= 100) +
    pt(v.spo2 < 95) +
    pt(v.leg_swelling) +
    pt(v.hemoptysis) +
    pt(v.surgery_trauma) +
    pt(v.previous_vte) +
    pt(v.hormone_use),
  bands: [
    {
      below: 1,
      text: 'PERC negative: if the clinical (gestalt) probability is low (below 15 %), PE is ruled out without further testing.',
    },
    { text: 'PERC positive: PE cannot be ruled out by PERC; consider D-dimer or imaging.' },
  ],
  source: {
    citation:
      'Kline JA, Mitchell AM, Kabrhel C, Richman PB, Courtney DM. Clinical criteria to prevent unnecessary diagnostic testing in emergency department patients with suspected pulmonary embolism. J Thromb Haemost. 2004;2:1247-1255.',
    year: 2004,
    doi: '10.1111/j.1538-7836.2004.00790.x',
  },
});

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
    criterion('cough_absent', 'Cough absent', ['no cough', 'cough absent', 'without cough']),
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

export const PULMONARY = [wellsPe, wellsDvt, perc, curb65, qsofa, centor, aaGradient] as const;
