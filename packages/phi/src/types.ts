/** The identifier kinds the detector reports (HIPAA Safe Harbor identifiers that occur in text). */
export type PhiType =
  | 'NAME'
  | 'DATE'
  | 'AGE'
  | 'PHONE'
  | 'FAX'
  | 'EMAIL'
  | 'SSN'
  | 'MRN'
  | 'ID'
  | 'CARD'
  | 'ADDRESS'
  | 'LOCATION'
  | 'ZIP'
  | 'URL'
  | 'IP'
  | 'FACILITY';

export const PHI_TYPES: readonly PhiType[] = [
  'NAME',
  'DATE',
  'AGE',
  'PHONE',
  'FAX',
  'EMAIL',
  'SSN',
  'MRN',
  'ID',
  'CARD',
  'ADDRESS',
  'LOCATION',
  'ZIP',
  'URL',
  'IP',
  'FACILITY',
];

/** A detected identifier: UTF-16 offsets into the input, `end` exclusive. */
export interface PhiSpan {
  readonly start: number;
  readonly end: number;
  readonly type: PhiType;
}

/**
 * The detector's independent sources. Each can be switched off for ablation (the evaluation
 * measures what each one adds) or for speed.
 */
export type DetectorSource =
  | 'patterns'
  | 'validators'
  | 'context'
  | 'nameLists'
  | 'capitals'
  | 'places'
  | 'phoneLib'
  | 'tagger';

/**
 * How sure the detector must be before it redacts a word it has no pattern for.
 * `strict`: recall first — the default, and the only mode for anything leaving the workstation
 * (egress guard, the server's second guard). `balanced`: for display redaction and trusted
 * sources, where over-redacting clinical prose costs more; it keeps every pattern and validator.
 */
export type PhiMode = 'strict' | 'balanced';
export const PHI_MODES: readonly PhiMode[] = ['strict', 'balanced'];
export const DEFAULT_MODE: PhiMode = 'strict';

export interface DetectOptions {
  /** Default `strict`. */
  readonly mode?: PhiMode;
  /** Sources to skip (ablation, speed). Default: everything on. */
  readonly disable?: readonly DetectorSource[];
  /** Sources to switch on that are off by default (see DEFAULT_DISABLED). */
  readonly enable?: readonly DetectorSource[];
  /** Longest accepted input in UTF-16 code units; longer input throws PhiError PHI_INPUT_TOO_LARGE. */
  readonly maxLength?: number;
}

/** Default input limit: 1 MiB of text is far beyond an utterance or a note. */
export const DEFAULT_MAX_LENGTH = 1_000_000;

export type PhiErrorCode = 'PHI_INPUT_TOO_LARGE' | 'PHI_VAULT_CORRUPT' | 'PHI_VAULT_MISMATCH';

/** Coded error. Messages never contain the text being processed. */
export class PhiError extends Error {
  override readonly name = 'PhiError';
  constructor(
    readonly code: PhiErrorCode,
    message: string,
  ) {
    super(message);
  }
}
