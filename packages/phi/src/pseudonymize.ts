/**
 * Reversible pseudonymization: identifiers become per-conversation placeholders ("[PATIENT_1]")
 * or interval-keeping shifted dates before text leaves the workstation; `reidentify` maps a
 * model's answer back, tolerating the ways models mangle placeholders.
 */
import { DATE_IN_TEXT_RE, formatDate, parseDate, sameDate, shiftDate } from './dates.js';
import { countByType, detectPhi, mergeCandidates } from './detect.js';
import { findKnownIdentifiers } from './known.js';
import type { DetectOptions, PhiSpan } from './types.js';
import { LITERAL_LABEL, PLACEHOLDER_LABELS, type PhiVault } from './vault.js';

export interface PseudonymizeOptions {
  readonly detect?: DetectOptions;
  /** Spans already found for `text` (skips detection; identifiers known to the vault still count). */
  readonly spans?: readonly PhiSpan[];
}

export interface PseudonymizeResult {
  readonly text: string;
  /** Identifier spans in the INPUT text. */
  readonly spans: readonly PhiSpan[];
  /** Identifier counts by type (never values): what the egress audit records. */
  readonly counts: Record<string, number>;
  /** Input substrings that looked like our placeholders and were escaped as [TEXT_n]. */
  readonly escapedLiterals: number;
}

const LABELS = [...new Set([...Object.values(PLACEHOLDER_LABELS), LITERAL_LABEL])]
  .sort((a, b) => b.length - a.length)
  .join('|');

/**
 * A placeholder as a model may write it back: any case, [] () {} <> or no brackets (then the
 * underscore is required, so ordinary "patient 1" is never taken for one), "_", "-" or a space
 * before the number, a plural or possessive on the label.
 */
const PLACEHOLDER_RE = new RegExp(
  `[\\[{(<]\\s{0,2}(${LABELS})(?:['’]?s)?[\\s_-]{0,2}(\\d{1,6})\\s{0,2}[\\]})>]|\\b(${LABELS})(?:['’]?s)?_(\\d{1,6})\\b`,
  'gi',
);

/** Replaces each detected identifier in `text` by its placeholder from `vault`. */
export function pseudonymize(
  text: string,
  vault: PhiVault,
  options: PseudonymizeOptions = {},
): PseudonymizeResult {
  const detected = options.spans ?? detectPhi(text, options.detect);
  // Identifiers the conversation revealed earlier count wherever they appear again, even where
  // the detector alone would not see them ("Surname: Quimby", a lowercase surname alone).
  const known = vault.size === 0 ? [] : findKnownIdentifiers(text, vault.entries);
  const spans = known.length === 0 ? detected : mergeCandidates([...detected, ...known]);
  // Text that already looks like a placeholder is escaped as its own placeholder, so the model's
  // "[PATIENT_1]" can only ever mean the identifier this vault issued.
  const literals: { start: number; end: number }[] = [];
  PLACEHOLDER_RE.lastIndex = 0;
  for (let m = PLACEHOLDER_RE.exec(text); m !== null; m = PLACEHOLDER_RE.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!spans.some((s) => s.start < end && start < s.end)) literals.push({ start, end });
  }
  const edits: { start: number; end: number; span: PhiSpan | undefined }[] = [
    ...spans.map((s) => ({ start: s.start, end: s.end, span: s })),
    ...literals.map((l) => ({ ...l, span: undefined })),
  ].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of edits) {
    const original = text.slice(e.start, e.end);
    out += text.slice(at, e.start);
    if (e.span === undefined) {
      out += vault.placeholderFor('LITERAL', original);
    } else if (e.span.type === 'DATE' && vault.dateShiftDays !== undefined) {
      const parsed = parseDate(original);
      if (parsed) {
        const shifted = formatDate(shiftDate(parsed, vault.dateShiftDays));
        vault.recordShiftedDate(shifted, original);
        out += shifted;
      } else {
        out += vault.placeholderFor('DATE', original);
      }
    } else {
      out += vault.placeholderFor(e.span.type, original);
    }
    at = e.end;
  }
  out += text.slice(at);
  return { text: out, spans, counts: countByType(spans), escapedLiterals: literals.length };
}

/** Maps placeholders (and shifted dates) in a model's answer back to the originals. */
export function reidentify(text: string, vault: PhiVault): string {
  let restored = text;
  if (vault.shiftedDates.length > 0 && vault.dateShiftDays !== undefined) {
    const days = vault.dateShiftDays;
    const known = vault.shiftedDates
      .map((s) => ({ original: s.original, originalDate: parseDate(s.original) }))
      .filter((s) => s.originalDate !== undefined);
    restored = restored.replace(DATE_IN_TEXT_RE, (match) => {
      const parsed = parseDate(match);
      if (!parsed) return match;
      const unshifted = shiftDate(parsed, -days);
      const hit = known.find((k) => k.originalDate && sameDate(k.originalDate, unshifted));
      return hit ? hit.original : match;
    });
  }
  return restored.replace(
    PLACEHOLDER_RE,
    (
      match,
      l1: string | undefined,
      n1: string | undefined,
      l2: string | undefined,
      n2: string | undefined,
    ) => {
      const label = l1 ?? l2 ?? '';
      const index = Number(n1 ?? n2);
      return vault.lookup(label, index) ?? match;
    },
  );
}

/** Replaces identifiers by their type ("[NAME]"): one-way, for logs and the CLI. */
export function redactText(
  text: string,
  options?: DetectOptions,
): { text: string; spans: readonly PhiSpan[] } {
  const spans = detectPhi(text, options);
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += `${text.slice(at, s.start)}[${s.type}]`;
    at = s.end;
  }
  return { text: out + text.slice(at), spans };
}
