/**
 * Regular-expression detectors. Every pattern is anchored by a look-behind at the start of a run
 * (so a long run is tried once, not once per character) and uses bounded quantifiers without
 * nested ambiguity: matching time stays linear in the input, adversarial input included.
 */
import { dayMonthValid, ipv4Valid, luhnValid, ssnValid } from './validators.js';
import type { Candidate } from './candidate.js';

const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const ORD = '(?:st|nd|rd|th)';

/** Local part of an email, one character; the domain, matched sticky right after the "@". */
const EMAIL_LOCAL_CHAR = /[\p{L}\p{N}._%+-]/u;
const EMAIL_DOMAIN_RE = /[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/uy;
const EMAIL_LOCAL_MAX = 64;

/**
 * Emails found from each "@" outward instead of trying a 64-character local part at every word
 * start (the old single regex cost ~5% of a long note's time). Same result: a maximal local run of
 * 1-64 characters (a longer run is no address), then a dotted domain.
 */
function emails(text: string, add: (start: number, end: number, type: 'EMAIL') => void): void {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > 0 && at - s <= EMAIL_LOCAL_MAX && EMAIL_LOCAL_CHAR.test(text.charAt(s - 1))) s--;
    if (s === at || at - s > EMAIL_LOCAL_MAX) continue;
    EMAIL_DOMAIN_RE.lastIndex = at + 1;
    const m = EMAIL_DOMAIN_RE.exec(text);
    if (m) add(s, at + 1 + m[0].length, 'EMAIL');
  }
}
const URL_RE = /(?<![\w/@.-])(?:https?:\/\/|www\.)[^\s<>"'()[\]{}]{1,2048}/giu;
const DOMAIN_RE =
  /(?<![\w.@/-])(?:[a-z0-9-]{1,63}\.){1,5}(?:com|org|net|edu|gov|mil|io|info|biz|health|us|uk|ca|de|fr|se|ee|nl|au|co)(?![\w@-]|\.[a-z0-9])/giu;
const IPV4_RE = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g;
const IPV6_RE =
  /(?<![\w:])(?:[0-9a-f]{1,4}:){4,7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:])[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5}::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?(?![\w:])/giu;
const SSN_RE = /(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])/g;
const CARD_RE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const PHONE_RE =
  /(?<![\w+])(?:\+?1[-. ]?)?(?:\(\d{3}\)\s?|\d{3}\s?[-. ]\s?)\d{3}\s?[-. ]\s?\d{4}(?:\s?(?:x|ext\.?|extension)\s?\d{1,6})?(?!\w)/giu;
