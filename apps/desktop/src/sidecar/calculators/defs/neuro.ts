import { defineCalculator } from '../types.js';
import { Q } from '../units.js';
import { age, criterion, DIASTOLIC, pt, scoreItem, SYSTOLIC } from './common.js';

export const gcs = defineCalculator({
  id: 'gcs',
  name: 'Glasgow Coma Scale',
  synonyms: ['gcs', 'glasgow coma scale', 'glasgow coma score', 'glasgow'],
  category: 'neuro',
  inputs: [
    scoreItem(
      'eye',
      'Eye opening (1 none, 2 to pain, 3 to sound, 4 spontaneous)',
      4,
      ['eye', 'eyes', 'e'],
      1,
    ),
    scoreItem(
      'verbal',
      'Verbal response (1 none, 2 sounds, 3 words, 4 confused, 5 oriented)',
      5,
      ['verbal', 'v'],
      1,
    ),
    scoreItem(
      'motor',
      'Motor response (1 none, 2 extension, 3 abnormal flexion, 4 withdrawal, 5 localising, 6 obeys)',
      6,
      ['motor', 'm'],
      1,
    ),
  ],
  output: { label: 'GCS', unit: 'points', decimals: 0 },
  compute: (v) => v.eye + v.verbal + v.motor,
  bands: [
    { below: 9, text: 'Severe (3–8): coma; protect the airway.' },
    { below: 13, text: 'Moderate (9–12).' },
    { text: 'Mild (13–15).' },
  ],
  source: {
    citation:
      'Teasdale G, Jennett B. Assessment of coma and impaired consciousness: a practical scale. Lancet. 1974;2:81-84.',
    year: 1974,
    doi: '10.1016/S0140-6736(74)91639-0',
  },
  notes:
    'Report the components (E, V, M) with the total; intubated patients cannot be scored verbally.',
});

export const apgar = defineCalculator({
  id: 'apgar',
  name: 'APGAR score',
  synonyms: ['apgar', 'apgar score'],
  category: 'neonatal',
  inputs: [
    scoreItem('appearance', 'Appearance (0 blue or pale, 1 blue extremities, 2 pink)', 2, [
      'appearance',
      'color',
      'colour',
    ]),
    scoreItem('pulse', 'Pulse (0 absent, 1 below 100, 2 100 or more)', 2, ['pulse', 'heart rate']),
    scoreItem('grimace', 'Grimace, reflex irritability (0 none, 1 grimace, 2 cry or cough)', 2, [
      'grimace',
      'reflex',
    ]),
    scoreItem('activity', 'Activity, muscle tone (0 limp, 1 some flexion, 2 active motion)', 2, [
      'activity',
      'tone',
    ]),
    scoreItem('respiration', 'Respiration (0 absent, 1 slow or irregular, 2 good cry)', 2, [
      'respiration',
      'breathing',
    ]),
  ],
  output: { label: 'APGAR', unit: 'points', decimals: 0 },
  compute: (v) => v.appearance + v.pulse + v.grimace + v.activity + v.respiration,
  bands: [
    { below: 4, text: 'Low (0–3).' },
    { below: 7, text: 'Moderately abnormal (4–6).' },
    { text: 'Reassuring (7–10).' },
  ],
  source: {
    citation:
      'Apgar V. A proposal for a new method of evaluation of the newborn infant. Curr Res Anesth Analg. 1953;32:260-267.',
    year: 1953,
  },
  seeAlso: [
    {
      citation:
        'American Academy of Pediatrics Committee on Fetus and Newborn; ACOG Committee on Obstetric Practice. The Apgar score. Pediatrics. 2015;136:819-822 (bands).',
      year: 2015,
    },
  ],
  notes: 'Scored at 1 and 5 minutes (and every 5 minutes to 20 while below 7).',
});

