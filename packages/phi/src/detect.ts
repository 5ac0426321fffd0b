import { findPhoneNumbersInText } from 'libphonenumber-js';
import type { Candidate } from './candidate.js';
import { detectTokens } from './names.js';
import { detectContextPatterns, detectPatterns } from './patterns.js';
import { normalizeText } from './normalize.js';
import { detectSpelledNumbers } from './spelled.js';
import { tokenize } from './tokens.js';
import {
  DEFAULT_MAX_LENGTH,
  PhiError,
  type DetectOptions,
  type DetectorSource,
  type PhiSpan,
  type PhiType,
} from './types.js';

/** Sources off unless asked for (none today). */
export const DEFAULT_DISABLED: readonly DetectorSource[] = [];

/** When proposals overlap, the merged span takes the first type in this list. */
const TYPE_PRIORITY: readonly PhiType[] = [
  'EMAIL',
  'URL',
  'IP',
  'SSN',
  'CARD',
  'FAX',
  'PHONE',
  'MRN',
  'ID',
  'AGE',
  'DATE',
  'ADDRESS',
  'ZIP',
  'FACILITY',
  'NAME',
  'LOCATION',
];
const RANK = new Map(TYPE_PRIORITY.map((t, i) => [t, i]));

function activeSources(options: DetectOptions | undefined): Set<DetectorSource> {
  const on = new Set<DetectorSource>([
    'patterns',
    'validators',
    'context',
    'nameLists',
    'capitals',
    'places',
    'phoneLib',
  ]);
  for (const s of DEFAULT_DISABLED) if (!options?.enable?.includes(s)) on.delete(s);
  for (const s of options?.disable ?? []) on.delete(s);
  return on;
}

/**
 * Digit runs in international or trunk-prefixed form ("+41 (0)85 806 98 67", "0341 8387176"),
 * which the NANP regexes do not cover; libphonenumber parses only these windows.
 */
const PHONE_WINDOW_RE = /(?<![\w/.+])(?:\+|0|\(0)[\d ().-]{5,24}\d(?![\w/])/g;
/**
 * libphonenumber costs milliseconds per call: past this many windows in one text the rest are
 * marked PHONE without parsing (fail closed: over-redact rather than leak, in bounded time).
 */
const PHONE_LIB_BUDGET = 64;

function phoneLib(text: string, out: Candidate[]): void {
  if (!text.includes('+') && !/(?:^|[\s(])0\d/.test(text)) return;
  PHONE_WINDOW_RE.lastIndex = 0;
  let calls = 0;
  for (let m = PHONE_WINDOW_RE.exec(text); m !== null; m = PHONE_WINDOW_RE.exec(text)) {
    const digits = m[0].replace(/\D/g, '').length;
    // Trunk-prefixed national numbers have 9+ digits ("0341 8387176"); shorter runs starting
    // with 0 are clock times and doses ("0530", "0.5").
    if (digits > 15 || digits < (m[0].startsWith('+') ? 8 : 9)) continue;
    if (++calls > PHONE_LIB_BUDGET) {
      out.push({ start: m.index, end: m.index + m[0].length, type: 'PHONE', source: 'phoneLib' });
      continue;
    }
    for (const found of findPhoneNumbersInText(m[0], { defaultCountry: 'US' })) {
      out.push({
        start: m.index + found.startsAt,
        end: m.index + found.endsAt,
        type: 'PHONE',
        source: 'phoneLib',
      });
    }
  }
}

/** Sorts and unions overlapping proposals; the merged type follows TYPE_PRIORITY. */
export function mergeCandidates(
  candidates: readonly Pick<Candidate, 'start' | 'end' | 'type'>[],
): PhiSpan[] {
  const sorted = candidates
    .filter((c) => c.end > c.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const spans: PhiSpan[] = [];
  let cur: { start: number; end: number; type: PhiType } | undefined;
  for (const c of sorted) {
    if (cur && c.start < cur.end) {
      if (c.end > cur.end) cur.end = c.end;
      if ((RANK.get(c.type) ?? 99) < (RANK.get(cur.type) ?? 99)) cur.type = c.type;
      continue;
    }
    if (cur) spans.push(cur);
    cur = { start: c.start, end: c.end, type: c.type };
  }
  if (cur) spans.push(cur);
  return spans;
}

/** Every source's raw proposals, tagged by source (the evaluation's ablation uses this). */
export function detectCandidates(text: string, options?: DetectOptions): Candidate[] {
  const max = options?.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > max) {
    throw new PhiError(
      'PHI_INPUT_TOO_LARGE',
      `Input is ${text.length} characters; the PHI detector accepts at most ${max}. Split the text into smaller parts.`,
    );
  }
  const on = activeSources(options);
  const norm = normalizeText(text);
  const out = detectNormalized(norm.text, on);
  if (norm.text === text) return out;
  return out.map((c) => ({ ...c, ...norm.toInput(c.start, c.end) }));
}

function detectNormalized(text: string, on: ReadonlySet<DetectorSource>): Candidate[] {
  const out: Candidate[] = [];
  if (on.has('patterns')) {
    detectPatterns(text, on.has('validators'), out);
    detectSpelledNumbers(text, out);
  }
  if (on.has('context')) detectContextPatterns(text, out);
  if (on.has('phoneLib')) phoneLib(text, out);
  if (on.has('context') || on.has('nameLists') || on.has('places') || on.has('capitals')) {
    detectTokens(
      tokenize(text),
      {
        context: on.has('context'),
        nameLists: on.has('nameLists'),
        places: on.has('places'),
        capitals: on.has('capitals'),
      },
      out,
    );
  }
  return out;
}

/**
 * Finds the PHI in `text`. Spans are sorted, non-overlapping, offsets into `text` (UTF-16).
 * Throws PhiError('PHI_INPUT_TOO_LARGE') above `options.maxLength` (never truncates).
 */
export function detectPhi(text: string, options?: DetectOptions): PhiSpan[] {
  return mergeCandidates(detectCandidates(text, options));
}

export function countByType(spans: readonly PhiSpan[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of spans) counts[s.type] = (counts[s.type] ?? 0) + 1;
  return counts;
}
