/**
 * Synthetic training notes with surrogate identifiers from @faker-js/faker (every locale it has:
 * Latin, Greek, Cyrillic and other scripts, each locale's own address, postcode and phone
 * formats). Templates are written from the general forms clinical text takes — clinician
 * questions, nursing notes in lower or upper case, signatures, form fields, chat turns, postal
 * addresses — and from clinical prose that must stay (drugs, eponymous diseases, devices, scores,
 * institutes, ontologies). No dev-set name, place or sentence is used. Fixed by a seed.
 */
import { allFakers, type Faker } from '@faker-js/faker';
import type { PhiType } from '../src/types.js';
import { rng, type Doc, type GoldSpan } from './corpus.js';

type Slot = (f: Faker, r: () => number) => { text: string; type: PhiType | null };

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: () => number, lo: number, hi: number): number =>
  lo + Math.floor(r() * (hi - lo + 1));
const pad = (n: number): string => String(n).padStart(2, '0');

const DRUGS =
  `metformin lisinopril atorvastatin warfarin apixaban heparin furosemide insulin glargine
amoxicillin vancomycin piperacillin-tazobactam ceftriaxone levofloxacin prednisone methylprednisolone
levothyroxine amlodipine metoprolol carvedilol digoxin amiodarone morphine hydromorphone fentanyl
oxycodone acetaminophen ibuprofen ketorolac ondansetron pantoprazole omeprazole famotidine sertraline
fluoxetine gabapentin pregabalin levetiracetam phenytoin lorazepam midazolam haloperidol quetiapine
albuterol ipratropium tiotropium budesonide montelukast losartan spironolactone hydrochlorothiazide
clopidogrel aspirin enoxaparin rivaroxaban dabigatran semaglutide empagliflozin dapagliflozin
sitagliptin allopurinol colchicine methotrexate adalimumab infliximab rituximab tamoxifen letrozole
Lasix Coumadin Eliquis Xarelto Keppra Zosyn Dilaudid Tylenol Zofran Protonix Lipitor Norvasc Lantus`.split(
    /\s+/,
  );
const DOSES = [
  '5 mg',
  '10 mg daily',
  '500 mg BID',
  '40 mg IV',
  '2 mg q4h prn',
  '0.5 mg',
  '25 mcg',
  '1 g q12h',
  '20 units qhs',
  '81 mg',
];
const DIAGNOSES =
  `Parkinson's disease|Alzheimer's disease|Crohn's disease|Hodgkin lymphoma|non-Hodgkin lymphoma|
Guillain-Barré syndrome|Cushing's syndrome|Addison's disease|Graves' disease|Hashimoto's thyroiditis|
Huntington's disease|Sjögren syndrome|Wilson's disease|Barrett's esophagus|Kawasaki disease|Bell's palsy|
Raynaud's phenomenon|Marfan syndrome|Down syndrome|Tourette syndrome|Lyme disease|Paget's disease|
Wernicke encephalopathy|Ménière's disease|Dandy-Walker malformation|Ehlers-Danlos syndrome|Stevens-Johnson syndrome|
Takotsubo cardiomyopathy|Brugada syndrome|Wolff-Parkinson-White syndrome|Zollinger-Ellison syndrome|
type 2 diabetes|hypertension|atrial fibrillation|heart failure with reduced ejection fraction|COPD exacerbation|
community-acquired pneumonia|chronic kidney disease stage 3|acute kidney injury|sepsis|urinary tract infection|
deep vein thrombosis|pulmonary embolism|NSTEMI|ischemic stroke|migraine|major depressive disorder|asthma|
hypothyroidism|gout|rheumatoid arthritis|osteoarthritis|cellulitis|MODY|ALS|multiple sclerosis|glaucoma`
    .split('|')
    .map((s) => s.trim());
