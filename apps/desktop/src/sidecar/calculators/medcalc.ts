import type { RawInput, RawInputs } from './engine.js';
import { CalcError } from './errors.js';
import { normalizeName } from './match.js';

/**
 * Reads MedCalc-Bench requests: a calculator name as the benchmark writes it and its "relevant
 * entities" (values as [number, unit], booleans, counts, strings). Two conventions of the
 * benchmark are applied here and nowhere else: a criterion the note does not mention counts as
 * absent, and its Cockcroft-Gault question asks for the BMI-guided weight. Entities map onto our
 * inputs by name; an entity we do not know is an error, so nothing is silently dropped.
 */

type Entity = unknown;

interface Mapping {
  readonly id: string;
  /** MedCalc entity name (normalised) → our input name, or a function combining entities. */
  readonly entities: Readonly<
    Record<string, string | ((value: Entity, into: Record<string, RawInput>) => void)>
  >;
  /** Inputs fixed by the benchmark's question (e.g. Cockcroft-Gault weight basis). */
  readonly fixed?: Readonly<Record<string, number | boolean | string>>;
  /** Criteria that count as absent when the note does not mention them. */
  readonly absentIfMissing?: readonly string[];
}

const PROVENANCE = 'conversation' as const;

function asRaw(value: Entity, name: string): RawInput {
  if (Array.isArray(value)) {
    const [n, unit] = value as unknown[];
    if (typeof n === 'number' && typeof unit === 'string')
      return { value: n, unit, provenance: PROVENANCE };
  }
  if (typeof value === 'number' || typeof value === 'boolean')
    return { value, provenance: PROVENANCE };
  if (typeof value === 'string')
    return { value: value.trim().toLowerCase(), provenance: PROVENANCE };
  throw new CalcError(
    'CALC_INPUT_INVALID',
    `Entity "${name}" has a value of an unsupported shape.`,
    name,
  );
}

/** Several MedCalc entities feed one of our criteria: true if any of them is true. */
const anyOf =
  (input: string) =>
  (value: Entity, into: Record<string, RawInput>): void => {
    const prior = into[input]?.value === true;
    into[input] = { value: prior || value === true, provenance: PROVENANCE };
  };

const SEX_AGE = { sex: 'sex', age: 'age' } as const;
const QTC = { 'heart rate or pulse': 'heart_rate', 'qt interval': 'qt' } as const;

