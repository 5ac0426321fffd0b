/**
 * Loads the PHI dev sets (../shared/data/phi/*.dev.jsonl) and maps each set's labels to our
 * PhiType, or to `null` when the label is outside HIPAA Safe Harbor (see SCOPE_NOTES).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PhiType } from '@voiceassist/phi';

export const REPO_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
);
export const PHI_DATA_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'phi');

export interface GoldSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  /** Our type, or null when Safe Harbor does not require removing it. */
  readonly type: PhiType | null;
}

export interface DevDoc {
  readonly id: string;
  readonly text: string;
  readonly spans: readonly GoldSpan[];
}

export interface DevSet {
  readonly name: string;
  readonly docs: readonly DevDoc[];
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
  spans: { start: number; end: number; label: string }[];
}

export function loadDevSets(dir = PHI_DATA_DIR): DevSet[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dev.jsonl'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.dev\.jsonl$/, ''),
      docs: readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => {
          const raw = JSON.parse(l) as RawDoc;
          return {
            id: raw.id,
            text: raw.text,
            spans: raw.spans.map((s) => ({
              start: s.start,
              end: s.end,
              label: s.label,
              type: mapLabel(s.label, raw.text.slice(s.start, s.end)),
            })),
          };
        }),
    }));
}
