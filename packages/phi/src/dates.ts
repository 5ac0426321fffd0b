/** Parsing and shifting of the date forms the detector finds, for interval-keeping date shifts. */

export interface ParsedDate {
  /** Full year, or undefined when the text had none ("7/22", "May 30th"). */
  readonly year: number | undefined;
  readonly month: number;
  readonly day: number;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function monthIndex(word: string): number | undefined {
  const w = word.toLowerCase().replace(/\.$/, '');
  if (w.length < 3) return undefined;
  const i = MONTHS.findIndex((m) => m.startsWith(w) || (w === 'sept' && m === 'september'));
  return i === -1 ? undefined : i + 1;
}

function fullYear(y: string): number {
  const n = Number(y);
  if (y.length === 4) return n;
  return n < 50 ? 2000 + n : 1900 + n;
}

const valid = (m: number, d: number): boolean => m >= 1 && m <= 12 && d >= 1 && d <= 31;

/** US-style numeric dates (month first), ISO dates and month-name dates. */
export function parseDate(text: string): ParsedDate | undefined {
  const t = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) {
    const r = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    return valid(r.month, r.day) ? r : undefined;
  }
  m = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(t);
  if (m) {
    const r = {
      year: m[3] === undefined ? undefined : fullYear(m[3]),
      month: Number(m[1]),
      day: Number(m[2]),
    };
    return valid(r.month, r.day) ? r : undefined;
  }
  m = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s*,?\s*(\d{4}))?$/i.exec(t);
  if (m) {
    const month = monthIndex(m[1] ?? '');
    const r = {
      year: m[3] === undefined ? undefined : Number(m[3]),
      month: month ?? 0,
      day: Number(m[2]),
    };
    return month !== undefined && valid(r.month, r.day) ? r : undefined;
  }
  m = /^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?(?:\s*,?\s*(\d{4}))?$/i.exec(t);
  if (m) {
    const month = monthIndex(m[2] ?? '');
    const r = {
      year: m[3] === undefined ? undefined : Number(m[3]),
      month: month ?? 0,
      day: Number(m[1]),
    };
    return month !== undefined && valid(r.month, r.day) ? r : undefined;
  }
  return undefined;
}

const DAY_MS = 86_400_000;
/** Year-less dates shift inside a leap reference year, so "2/29" stays representable. */
const REFERENCE_YEAR = 2000;

export function shiftDate(d: ParsedDate, days: number): ParsedDate {
  const base = Date.UTC(d.year ?? REFERENCE_YEAR, d.month - 1, d.day);
  const shifted = new Date(base + days * DAY_MS);
  return {
    year: d.year === undefined ? undefined : shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  };
}

export function sameDate(a: ParsedDate, b: ParsedDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/** ISO when the year is known ("2023-08-20"), otherwise month/day ("8/20"). */
export function formatDate(d: ParsedDate): string {
  const mm = String(d.month).padStart(2, '0');
  const dd = String(d.day).padStart(2, '0');
  return d.year === undefined ? `${d.month}/${d.day}` : `${d.year}-${mm}-${dd}`;
}

/** Every date-looking substring a model might write back, for restoring shifted dates. */
export const DATE_IN_TEXT_RE =
  /\b\d{4}-\d{1,2}-\d{1,2}\b|(?<![\d/])\d{1,2}\/\d{1,2}(?:\/(?:\d{4}|\d{2}))?(?![\d/])|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?\s{1,2}\d{1,2}(?:st|nd|rd|th)?(?:\s{0,2},?\s{0,2}\d{4})?\b|\b\d{1,2}(?:st|nd|rd|th)?\s{1,2}(?:of\s{1,2})?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\.?(?:\s{0,2},?\s{0,2}\d{4})?\b/gi;
