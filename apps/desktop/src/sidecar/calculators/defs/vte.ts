import { defineCalculator } from '../types.js';
import { Q } from '../units.js';
import { age, criterion, HEART_RATE, pt } from './common.js';

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

export const VTE = [wellsPe, wellsDvt, perc] as const;