const INTL_PHONE_RE = /(?<![\w+])\+\d{1,3}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,4})){2,6}(?![\w])/gu;
const PHONE_CONTEXT_RE =
  /\b(?=[ptcmbfr])(phone|tel|telephone|cell|cellphone|mobile|pager|pg|beeper|fax|contact|reached)\b(?:\s{0,3}(?:number|no\.?|#|at|on|:|-|is)){0,3}\s{0,3}(\+?\(?\d[\d() .-]{2,20}\d)(?![\w-])/giu;
const DATE_NUM3_RE = /(?<![\w/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/-]|\.\d)/g;
const DATE_PAIR_RE = /(?<![\w/.-])(\d{1,2})\/(\d{1,2})\/(\d{1,2})\/(\d{1,2})(?![\w/-]|\.\d)/g;
/** "last Tuesday", "this past Monday", "next Friday": a day named relative to the note. */
const DATE_WEEKDAY_RE =
  /\b(?:last|next|this\s{1,2}past|this\s{1,2}coming)\s{1,3}(?:mon|tues|wednes|thurs|fri|satur|sun)day$/iu;
/** Longest text before "day" that DATE_WEEKDAY_RE can match ("this  coming   wednes"). */
const WEEKDAY_WINDOW = 24;

/** Found from each "day" backwards: a regex tried at every word start cost ~2% of a note. */
function weekdayDates(text: string, add: (start: number, end: number, type: 'DATE') => void): void {
  const lower = text.toLowerCase();
  for (let d = lower.indexOf('day'); d !== -1; d = lower.indexOf('day', d + 3)) {
    if (/[\p{L}\p{N}]/u.test(text.charAt(d + 3))) continue;
    const from = Math.max(0, d - WEEKDAY_WINDOW);
    const m = DATE_WEEKDAY_RE.exec(text.slice(from, d + 3));
    // The window may start inside a word ("blast Monday"): the match must start a word.
    if (m && !/[\p{L}\p{N}]/u.test(text.charAt(from + m.index - 1)))
      add(from + m.index, d + 3, 'DATE');
  }
}
/** An age over 89 opening a line or sentence before a sex or "s/p": "98 s/p hip fx", "92 female". */
const AGE_OPENING_RE =
  /(?<=(?:^|[\n.;])[ \t]{0,3})(9\d|1[01]\d)(?=\s{1,2}(?:s\/p|male|female|man|woman|gentleman|lady)\b)/giu;
/** Ages over 89 in words: "ninety-two year old", "one hundred yo". */
const AGE_WORDS_RE =
  /\b(?:ninety|one\s{1,2}hundred|a\s{1,2}hundred)(?:[\s-]{1,2}(?:and[\s-]{1,2})?(?:one|two|three|four|five|six|seven|eight|nine|ten))?(?=[\s-]{1,2}(?:years?|yrs?|y\/?o)\b)/giu;
const DATE_ISO_RE = /(?<![\w/.-])(\d{4})-(\d{2})-(\d{2})(?![\w-])/g;
const DATE_NUM2_RE = /(?<![\w/.,+-])(\d{1,2})\/(\d{1,2})(?![\w/]|\.\d)/g;
const DATE_MONTH_DAY_RE = new RegExp(
  `\\b(?=[adfjmnos])${MONTH}\\.?\\s{1,3}\\d{1,2}${ORD}?(?:\\s{0,2},?\\s{0,2}(?:\\d{4}|'\\d{2}))?(?![\\w/])`,
  'giu',
);
const DATE_DAY_MONTH_RE = new RegExp(
  `(?<![\\w.])(?=[t\\d])(?:the\\s{1,3})?\\d{1,2}${ORD}?\\s{1,3}(?:of\\s{1,3})?${MONTH}\\.?(?:\\s{0,2},?\\s{0,2}\\d{4})?\\b`,
  'giu',
);
const DATE_MONTH_YEAR_RE = new RegExp(
  `\\b(?=[adfjmnos])${MONTH}\\.?\\s{0,2},?\\s{1,2}(?:of\\s{1,2})?(?:\\d{4}|'\\d{2})\\b`,
  'giu',
);
const DATE_ORDINAL_RE = new RegExp(
  `\\b(?=[osfutbiw])(?:on|since|from|until|till|by|of|is|it['’]s|was)\\s{1,3}the\\s{1,3}(\\d{1,2}${ORD})\\b`,
  'giu',
);
const YEAR_APOS_RE = /(?<![\w'’])['’](\d{2})(?![\w'’])|(?<![\w.'’/-])(\d{2})['’](?![\w'’])/gu;
const AGE_RE =
  /(?<![\w.])(9\d|1[0-4]\d)(?=\s{0,2}-?\s{0,2}(?:y\/o|y\.o\.|yo\b|yrs?\b|years?\b|-?year|-?yr))/giu;
const AGE_WORD_RE = /\b(?=a)age[d:]?\s{1,3}(9\d|1[0-4]\d)(?![\w.])/giu;
const ZIP_RE =
  /(?<=\b[A-Z]{2}\.?,?\s{1,3})\d{5}(?:-\d{4})?(?![\w-])|(?<![\w-])\d{5}-\d{4}(?![\w-])/gu;
const ZIP_CONTEXT_RE =
  /\b(?=[zp])(?:zip|postal)(?:\s?code)?\s{0,2}:?\s{0,2}(\d{5}(?:-\d{4})?)(?!\d)/giu;
const ID_CONTEXT_RE =
  /\b(?=[mraipsbldnvcu])(mrn|medical\s{1,2}record(?:\s{1,2}(?:number|no|#))?|record\s{0,2}(?:number|no\.?|#)|acct|account|member|membership|policy|insurance|insured|subscriber|beneficiary|license|licence|dea|npi|serial|device|plate|vin|ref|reference|claim|id|identifier)\b\.?(?:\s{0,2}(?:number|no\.?|num|#|id|is|:|-)){0,3}\s{0,2}(#?[A-Za-z0-9][A-Za-z0-9-]{2,30})/giu;
// Only tokens with a digit: the look-ahead fails fast on plain words, which are most of a note.
const ALNUM_RE =
  /(?<![\w#-])#?(?=[A-Za-z0-9-]{0,40}\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+){0,4}(?![\w-])/g;
const PO_BOX_RE = /\b(?=[pbu])(?:p\.?\s?o\.?\s{0,2}box|box|psc|unit)\s{1,3}\d{2,8}\b/giu;
/** Military mail: "APO AA 42323" (the two capitals are case-sensitive on purpose). */
const MILITARY_MAIL_RE = /\b(?:APO|FPO|DPO)\s{1,3}[A-Z]{2}\s{1,3}\d{5}\b/gu;
const SECONDARY_UNIT_RE =
  /\b(?=[asub])(?:apt|apartment|suite|ste|unit|bldg|building)\.?\s{0,2}#?\s{0,2}\d{1,6}[a-z]?\b/giu;

const UNIT_OR_COUNT =
  /^\d+(?:[-.]\d+)*(?:x\d+)*(?:cc|ml|l|mg|mcg|g|gm|kg|u|units?|meq|mmol|mmhg|hrs?|min|mins|s|x|breaths|bpm|cm|mm|in|lbs?|oz|approx)?$|^\d+(?:x\d+)+$/i;

const VITAL_PREFIX =
  /^(?:hr|rr|bp|sr|st|sb|pb|p|t|o2|sat|sats|map|cvp|co|ci|svr|pap|pcwp|uo|uop|i|o|approx|though|am|pm|x|k|na|bs|fs|ns)$/i;

/** Cheap pre-checks: each starts with a literal or a digit, which the engine scans for fast. */
const DOMAIN_HINT =
  /\.(?:com|org|net|edu|gov|mil|io|info|biz|health|us|uk|ca|de|fr|se|ee|nl|au|co)(?![\w@-])/i;
const IPV6_HINT = /:[0-9a-f]{1,4}:[0-9a-f]{1,4}:/i;
const ORDINAL_HINT = /\d(?:st|nd|rd|th)\b/i;
const FIVE_DIGITS = /\d{5}/;
const MILITARY_HINT = /[AFD]PO\s/;
const SECONDARY_UNIT_WORDS = ['apt', 'apartment', 'suite', 'ste', 'unit', 'bldg', 'building'];

function* all(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(text);
    if (m === null) return;
    yield m;
    if (m[0].length === 0) re.lastIndex++;
  }
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');
const NANP_RUN = /^1?[2-9]\d{9}$/;
const DASHED_DATE = /^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4})$/;

/** Words right before an "a/b" that make it a score or ratio, not a date ("strength 5/5"). */
/** Ventilator and pump settings written as a/b ("PSV 10/5", "AC 14/300/P 5/30%"). */
const SETTINGS_CONTEXT =
  /\b(?:psv?|ips|peep|cpap|bipap|vent|ventilat\w*|settings?|mask|flowby|fio2|ac|imv|simv|prvc|pmv|wean\w*|tried|trial)\b/i;
/** Settings words that name a ventilator mode, not just weaning: these always win. */
const VENT_MODE_CONTEXT =
  /\b(?:psv?|ips|peep|cpap|bipap|vent|ventilat\w*|settings?|mask|flowby|fio2|ac|imv|simv|prvc|pmv)\b/i;
/** "weaned off 9/7", "extubate 6/17", "levo weaned 4/2": an event on a day, not a setting. */
const EVENT_DATE_BEFORE =
  /\b(?:w[e]?an(?:ed)?(?:\s{1,2}off)?|extubat(?:e|ed)|extub|intubat(?:e|ed)|removed|d\/c'?d?|dc'?d|off)\s{1,2}$/i;
const RATIO_CONTEXT =
  /\b(?:strength|score|gcs|grade|ratio|murmur|pain|scale|motor|power|x|of|rate|sounds|bp|pupils|assist|ie|i:e|\+|-|peep|ps|vent|cpap|bipap|about|approx|~)\s*$/i;
/** Words before "a/b" that make it a date even among ventilator settings ("since 8/24/89"). */
const DATE_CONTEXT = /\b(?:since|until|till|dated?|dob|admitted|discharged|born)\s*$/i;
/** Weaker date cues: they beat the score/fraction shapes but not a settings context. */
const WEAK_DATE_CONTEXT = /\b(?:on|from|by|seen|last|next|before|after)\s*$/i;
const RATIO_FOLLOW =
  /^\s*(?:%|-\s*\.?\d|peep|fio2|ns\b|pain|strength|murmur|scale|grade|motor|power|sheets|tabs?|units|mmhg|cm|mm|ratio)\b/i;

const lineStartOf = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;

/**
 * Lines that are tables of ratios ("Blindness 8/11 Coloboma 3/5 High palate 3/6"): three or more
 * a/b with a ≤ b, each set apart by words. Dates listed together are joined by commas or "and".
 */
function ratioTableLines(text: string): Set<number> {
  const lines = new Set<number>();
  if (!text.includes('/')) return lines;
  const seen = new Map<
    number,
    { count: number; ratios: boolean; lastEnd: number; apart: boolean }
  >();
  for (const m of all(DATE_NUM2_RE, text)) {
    const line = lineStartOf(text, m.index);
    const s = seen.get(line) ?? { count: 0, ratios: true, lastEnd: -1, apart: true };
    if (Number(m[1]) > Number(m[2])) s.ratios = false;
    if (s.lastEnd >= 0 && !/\p{L}{3}/u.test(text.slice(s.lastEnd, m.index))) s.apart = false;
    s.count++;
    s.lastEnd = m.index + m[0].length;
    seen.set(line, s);
  }
  for (const [line, s] of seen) if (s.count >= 3 && s.ratios && s.apart) lines.add(line);
  return lines;
}

function numericDates(text: string, out: Candidate[]): void {
  for (const m of all(DATE_NUM3_RE, text)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 6);
    const since = DATE_CONTEXT.test(text.slice(Math.max(0, m.index - 12), m.index));
    if (
      !since &&
      (/^\s*%/.test(after) || SETTINGS_CONTEXT.test(text.slice(Math.max(0, m.index - 30), m.index)))
    )
      continue;
    const a = Number(m[1]);
    const b = Number(m[3]);
    if (dayMonthValid(a, b) || dayMonthValid(b, a))
      out.push({ start: m.index, end: m.index + m[0].length, type: 'DATE', source: 'patterns' });
  }
  for (const m of all(DATE_PAIR_RE, text)) {
    // "10/03/10/04": two month/day dates written together (a course of treatments).
    if (SETTINGS_CONTEXT.test(text.slice(Math.max(0, m.index - 30), m.index))) continue;
    const [a, b, c, d] = [m[1], m[2], m[3], m[4]].map(Number);
    if (dayMonthValid(a ?? 0, b ?? 0) && dayMonthValid(c ?? 0, d ?? 0) && (a ?? 0) <= (c ?? 0))
      out.push({ start: m.index, end: m.index + m[0].length, type: 'DATE', source: 'patterns' });
  }
  for (const m of all(DATE_ISO_RE, text)) {
    if (dayMonthValid(Number(m[2]), Number(m[3])))
      out.push({ start: m.index, end: m.index + m[0].length, type: 'DATE', source: 'patterns' });
  }
  const ratioLines = ratioTableLines(text);
  for (const m of all(DATE_NUM2_RE, text)) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (ratioLines.size > 0 && ratioLines.has(lineStartOf(text, m.index))) continue;
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12);
    const settingsWindow = text.slice(Math.max(0, m.index - 30), m.index);
    const eventDate = EVENT_DATE_BEFORE.test(before) && !VENT_MODE_CONTEXT.test(settingsWindow);
    const strongDate = DATE_CONTEXT.test(before) || eventDate;
    const dateContext = strongDate || WEAK_DATE_CONTEXT.test(before);
    if (RATIO_FOLLOW.test(after)) continue;
    if (!strongDate && SETTINGS_CONTEXT.test(settingsWindow)) continue;
    if (!dateContext) {
      if (RATIO_CONTEXT.test(before) || RATIO_FOLLOW.test(after)) continue;
      if (a === b || (a < b && b <= 4) || (b === 10 && a <= 10)) continue; // 5/5, 1/2, 7/10: scores
    }
    // "7/81" is month/year; "8/18" month/day.
    if (
      (a >= 1 && a <= 12 && b >= 1 && b <= 31) ||
      (a >= 1 && a <= 12 && b >= 32 && (m[2]?.length ?? 0) === 2)
    )
      out.push({ start: m.index, end: m.index + m[0].length, type: 'DATE', source: 'patterns' });
  }
}

export function detectPatterns(text: string, useValidators: boolean, out: Candidate[]): void {
  const add = (start: number, end: number, type: Candidate['type']): void => {
    out.push({ start, end, type, source: 'patterns' });
  };
  // Cheap pre-checks skip whole patterns whose anchor character is absent.
  const hasAt = text.includes('@');
  const hasDot = text.includes('.');
  const hasColon = text.includes(':');
  // Substring checks on a lowercased copy skip whole patterns whose keyword is absent (the copy
  // is only searched, never used for offsets, so a length-changing lowercase is harmless).
  const lower = text.toLowerCase();
  if (hasAt) emails(text, add);
  if (hasDot || hasColon)
    for (const m of all(URL_RE, text)) {
      const trimmed = m[0].replace(/[.,;:!?]+$/u, '');
      add(m.index, m.index + trimmed.length, 'URL');
    }
  if (hasDot && DOMAIN_HINT.test(text))
    for (const m of all(DOMAIN_RE, text)) add(m.index, m.index + m[0].length, 'URL');
  if (hasDot)
    for (const m of all(IPV4_RE, text)) {
      if (!useValidators || ipv4Valid(m[0])) add(m.index, m.index + m[0].length, 'IP');
    }
  if (hasColon && (text.includes('::') || IPV6_HINT.test(text)))
    for (const m of all(IPV6_RE, text)) {
      if (/[a-f]/i.test(m[0]) || m[0].includes('::')) add(m.index, m.index + m[0].length, 'IP');
    }
  for (const m of all(SSN_RE, text)) {
    const before = text.slice(Math.max(0, m.index - 24), m.index);
    const ssnContext = /\b(?:ssn|ss#?|social(?:\s+security)?)\b/i.test(before);
    const isSsn = ssnContext || !useValidators || ssnValid(m[0]);
    add(m.index, m.index + m[0].length, isSsn ? 'SSN' : 'ID');
  }
  for (const m of all(CARD_RE, text)) {
    const digits = digitsOf(m[0]);
    if (!useValidators || luhnValid(digits)) add(m.index, m.index + m[0].length, 'CARD');
  }
  for (const m of all(PHONE_RE, text)) {
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    add(m.index, m.index + m[0].length, /\bfax\b/i.test(before) ? 'FAX' : 'PHONE');
  }
  for (const m of all(INTL_PHONE_RE, text)) {
    const n = digitsOf(m[0]).length;
    if (n >= 8 && n <= 15) add(m.index, m.index + m[0].length, 'PHONE');
  }
  numericDates(text, out);
  for (const re of [DATE_MONTH_DAY_RE, DATE_DAY_MONTH_RE, DATE_MONTH_YEAR_RE]) {
    for (const m of all(re, text)) {
      // "may" is usually the verb: require a capital M or a clear day number after it.
      if (/^may\b/.test(m[0]) && !/\d{4}|\d(?:st|nd|rd|th)/.test(m[0])) continue;
      const s = m[0].toLowerCase().startsWith('the') ? m.index + m[0].indexOf(' ') + 1 : m.index;
      add(s, m.index + m[0].length, 'DATE');
    }
  }
  if (ORDINAL_HINT.test(text))
    for (const m of all(DATE_ORDINAL_RE, text)) {
      const g = m[1] ?? '';
      add(m.index + m[0].length - g.length, m.index + m[0].length, 'DATE');
    }
  weekdayDates(text, add);
  for (const m of all(AGE_OPENING_RE, text)) add(m.index, m.index + (m[1] ?? '').length, 'AGE');
  if (text.includes("'") || text.includes('’'))
    for (const m of all(YEAR_APOS_RE, text)) add(m.index, m.index + m[0].length, 'DATE');
  for (const m of all(AGE_RE, text)) add(m.index, m.index + (m[1] ?? '').length, 'AGE');
  if (lower.includes('ninety') || lower.includes('hundred'))
    for (const m of all(AGE_WORDS_RE, text)) add(m.index, m.index + m[0].length, 'AGE');
  if (lower.includes('age'))
    for (const m of all(AGE_WORD_RE, text)) {
      const g = m[1] ?? '';
      add(m.index + m[0].length - g.length, m.index + m[0].length, 'AGE');
    }
  if (FIVE_DIGITS.test(text))
    for (const m of all(ZIP_RE, text)) add(m.index, m.index + m[0].length, 'ZIP');
  if (lower.includes('box') || lower.includes('psc') || lower.includes('unit'))
    for (const m of all(PO_BOX_RE, text)) add(m.index, m.index + m[0].length, 'ADDRESS');
  if (MILITARY_HINT.test(text))
    for (const m of all(MILITARY_MAIL_RE, text)) add(m.index, m.index + m[0].length, 'ADDRESS');
  if (SECONDARY_UNIT_WORDS.some((w) => lower.includes(w)))
    for (const m of all(SECONDARY_UNIT_RE, text)) add(m.index, m.index + m[0].length, 'ADDRESS');
  // Identifiers without context: letters and at least 4 digits ("SJH-123456", "87342GH"), or a
  // long digit run that is no date, phone or card.
  for (const m of all(ALNUM_RE, text)) {
    const s = m[0];
    const digits = digitsOf(s).length;
    const letters = s.replace(/[^A-Za-z]/g, '');
    const bare =
      letters.length === 0 &&
      digits >= 7 &&
      s.replace('#', '').length <= 20 &&
      !DASHED_DATE.test(s); // dates are the date patterns' business

    if (!bare && UNIT_OR_COUNT.test(s)) continue; // "1400CC", "750X10", "15-20MCG"
    const words = s.split(/[^A-Za-z]+/).filter((w) => w !== '');
    const vitals = words.every((w) => VITAL_PREFIX.test(w)); // "HR-110-133", "BP130-140", "53-65SR"
    if (
      digits >= 4 &&
      letters.length > 0 &&
      letters === letters.toUpperCase() &&
      s.length <= 24 &&
      !vitals
    ) {
      add(m.index, m.index + s.length, 'ID');
    } else if (bare) {
      if (/^\d{1,4}-\d{1,4}$/.test(s)) continue; // a range ("2019-2021", "500-1000")
      // A bare run shaped like a North American number ("5551234567") is a phone.
      if (NANP_RUN.test(s))
        out.push({
          start: m.index,
          end: m.index + s.length,
          type: 'PHONE',
          source: 'patterns',
          certain: true,
        });
      else add(m.index, m.index + s.length, 'ID');
    }
  }
}

/** Context words that make the next token an identifier, phone, fax or ZIP. */
export function detectContextPatterns(text: string, out: Candidate[]): void {
  for (const m of all(ID_CONTEXT_RE, text)) {
    const value = m[2] ?? '';
    const key = (m[1] ?? '').toLowerCase();
    if (digitsOf(value).length < 3) continue;
    if (key === 'id' && !/\d{4}/.test(value)) continue;
    const end = m.index + m[0].length;
    const type =
      key.startsWith('mrn') || key.startsWith('medical') || key.startsWith('record') ? 'MRN' : 'ID';
    out.push({ start: end - value.length, end, type, source: 'context' });
  }
  for (const m of all(PHONE_CONTEXT_RE, text)) {
    const value = m[2] ?? '';
    const n = digitsOf(value).length;
    if (n < 4 || n > 15) continue;
    const end = m.index + m[0].length;
    const type = (m[1] ?? '').toLowerCase() === 'fax' ? 'FAX' : 'PHONE';
    out.push({ start: end - value.length, end, type, source: 'context' });
  }
  const lower = text.toLowerCase();
  if (lower.includes('zip') || lower.includes('postal'))
    for (const m of all(ZIP_CONTEXT_RE, text)) {
      const value = m[1] ?? '';
      const end = m.index + m[0].length;
      out.push({ start: end - value.length, end, type: 'ZIP', source: 'context' });
    }
}
