import { findPhoneNumbersInText } from 'libphonenumber-js';
import type { Candidate } from './candidate.js';
import { detectTokens } from './names.js';
import { labelledNames } from './structure.js';
import { detectContextPatterns, detectPatterns } from './patterns.js';
import { normalizeText, type NormalizedText } from './normalize.js';
import { detectSpelledNumbers } from './spelled.js';
import { decodeSpans, maxProbabilityIn } from './tagger/decode.js';
import { defaultModel } from './tagger/default.js';
import { extractFeatures, type TokenFeatures } from './tagger/features.js';
import { predict, type TaggerModel } from './tagger/model.js';
import { tokenize, type Token } from './tokens.js';
import {
  DEFAULT_MAX_LENGTH,
  DEFAULT_MODE,
  PhiError,
  type DetectOptions,
  type PhiMode,
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
    'tagger',
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

/**
 * Everything the detector derives from a text before deciding: the normalised text, its tokens,
 * the pattern-shaped candidates (`hard`: regexes with validators, context-keyed numbers,
 * libphonenumber, spelled-out numbers) and the name/place rules' candidates (`soft`: evidence for
 * the tagger, not decisions), and the tagger's features. Offsets are into `norm.text`.
 */
export interface Analysis {
  readonly input: string;
  readonly norm: NormalizedText;
  readonly tokens: readonly Token[];
  readonly hard: readonly Candidate[];
  readonly soft: readonly Candidate[];
  readonly features: TokenFeatures;
  readonly sources: ReadonlySet<DetectorSource>;
}

export function analyze(text: string, options?: DetectOptions): Analysis {
  const max = options?.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > max) {
    throw new PhiError(
      'PHI_INPUT_TOO_LARGE',
      `Input is ${text.length} characters; the PHI detector accepts at most ${max}. Split the text into smaller parts.`,
    );
  }
  const on = activeSources(options);
  const norm = normalizeText(text);
  const t = norm.text;
  const hard: Candidate[] = [];
  if (on.has('patterns')) {
    detectPatterns(t, on.has('validators'), hard);
    detectSpelledNumbers(t, hard);
  }
  if (on.has('context')) detectContextPatterns(t, hard);
  if (on.has('phoneLib')) phoneLib(t, hard);
  const tokens = tokenize(t);
  // A name under an explicit form label ("Surname: Quimby") is as certain as a keyed number.
  if (on.has('context')) labelledNames(tokens, hard);
  const soft: Candidate[] = [];
  if (on.has('context') || on.has('nameLists') || on.has('places') || on.has('capitals')) {
    detectTokens(
      tokens,
      {
        context: on.has('context'),
        nameLists: on.has('nameLists'),
        places: on.has('places'),
        capitals: on.has('capitals'),
      },
      soft,
    );
  }
  const features = extractFeatures(tokens, [...hard, ...soft]);
  return { input: text, norm, tokens, hard, soft, features, sources: on };
}

const TOLL_FREE_RE =
  /^(?:\+?1[-. ]?)?\(?8(?:00|88|77|66|55|44|33)\)?[-. ]?[\dA-Z]{3}[-. ]?[\dA-Z]{4}$/;

function tollFree(text: string, c: Candidate): boolean {
  return (c.type === 'PHONE' || c.type === 'ID') && TOLL_FREE_RE.test(text.slice(c.start, c.end));
}

/** Types whose validators or structure make them certain: never vetoed by the tagger. */
const CERTAIN: ReadonlySet<PhiType> = new Set(['EMAIL', 'SSN', 'CARD', 'IP', 'MRN', 'AGE']);

/**
 * A pattern's hit stands unless the tagger is nearly sure its tokens are no identifier: below this
 * probability in `strict` ("4th" in "4th edition", an institute's toll-free number); in
 * `balanced` the tagger must rate it as likely as any word it redacts. Fixed before training,
 * like the thresholds.
 */
export const STRICT_VETO = 0.02;

/**
 * The decision. Rules only (tagger switched off): every candidate. Otherwise the tagger's tokens
 * at the mode's threshold, plus the pattern candidates the tagger does not veto (see STRICT_VETO) —
 * in strict also the names cue words point at (titles, relations, contact verbs, signatures);
 * validated and context-keyed types (email, SSN, card, IP, MRN, ages over 89) are never vetoed.
 */
export function decide(
  a: Analysis,
  mode: PhiMode = DEFAULT_MODE,
  model: TaggerModel | undefined = a.sources.has('tagger') ? defaultModel() : undefined,
  probs: Float32Array | undefined = model ? predict(model, a.features) : undefined,
): PhiSpan[] {
  let chosen: Candidate[];
  if (!model || !probs) {
    chosen = [...a.hard, ...a.soft];
  } else {
    const tagged = decodeSpans(a.tokens, probs, model.thresholds[mode], [...a.hard, ...a.soft]);
    const veto = mode === 'strict' ? STRICT_VETO : model.thresholds.balanced;
    // In strict, a name a cue word points at ("Dr. X", "his son, x,") stands like a pattern's hit.
    const cued =
      mode === 'strict' ? a.soft.filter((c) => c.source === 'context' && c.type === 'NAME') : [];
    const hard = [...a.hard, ...cued].filter(
      (c) =>
        c.certain === true ||
        CERTAIN.has(c.type) ||
        maxProbabilityIn(a.tokens, probs, c.start, c.end) >= veto,
    );
    chosen = [...hard, ...tagged];
    // An organisation's toll-free line is nobody's own number: kept out of display redaction.
    if (mode === 'balanced') chosen = chosen.filter((c) => !tollFree(a.norm.text, c));
  }
  if (a.norm.text !== a.input)
    chosen = chosen.map((c) => ({ ...c, ...a.norm.toInput(c.start, c.end) }));
  return mergeCandidates(chosen);
}

/** Every rule source's raw proposals in input offsets, tagged by source (the ablation uses this). */
export function detectCandidates(text: string, options?: DetectOptions): Candidate[] {
  const a = analyze(text, options);
  const all = [...a.hard, ...a.soft];
  if (a.norm.text === text) return all;
  return all.map((c) => ({ ...c, ...a.norm.toInput(c.start, c.end) }));
}

/**
 * Finds the PHI in `text`. Spans are sorted, non-overlapping, offsets into `text` (UTF-16).
 * `options.mode`: `strict` (default) or `balanced`. Throws PhiError('PHI_INPUT_TOO_LARGE') above
 * `options.maxLength` (never truncates).
 */
export function detectPhi(text: string, options?: DetectOptions): PhiSpan[] {
  return decide(analyze(text, options), options?.mode ?? DEFAULT_MODE);
}

export function countByType(spans: readonly PhiSpan[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of spans) counts[s.type] = (counts[s.type] ?? 0) + 1;
  return counts;
}