const DEVICES = [
  'Foley catheter',
  'Swan-Ganz catheter',
  'PICC line',
  'Hickman catheter',
  'Jackson-Pratt drain',
  'Dobhoff tube',
  'Yankauer suction',
  'Pleurx catheter',
  'Groshong catheter',
];
const SCORES = [
  'Glasgow Coma Scale',
  'Apgar score',
  'Wells score',
  'CHA2DS2-VASc',
  'Child-Pugh class B',
  'MELD score',
  'Braden scale',
  'Richmond Agitation-Sedation Scale',
  'NYHA class III',
  'Gleason 7',
];
const SOURCES = [
  'National Institutes of Health',
  'National Cancer Institute',
  'Centers for Disease Control and Prevention',
  'Human Phenotype Ontology',
  'Genetic and Rare Diseases Information Center',
  'GeneReviews',
  'MedlinePlus',
  'Orphanet',
  'OMIM',
  'SNOMED CT',
  'ICD-10',
  'MeSH',
  'National Institute of Neurological Disorders and Stroke',
  'U.S. Food and Drug Administration',
  'World Health Organization',
  'American Heart Association',
];
const LABS = [
  'INR 2.4',
  'creatinine 1.8',
  'hemoglobin 9.2',
  'potassium 5.1',
  'troponin 0.04',
  'lactate 3.1',
  'HbA1c 8.2%',
  'TSH 6.5',
  'WBC 14.2',
  'platelets 98',
];
const RELATIONS = [
  'wife',
  'husband',
  'daughter',
  'son',
  'sister',
  'brother',
  'mother',
  'father',
  'niece',
  'friend',
  'proxy',
  'granddaughter',
  'partner',
  'neighbor',
];
const CREDENTIALS = ['RN', 'MD', 'NP', 'PA-C', 'RRT', 'LPN'];
const FACILITY_FORMS = [
  '{city} General Hospital',
  '{city} Medical Center',
  'St. {last} Hospital',
  '{last} Memorial Hospital',
  '{city} Regional Medical Center',
  '{last} Clinic',
  '{city} Rehabilitation Center',
  '{last} Nursing Home',
  'Mount {last} Hospital',
  'University of {city} Hospital',
  "{city} Children's Hospital",
  '{last} Health Center',
];

/** Locales to draw from: every faker locale, English more often (the dev sources are American). */
const LOCALES = Object.keys(allFakers).filter((l) => l !== 'base' && l !== 'en_BORK');

function date(f: Faker, r: () => number): string {
  const d = f.date.between({ from: '1935-01-01', to: '2026-12-31' });
  const y = d.getFullYear();
  const m = d.getMonth() + 1;
  const day = d.getDate();
  const month = d.toLocaleString('en-US', { month: 'long' });
  return pick(r, [
    `${m}/${day}/${y}`,
    `${pad(m)}/${pad(day)}/${y}`,
    `${m}/${day}`,
    `${m}/${day}/${String(y).slice(2)}`,
    `${month} ${day}, ${y}`,
    `${month} ${day}`,
    `${month.slice(0, 3)} ${day}`,
    `${day} ${month} ${y}`,
    `${y}-${pad(m)}-${pad(day)}`,
    `${pad(day)}.${pad(m)}.${y}`,
    `${month} ${y}`,
    `${month} ${day}th`,
  ]);
}

function facility(f: Faker, r: () => number): string {
  return pick(r, FACILITY_FORMS)
    .replace('{city}', f.location.city())
    .replace('{last}', f.person.lastName());
}

function mrn(f: Faker, r: () => number): string {
  return pick(r, [
    f.string.numeric(int(r, 6, 9)),
    `${f.string.alpha({ length: 2, casing: 'upper' })}-${f.string.numeric(6)}`,
    `${f.string.numeric(3)}-${f.string.numeric(2)}-${f.string.numeric(4)}`,
    `${f.string.alpha({ length: 1, casing: 'upper' })}${f.string.numeric(7)}`,
  ]);
}

function phone(f: Faker, r: () => number): string {
  const us = allFakers.en_US;
  return r() < 0.5
    ? f.phone.number()
    : us.phone.number({ style: pick(r, ['national', 'human', 'international'] as const) });
}

