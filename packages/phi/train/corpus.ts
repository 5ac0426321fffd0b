/**
 * Labelled documents for training and evaluation: the dev sets (committed as fixtures in
 * eval/fixtures, so CI needs no ../shared), MedQuAD passages (no patient identifiers), synthetic
 * notes. Each gold label maps to our PhiType, or to `null` when HIPAA Safe Harbor does not require
 * removing it (see SCOPE_NOTES): such spans are neither rewarded nor penalised.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PhiType } from '../src/types.js';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(PACKAGE_ROOT, 'eval', 'fixtures');
export const REPO_ROOT = path.resolve(PACKAGE_ROOT, '..', '..');
export const SHARED_DATA = path.resolve(REPO_ROOT, '..', 'shared', 'data');

export const DEV_SETS = ['clinical-queries', 'physionet-nursing', 'presidio-pii'] as const;
export type DevSetName = (typeof DEV_SETS)[number];

export interface GoldSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  /** Our type, or null when Safe Harbor does not require removing it. */
  readonly type: PhiType | null;
}

export interface Doc {
  readonly id: string;
  readonly text: string;
  readonly spans: readonly GoldSpan[];
  /** The set it comes from: a dev set, 'medquad' or 'synthetic'. */
  readonly source: string;
  /**
   * Documents that must land in the same fold: a patient's notes share names and places, and a
   * template's sentences share their wording, so a split by note alone would flatter.
   */
  readonly group: string;
}

/** Why some gold labels are not counted against the Safe Harbor goal (they are still reported). */
export const SCOPE_NOTES: Readonly<Record<string, string>> = {
  DateYear:
    'physionet DateYear: a year on its own ("CABG 1957") — Safe Harbor removes all date elements EXCEPT the year.',
  ORGANIZATION:
    'presidio ORGANIZATION: company names are not among the 18 Safe Harbor identifiers.',
  TITLE: 'presidio TITLE: job titles and honorifics ("Ms.") are not identifiers.',
  'AGE<90': 'AGE under 90: Safe Harbor removes ages over 89 only.',
  'GPE:country':
    'presidio GPE that is a country: Safe Harbor removes geography smaller than a state only.',
};

const LABELS: Readonly<Record<string, PhiType | null>> = {
  // clinical-queries
  NAME: 'NAME',
  GEOGRAPHIC_LOCATION: 'LOCATION',
  DATE: 'DATE',
  MEDICAL_RECORD_NUMBER: 'MRN',
  HEALTH_PLAN_BENEFICIARY_NUMBER: 'ID',
  SOCIAL_SECURITY_NUMBER: 'SSN',
  PHONE_NUMBER: 'PHONE',
  EMAIL_ADDRESS: 'EMAIL',
  UNIQUE_IDENTIFIER: 'ID',
  ACCOUNT_NUMBER: 'ID',
  // physionet
  HCPName: 'NAME',
  RelativeProxyName: 'NAME',
  PTName: 'NAME',
  PTNameInitial: 'NAME',
  Location: 'LOCATION',
  Date: 'DATE',
  DateYear: null,
  Phone: 'PHONE',
  Age: 'AGE',
  Other: 'ID',
  // presidio
  PERSON: 'NAME',
  STREET_ADDRESS: 'ADDRESS',
  GPE: 'LOCATION',
  ORGANIZATION: null,
  CREDIT_CARD: 'CARD',
  AGE: 'AGE',
  DOMAIN_NAME: 'URL',
  TITLE: null,
  US_SSN: 'SSN',
  IP_ADDRESS: 'IP',
  DATE_TIME: 'DATE',
};

/** Countries named in the presidio set's GPE spans are above state level. */
const COUNTRY_WORDS = new Set(
  'spain poland france belgium denmark slovenia hungary uruguay estonia austria czech republic germany italy'.split(
    ' ',
  ),
);

function mapLabel(label: string, value: string): PhiType | null {
  if (!(label in LABELS)) throw new Error(`unknown gold label ${label}: add it to LABELS`);
  const type = LABELS[label] ?? null;
  if ((label === 'AGE' || label === 'Age') && Number(value) < 90) return null;
  if (
    label === 'GPE' &&
    value
      .toLowerCase()
      .split(/\s+/)
      .every((w) => COUNTRY_WORDS.has(w))
  )
    return null;
  return type;
}

/** Why a gold label is out of scope, for the report. */
export function scopeReason(label: string, value: string): string | undefined {
  if (label === 'DateYear' || label === 'ORGANIZATION' || label === 'TITLE') return label;
  if ((label === 'AGE' || label === 'Age') && Number(value) < 90) return 'AGE<90';
  if (label === 'GPE' && mapLabel(label, value) === null) return 'GPE:country';
  return undefined;
}

interface RawDoc {
  id: string;
  text: string;
  spans?: { start: number; end: number; label: string }[];
  patient_id?: string;
  template_id?: number;
}

function readJsonl(file: string): RawDoc[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RawDoc);
}

export function loadDevSet(name: DevSetName, dir = FIXTURES): Doc[] {
  return readJsonl(path.join(dir, `${name}.dev.jsonl`)).map((raw) => ({
    id: raw.id,
    text: raw.text,
    source: name,
    group:
      raw.patient_id !== undefined
        ? `${name}:patient:${raw.patient_id}`
        : raw.template_id !== undefined
          ? `${name}:template:${raw.template_id}`
          : `${name}:${raw.id}`,
    spans: (raw.spans ?? []).map((s) => ({
      start: s.start,
      end: s.end,
      label: s.label,
      type: mapLabel(s.label, raw.text.slice(s.start, s.end)),
    })),
  }));
}

export function loadDevSets(dir = FIXTURES): Record<DevSetName, Doc[]> {
  return {
    'clinical-queries': loadDevSet('clinical-queries', dir),
    'physionet-nursing': loadDevSet('physionet-nursing', dir),
    'presidio-pii': loadDevSet('presidio-pii', dir),
  };
}

/** MedQuAD passages as documents without identifiers. */
export function loadMedquad(file: string): Doc[] {
  return readJsonl(file).map((raw) => ({
    id: raw.id,
    text: raw.text,
    source: 'medquad',
    group: `medquad:${raw.id}`,
    spans: [],
  }));
}

/** The committed two fifths of MedQuAD the tagger trains on. */
export function loadMedquadTraining(): Doc[] {
  return loadMedquad(path.join(FIXTURES, 'medquad-train.jsonl'));
}

/** The committed fifth of MedQuAD never trained or tuned on (scripts/medquad-fixtures.ts). */
export function loadMedquadTest(): Doc[] {
  return loadMedquad(path.join(FIXTURES, 'medquad-test.jsonl'));
}

/** Deterministic PRNG (mulberry32): folds and synthetic notes are fixed by their seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** k folds by group, fixed by `seed`: fold i holds the documents of every k-th shuffled group. */
export function foldsOf(docs: readonly Doc[], k: number, seed: number): Doc[][] {
  const groups = [...new Set(docs.map((d) => d.group))].sort();
  const rand = rng(seed);
  for (let i = groups.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [groups[i], groups[j]] = [groups[j] ?? '', groups[i] ?? ''];
  }
  const foldOf = new Map(groups.map((g, i) => [g, i % k]));
  const folds: Doc[][] = Array.from({ length: k }, () => []);
  for (const d of docs) folds[foldOf.get(d.group) ?? 0]?.push(d);
  return folds;
}