const MAPPINGS: Readonly<Record<string, Mapping>> = {
  'creatinine clearance cockcroft gault equation': {
    id: 'crcl-cockcroft-gault',
    entities: { ...SEX_AGE, weight: 'weight', height: 'height', creatinine: 'creatinine' },
    fixed: { weight_basis: 'bmi' },
  },
  'ckd epi equations for glomerular filtration rate': {
    id: 'egfr-ckd-epi-2021',
    entities: { ...SEX_AGE, creatinine: 'creatinine' },
  },
  'mdrd gfr equation': {
    id: 'egfr-mdrd',
    entities: {
      ...SEX_AGE,
      creatinine: 'creatinine',
      race: (v, into) => {
        into.black = { value: typeof v === 'string' && /black/i.test(v), provenance: PROVENANCE };
      },
    },
    absentIfMissing: ['black'],
  },
  'cha2ds2 vasc score for atrial fibrillation stroke risk': {
    id: 'cha2ds2-vasc',
    entities: {
      ...SEX_AGE,
      'congestive heart failure': 'chf',
      'congestive heart faliure': 'chf',
      'hypertension history': 'hypertension',
      'diabetes history': 'diabetes',
      'vascular disease history': 'vascular',
      stroke: anyOf('stroke_tia'),
      'transient ischemic attacks history': anyOf('stroke_tia'),
      'thromboembolism history': anyOf('stroke_tia'),
    },
    absentIfMissing: ['chf', 'hypertension', 'diabetes', 'vascular', 'stroke_tia'],
  },
  'body mass index bmi': { id: 'bmi', entities: { weight: 'weight', height: 'height' } },
  'body surface area calculator': {
    id: 'bsa-mosteller',
    entities: { weight: 'weight', height: 'height' },
  },
  'ideal body weight': { id: 'ideal-body-weight', entities: { sex: 'sex', height: 'height' } },
  'adjusted body weight': {
    id: 'adjusted-body-weight',
    entities: { sex: 'sex', height: 'height', weight: 'weight' },
  },
  'calcium correction for hypoalbuminemia': {
    id: 'corrected-calcium',
    entities: { calcium: 'calcium', albumin: 'albumin' },
  },
  'sodium correction for hyperglycemia': {
    id: 'corrected-sodium',
    entities: { sodium: 'sodium', glucose: 'glucose' },
    fixed: { coefficient: 'hillier' },
  },
  'anion gap': {
    id: 'anion-gap',
    entities: { sodium: 'sodium', chloride: 'chloride', bicarbonate: 'bicarbonate' },
  },
  'albumin corrected anion gap': {
    id: 'anion-gap-albumin-corrected',
    entities: {
      sodium: 'sodium',
      chloride: 'chloride',
      bicarbonate: 'bicarbonate',
      albumin: 'albumin',
    },
  },
  'free water deficit': {
    id: 'free-water-deficit',
    entities: { ...SEX_AGE, weight: 'weight', sodium: 'sodium' },
  },
  'wells criteria for pulmonary embolism': {
    id: 'wells-pe',
    entities: {
      'heart rate or pulse': 'heart_rate',
      'clinical signs and symptoms of deep vein thrombosis': 'dvt_signs',
      'pulmonary embolism is 1 diagnosis or equally likely': 'pe_likely',
      'immobilization for at least 3 days': anyOf('immobilization_surgery'),
      'surgery in the previous 4 weeks': anyOf('immobilization_surgery'),
      'previously documented pulmonary embolism': anyOf('previous_vte'),
      'previously documented deep vein thrombosis': anyOf('previous_vte'),
      hemoptysis: 'hemoptysis',
      'malignancy with treatment within 6 months or palliative': 'malignancy',
    },
    absentIfMissing: [
      'dvt_signs',
      'pe_likely',
      'immobilization_surgery',
      'previous_vte',
      'hemoptysis',
      'malignancy',
    ],
  },
  'wells criteria for dvt': {
    id: 'wells-dvt',
    entities: {
      'active cancer': 'active_cancer',
      'bedridden recently 3 days or major surgery within 12 weeks': anyOf('bedridden_surgery'),
      'bedridden recently 3 days': anyOf('bedridden_surgery'),
      'major surgery within 12 weeks': anyOf('bedridden_surgery'),
      'calf swelling 3 centimeters compared to the other leg': 'calf_swelling',
      'collateral nonvaricose superficial veins present': 'collateral_veins',
      'entire leg swollen': 'entire_leg_swollen',
      'localized tenderness along the deep venous system': 'localized_tenderness',
      'pitting edema confined to symptomatic leg': 'pitting_edema',
      'paralysis paresis or recent plaster immobilization of the lower extremity': 'paralysis_cast',
      'previously documented deep vein thrombosis': 'previous_dvt',
      'alternative diagnosis to deep vein thrombosis as likely or more likely':
        'alternative_diagnosis',
    },
    absentIfMissing: [
      'active_cancer',
      'bedridden_surgery',
      'calf_swelling',
      'collateral_veins',
      'entire_leg_swollen',
      'localized_tenderness',
      'pitting_edema',
      'paralysis_cast',
      'previous_dvt',
      'alternative_diagnosis',
    ],
  },
  'perc rule for pulmonary embolism': {
    id: 'perc',
    entities: {
      age: 'age',
      'heart rate or pulse': 'heart_rate',
      'o2 saturation percentage': 'spo2',
      'unilateral leg swelling': 'leg_swelling',
      hemoptysis: 'hemoptysis',
      'recent surgery or trauma': 'surgery_trauma',
      'previously documented deep vein thrombosis': anyOf('previous_vte'),
      'previously documented pulmonary embolism': anyOf('previous_vte'),
      'hormone use': 'hormone_use',
    },
    absentIfMissing: [
      'leg_swelling',
      'hemoptysis',
      'surgery_trauma',
      'previous_vte',
      'hormone_use',
    ],
  },
  'has bled score for major bleeding risk': {
    id: 'has-bled',
    entities: {
      age: 'age',
      hypertension: 'hypertension',
      'hypertension history': 'hypertension',
      'renal disease criteria for the has bled rule': 'renal',
      'liver disease criteria for the has bled rule': 'liver',
      stroke: 'stroke',
      'prior major bleeding or predisposition to bleeding': 'bleeding',
      'labile international normalized ratio': 'labile_inr',
      'medication usage predisposing to bleeding': 'drugs',
      // Pisters 2010: alcohol counts at 8 or more drinks a week.
      'number of alcoholic drinks per week': (v, into) => {
        const n = Array.isArray(v) ? (v as unknown[])[0] : v;
        into.alcohol = { value: typeof n === 'number' && n >= 8, provenance: PROVENANCE };
      },
    },
    absentIfMissing: [
      'hypertension',
      'renal',
      'liver',
      'stroke',
      'bleeding',
      'labile_inr',
      'drugs',
      'alcohol',
    ],
  },
  'curb 65 score for pneumonia severity': {
    id: 'curb-65',
    entities: {
      age: 'age',
      confusion: 'confusion',
      'blood urea nitrogen bun': 'bun',
      'respiratory rate': 'resp_rate',
      'systolic blood pressure': 'systolic_bp',
      'diastolic blood pressure': 'diastolic_bp',
    },
    absentIfMissing: ['confusion'],
  },
  'centor score modified mcisaac for strep pharyngitis': {
    id: 'centor-mcisaac',
    entities: {
      age: 'age',
      temperature: 'temperature',
      'cough absent': 'cough_absent',
      'tender swollen anterior cervical lymph nodes': 'tender_nodes',
      'exudate or swelling on tonsils': 'tonsillar_exudate',
    },
    absentIfMissing: ['cough_absent', 'tender_nodes', 'tonsillar_exudate'],
  },
  'meld na unos optn': {
    id: 'meld-na',
    entities: {
      creatinine: 'creatinine',
      bilirubin: 'bilirubin',
      'international normalized ratio': 'inr',
      sodium: 'sodium',
      'continuous veno venous hemodialysis for 24 hours in the past week': anyOf('dialysis'),
      'dialysis at least twice in the past week': anyOf('dialysis'),
    },
    absentIfMissing: ['dialysis'],
  },
  'qtc bazett calculator': { id: 'qtc-bazett', entities: QTC },
  'qtc fridericia calculator': { id: 'qtc-fridericia', entities: QTC },
  'qtc framingham calculator': { id: 'qtc-framingham', entities: QTC },
  'qtc hodges calculator': { id: 'qtc-hodges', entities: QTC },
};