const SLOTS: Readonly<Record<string, Slot>> = {
  name: (f) => ({ text: `${f.person.firstName()} ${f.person.lastName()}`, type: 'NAME' }),
  first: (f) => ({ text: f.person.firstName(), type: 'NAME' }),
  first2: (f) => ({ text: f.person.firstName(), type: 'NAME' }),
  last: (f) => ({ text: f.person.lastName(), type: 'NAME' }),
  initial: (f) => ({ text: `${f.person.firstName().charAt(0)}.`, type: 'NAME' }),
  date: (f, r) => ({ text: date(f, r), type: 'DATE' }),
  dob: (f, r) => ({ text: date(f, r), type: 'DATE' }),
  phone: (f, r) => ({ text: phone(f, r), type: 'PHONE' }),
  email: (f) => ({ text: f.internet.email(), type: 'EMAIL' }),
  url: (f, r) => ({ text: r() < 0.5 ? f.internet.url() : f.internet.domainName(), type: 'URL' }),
  ip: (f, r) => ({ text: r() < 0.7 ? f.internet.ipv4() : f.internet.ipv6(), type: 'IP' }),
  ssn: (f) => ({
    text: `${f.string.numeric(3)}-${f.string.numeric(2)}-${f.string.numeric(4)}`,
    type: 'SSN',
  }),
  card: () => ({ text: allFakers.en_US.finance.creditCardNumber(), type: 'CARD' }),
  mrn: (f, r) => ({ text: mrn(f, r), type: 'MRN' }),
  id: (f, r) => ({
    text:
      r() < 0.5
        ? f.string.alphanumeric({ length: int(r, 8, 12), casing: 'upper' })
        : f.string.numeric(int(r, 8, 11)),
    type: 'ID',
  }),
  address: (f) => ({ text: f.location.streetAddress(true), type: 'ADDRESS' }),
  street: (f) => ({ text: f.location.streetAddress(false), type: 'ADDRESS' }),
  city: (f) => ({ text: f.location.city(), type: 'LOCATION' }),
  zip: (f) => ({ text: f.location.zipCode(), type: 'ZIP' }),
  facility: (f, r) => ({ text: facility(f, r), type: 'FACILITY' }),
  age90: (_, r) => ({ text: String(int(r, 90, 104)), type: 'AGE' }),
  // Not identifiers: what clinical text is made of.
  age: (_, r) => ({ text: String(int(r, 18, 88)), type: null }),
  state: (f) => ({ text: f.location.state(), type: null }),
  country: (f) => ({ text: f.location.country(), type: null }),
  drug: (_, r) => ({ text: pick(r, DRUGS), type: null }),
  dose: (_, r) => ({ text: pick(r, DOSES), type: null }),
  dx: (_, r) => ({ text: pick(r, DIAGNOSES), type: null }),
  device: (_, r) => ({ text: pick(r, DEVICES), type: null }),
  score: (_, r) => ({ text: pick(r, SCORES), type: null }),
  source: (_, r) => ({ text: pick(r, SOURCES), type: null }),
  lab: (_, r) => ({ text: pick(r, LABS), type: null }),
  rel: (_, r) => ({ text: pick(r, RELATIONS), type: null }),
  cred: (_, r) => ({ text: pick(r, CREDENTIALS), type: null }),
  num: (_, r) => ({ text: String(int(r, 1, 400)), type: null }),
  bignum: (_, r) => ({ text: String(int(r, 1000, 450000)), type: null }),
};