export const abcd2 = defineCalculator({
  id: 'abcd2',
  name: 'ABCD² score for TIA',
  synonyms: ['abcd2', 'abcd 2', 'abcd squared', 'abcd two', 'abcd'],
  category: 'neuro',
  inputs: [
    age([18, 120]),
    SYSTOLIC,
    DIASTOLIC,
    {
      kind: 'choice',
      name: 'clinical',
      label: 'Clinical features',
      question: 'Was there unilateral weakness, speech disturbance without weakness, or neither?',
      options: [
        {
          value: 'weakness',
          label: 'unilateral weakness',
          spoken: ['unilateral weakness', 'weakness', 'hemiparesis'],
        },
        {
          value: 'speech',
          label: 'speech disturbance without weakness',
          spoken: ['speech disturbance', 'dysarthria', 'aphasia', 'speech'],
        },
        { value: 'other', label: 'other symptoms', spoken: ['other symptoms', 'neither'] },
      ],
    },
    {
      kind: 'number',
      name: 'duration',
      label: 'Duration of symptoms',
      question: 'How long did the symptoms last?',
      quantity: Q.minutes,
      range: [0, 1440],
      spoken: ['duration', 'lasted', 'lasting'],
    },
    criterion('diabetes', 'Diabetes', ['diabetes', 'diabetic']),
  ],
  output: { label: 'ABCD²', unit: 'points', decimals: 0 },
  conflicts: ({ systolic_bp, diastolic_bp }) =>
    diastolic_bp >= systolic_bp
      ? {
          inputs: ['systolic_bp', 'diastolic_bp'],
          message: `Diastolic ${diastolic_bp} is not below systolic ${systolic_bp}: which blood pressure is right?`,
        }
      : undefined,
  compute: (v) =>
    pt(v.age >= 60) +
    pt(v.systolic_bp >= 140 || v.diastolic_bp >= 90) +
    { weakness: 2, speech: 1, other: 0 }[v.clinical] +
    (v.duration >= 60 ? 2 : v.duration >= 10 ? 1 : 0) +
    pt(v.diabetes),
  bands: [
    { below: 4, text: 'Low risk (0–3): 2-day stroke risk 1.0 %.' },
    { below: 6, text: 'Moderate risk (4–5): 2-day stroke risk 4.1 %.' },
    { text: 'High risk (6–7): 2-day stroke risk 8.1 %.' },
  ],
  source: {
    citation:
      'Johnston SC, Rothwell PM, Nguyen-Huynh MN, et al. Validation and refinement of scores to predict very early stroke risk after transient ischaemic attack. Lancet. 2007;369:283-292.',
    year: 2007,
    doi: '10.1016/S0140-6736(07)60150-0',
  },
});

const NIHSS_ITEMS = [
  scoreItem('loc', '1a Level of consciousness (0–3)', 3, ['1a', 'level of consciousness', 'loc']),
  scoreItem('loc_questions', '1b LOC questions (0–2)', 2, ['1b', 'loc questions']),
  scoreItem('loc_commands', '1c LOC commands (0–2)', 2, ['1c', 'loc commands']),
  scoreItem('gaze', '2 Best gaze (0–2)', 2, ['gaze', 'best gaze']),
  scoreItem('visual', '3 Visual fields (0–3)', 3, ['visual', 'visual fields']),
  scoreItem('facial_palsy', '4 Facial palsy (0–3)', 3, ['facial palsy', 'facial']),
  scoreItem('motor_arm_left', '5a Motor arm, left (0–4)', 4, ['5a', 'left arm']),
  scoreItem('motor_arm_right', '5b Motor arm, right (0–4)', 4, ['5b', 'right arm']),
  scoreItem('motor_leg_left', '6a Motor leg, left (0–4)', 4, ['6a', 'left leg']),
  scoreItem('motor_leg_right', '6b Motor leg, right (0–4)', 4, ['6b', 'right leg']),
  scoreItem('ataxia', '7 Limb ataxia (0–2)', 2, ['ataxia', 'limb ataxia']),
  scoreItem('sensory', '8 Sensory (0–2)', 2, ['sensory']),
  scoreItem('language', '9 Best language (0–3)', 3, ['language', 'aphasia']),
  scoreItem('dysarthria', '10 Dysarthria (0–2)', 2, ['dysarthria']),
  scoreItem('extinction', '11 Extinction and inattention (0–2)', 2, [
    'extinction',
    'inattention',
    'neglect',
  ]),
] as const;

export const nihss = defineCalculator({
  id: 'nihss',
  name: 'NIH Stroke Scale',
  synonyms: ['nihss', 'nih stroke scale', 'nih stroke score', 'stroke scale'],
  category: 'neuro',
  inputs: NIHSS_ITEMS,
  output: { label: 'NIHSS', unit: 'points', decimals: 0 },
  compute: (v) =>
    v.loc +
    v.loc_questions +
    v.loc_commands +
    v.gaze +
    v.visual +
    v.facial_palsy +
    v.motor_arm_left +
    v.motor_arm_right +
    v.motor_leg_left +
    v.motor_leg_right +
    v.ataxia +
    v.sensory +
    v.language +
    v.dysarthria +
    v.extinction,
  bands: [
    { below: 1, text: 'No stroke symptoms (0).' },
    { below: 5, text: 'Minor stroke (1–4).' },
    { below: 16, text: 'Moderate stroke (5–15).' },
    { below: 21, text: 'Moderate to severe stroke (16–20).' },
    { text: 'Severe stroke (21–42).' },
  ],
  source: {
    citation:
      'Brott T, Adams HP Jr, Olinger CP, et al. Measurements of acute cerebral infarction: a clinical examination scale. Stroke. 1989;20:864-870.',
    year: 1989,
    doi: '10.1161/01.STR.20.7.864',
  },
  notes: 'Items as in the current NINDS form; an untestable (UN) item scores 0 toward the total.',
});

export const NEURO = [gcs, apgar, abcd2, nihss] as const;