/** Names of the MedCalc-Bench calculators this library answers. */
export const MEDCALC_NAMES: readonly string[] = Object.keys(MAPPINGS);

export interface MedcalcRequest {
  readonly calculatorId: string;
  readonly inputs: RawInputs;
}

/** Translates one MedCalc-Bench request; throws CalcError when it cannot be read faithfully. */
export function fromMedcalc(
  calculator: string,
  entities: Readonly<Record<string, Entity>>,
): MedcalcRequest {
  const mapping = MAPPINGS[normalizeName(calculator)];
  if (!mapping)
    throw new CalcError(
      'CALC_UNKNOWN',
      `No calculator here answers the MedCalc-Bench calculator "${calculator}".`,
    );
  const inputs: Record<string, RawInput> = {};
  for (const [name, value] of Object.entries(entities)) {
    const target = mapping.entities[normalizeName(name)];
    if (target === undefined)
      throw new CalcError(
        'CALC_INPUT_UNKNOWN',
        `MedCalc entity "${name}" has no input in ${mapping.id}.`,
        name,
      );
    if (typeof target === 'function') target(value, inputs);
    else inputs[target] = asRaw(value, name);
  }
  for (const [name, value] of Object.entries(mapping.fixed ?? {}))
    inputs[name] = { value, provenance: 'default' };
  for (const name of mapping.absentIfMissing ?? [])
    inputs[name] ??= { value: false, provenance: 'default' };
  return { calculatorId: mapping.id, inputs };
}