/** Clinician questions and prose (written as typed: mixed case). */
const QUERIES = [
  'What is the recommended dose of {drug} for {name}, a {age}-year-old with {dx}, seen at {facility} on {date}?',
  'Can {name} (MRN {mrn}) continue {drug} after {dx} was diagnosed on {date}?',
  'Patient {name}, DOB {dob}, phone {phone}, presents with {dx}; is {drug} appropriate?',
  'Summarize management of {dx} for {name} from {city}, referred by Dr. {last}.',
  'Please email the discharge summary for {name} to {email}.',
  '{name} has insurance ID {id} and SSN {ssn}; does the plan cover {drug}?',
  'How should {drug} be adjusted for {lab} in a {age}-year-old, {first} {last}, admitted {date}?',
  'Is {drug} {dose} safe with {dx}? Asking for Mrs. {last} at {facility}.',
  'Dr. {last} wants to know whether {device} placement raises infection risk in {dx}.',
  'Interactions between {drug} and {drug2}? Patient is {age90} years old, lives in {city}.',
  'Evidence for {drug} in {dx}, per the {source}?',
  '{source} lists {dx} under its rare disease pages; what does the {score} add?',
  'Follow-up for {name} at {facility} on {date}, account number {id}.',
  'My patient {first} (MRN: {mrn}) had {lab} on {date}. Next step?',
  'Contact {first} {last} at {phone} about the {dx} results.',
  'A {age}-year-old with {dx} on {drug}: when is a {device} indicated?',
  'Treatment options for {dx} according to the {source} and the {source2}.',
  '{name}, {age}, came in with {dx}; started on {drug}.',
  'Mr. {last}, {age} yo, {dx}, on {drug} {dose}. Next step?',
  'Mrs. {last}, aged {age}, seen on {date} with {lab}.',
];

/** Nursing-note lines; each note is written in lower, upper or mixed case. */
const NOTES = [
  'pt seen by dr {last} this am, {dx} stable. {rel} {first} at bedside, updated on plan.',
  'spoke with {rel} {first} {last} at {phone} re: code status.',
  'transferred from {facility} on {date}. hx of {dx}, on {drug} {dose}.',
  '{first} ({rel}) called, will visit tomorrow. {lab}.',
  'plan: f/u with dr. {last} at {facility} {date}.',
  'family meeting with {rel}s {first} and {first2} re: goals of care.',
  'lives in {city} with {rel}. independent at baseline.',
  '{device} placed, draining well. {drug} {dose} given.',
  'resp: {score} 8, sats 94% on 2l nc. {lab}.',
  'pt is {age90} yo, admitted from {facility} with {dx}.',
  '{first} {initial} {last}, {cred}',
  'md {last} notified of {lab}, new orders for {drug}.',
  'valuables given to {rel} {first} to take home.',
  'dtr {first} is hcp, can be reached at {phone}.',
  'neuro: alert, follows commands. {device} removed {date}.',
  'social: married, {rel} {first}. retired, from {city}.',
  'will transfer to {facility} when bed available.',
  'seen by {facility} team, recommend {drug}.',
  'pt from {city}, lives alone. {rel} checks in daily.',
  '{rel} {first} from {city} visiting.',
  'to {facility} for cath {date}.',
  'dr. {last} and dr. {last2} aware.',
  'b/p {num}/{num2}, hr {num}. {drug} held per {last}.',
  'admitted {date} via ed. pmh {dx}.',
  'labs: wbc {bignum}, platelets {bignum}, hgb {num}, na {num}.',
  'Platelets {bignum} this am, WBC {bignum}; {drug} held.',
  'urine out {bignum} cc since midnight, {bignum} los.',
];

/** Form fields, chat turns and postal addresses, in the manner of general PII data sets. */
const FORMS = [
  'My name is {name} and I live at {address}, {city} {zip}.',
  'Please send the package to {address}\n{city}, {zip}\n{country}',
  'You can reach {first} at {phone} or {email}.',
  'Card number: {card}, expires {date}.',
  'The server at {ip} was accessed by {name} on {date}.',
  'For details visit {url} or write to {email}.',
  '{name} was born on {dob} in {city}, {country}.',
  'Bot: What is the name on the account? User: {name}',
  'Name: {name}\nDate of birth: {dob}\nAddress: {address}\nPhone: {phone}',
  'Surname: {last}\nFirst name: {first}\nPostcode: {zip}',
  'Ship to {name}, {street}, {zip} {city}, {country}.',
  'Her SSN is {ssn} and her card {card}.',
  '{first}: are you coming to {city} next week?\n{first2}: yes, landing on {date}.',
  'I moved to {city} in {date}; my new number is {phone}.',
  'Contact: {name} | {email} | {phone}',
  'The {source} and the {source2} publish guidance on {dx}.',
  '{name}, {address}, {city}',
  'Our office is at {street} in {city} ({state}).',
  '{last} lives on {street}.',
  '{city} is where {first} grew up.',
  'The company is based in {city}.',
  'Thanks to {first} and {first2} for the help.',
  'I met {last} at the conference in {city}.',
  '{first}: see you tomorrow?\n{first2}: sure, after work.',
  'Ask {last} about it, or {first2}.',
  'Founded by {last}, {first2} and {last2}.',
  'We stayed in {city} for a week in {date}.',
  'Is {last} still working at {facility}?',
  '>{name}\n>{street}\n>{city}\n>{country} {zip}',
  'Regards,\n{name}',
  '{name} ({email})',
  'Nobody paints like {last}.',
  'The winner, {first} {last}, is from {city}.',
  'Where is {city}? Near {city2}.',
];

const GROUPS = [QUERIES, NOTES, FORMS] as const;

/** A locale without the data a slot needs falls back to American English for that slot. */
function fillSlot(slot: Slot, f: Faker, r: () => number): ReturnType<Slot> {
  try {
    return slot(f, r);
  } catch {
    return slot(allFakers.en_US, r);
  }
}

function fill(
  template: string,
  f: Faker,
  r: () => number,
): { text: string; spans: { start: number; end: number; type: PhiType }[] } {
  let text = '';
  const spans: { start: number; end: number; type: PhiType }[] = [];
  let at = 0;
  for (const m of template.matchAll(/\{([a-z0-9]+)\}/g)) {
    text += template.slice(at, m.index);
    const key = (m[1] ?? '').replace(/2$/, '');
    const slot = SLOTS[key];
    const v = slot ? fillSlot(slot, f, r) : { text: m[0], type: null };
    const start = text.length;
    text += v.text;
    if (v.type) spans.push({ start, end: text.length, type: v.type });
    at = m.index + m[0].length;
  }
  text += template.slice(at);
  return { text, spans };
}

const caseOf = (r: () => number): 'lower' | 'upper' | 'mixed' => {
  const x = r();
  return x < 0.45 ? 'lower' : x < 0.65 ? 'upper' : 'mixed';
};

/** `count` synthetic documents of one to four lines each, fixed by `seed`. */
export function synthesize(count: number, seed = 20261207): Doc[] {
  const r = rng(seed);
  const docs: Doc[] = [];
  for (let d = 0; d < count; d++) {
    const locale = r() < 0.5 ? 'en_US' : pick(r, LOCALES);
    const f = allFakers[locale as keyof typeof allFakers];
    f.seed(Math.floor(r() * 2 ** 31));
    const group = GROUPS[d % GROUPS.length] ?? QUERIES;
    const lines = group === NOTES ? int(r, 2, 5) : int(r, 1, 2);
    const casing = group === NOTES ? caseOf(r) : 'mixed';
    let text = '';
    const spans: GoldSpan[] = [];
    for (let l = 0; l < lines; l++) {
      const filled = fill(pick(r, group), f, r);
      const offset = text.length;
      text += filled.text;
      for (const s of filled.spans)
        spans.push({ start: offset + s.start, end: offset + s.end, label: s.type, type: s.type });
      text += group === NOTES ? (r() < 0.5 ? ' ' : '\n') : ' ';
    }
    // Case changes keep lengths for these scripts; spans stay valid.
    if (casing === 'lower') text = lowerKeepingLength(text);
    else if (casing === 'upper') text = upperKeepingLength(text);
    docs.push({ id: `synthetic-${d}`, text, spans, source: 'synthetic', group: `synthetic:${d}` });
  }
  return docs;
}

function lowerKeepingLength(s: string): string {
  const l = s.toLowerCase();
  return l.length === s.length ? l : s;
}

function upperKeepingLength(s: string): string {
  const u = s.toUpperCase();
  return u.length === s.length ? u : s;
}

/** How many synthetic documents every training run adds, and their seed. */
export const SYNTHETIC_DOCS = 3000;
export const SYNTHETIC_SEED = 20261207;
