import { sentenceSpans } from './chunk.js';

/**
 * A passage cut into what an answer can quote: sentences, and lists or tables kept whole (a list
 * of symptoms is one answer, not twelve fragments). Offsets are into the passage text.
 */
export type UnitKind = 'sentence' | 'list' | 'table';

/** Why a unit may never be quoted as an answer. */
export type Rejection = 'question' | 'boilerplate' | 'heading' | 'fragment';

export interface Unit {
  readonly kind: UnitKind;
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Position among the passage's units (0 = first): lead sentences answer more often. */
  readonly index: number;
  /** The sentence just before a list that announces it ("Symptoms include:"). */
  readonly introduces?: boolean;
  /**
   * A sentence in a run that started with boilerplate ("The HPO has collected information… The
   * frequency may also be listed as a fraction."): quoted only if it names the question's topic.
   */
  readonly afterBoilerplate?: boolean;
  /** For a list or table: the text that announced it (quoted or not), which says what it lists. */
  readonly caption?: string;
  readonly rejected?: Rejection;
}

/**
 * Sentences that point elsewhere, describe the page, or talk about the source rather than the
 * subject. Never an answer, whatever words they share with the question.
 */
const BOILERPLATE: readonly RegExp[] = [
  /\b(table|list|chart|figure|graph|box|links?) (below|above)\b/,
  /\b(below|above) (is|are) (a |the )?(table|list|links?)\b/,
  /\bsee (the )?(table|figure|below|above|also|section|page|chapter)\b/,
  /\b(click|tap) (here|on|the)\b/,
  /\b(return|back|go) to (the )?top\b/,
  /\bfor more (information|details|about)\b/,
  /\b(learn|read|find out) more\b/,
  /\byou can (use|find|visit|contact|call|search|look)\b/,
  /\blook up (the )?(definitions?|terms?)\b/,
  /\b(these|the following|this) (resources?|organizations?|websites?|sites?|links?|publications?)\b/,
  /\bthis (page|section|fact sheet|article|topic|website|site|document|summary|booklet)\b/,
  /\b(visit|call|contact|e-?mail|write to)\b.{0,60}\b(at|website|office|1-\d{3})\b/,
  /\b(www\.|https?:\/\/|\.gov\b|\.org\b|\.com\b)/,
  /\bis available (in|at|from|on)\b/,
  /\b(updated|reviewed|last modified) (on|in)\b/,
  /\bhas collected information\b/,
  /\bprovides the following\b/,
  /\bif the information is available\b/,
];

export function isBoilerplate(text: string): boolean {
  const s = text.toLowerCase();
  return BOILERPLATE.some((re) => re.test(s));
}

const MIN_SENTENCE_CHARS = 25;
/** An intro naming these announces a list of places to go, not facts. */
const NAVIGATION_INTRO = /\b(resources?|links?|websites?|sites|organizations?|publications?)\b/;
const LIST_LINE = /^\s*(?:[-*•+]|\d{1,2}[.)])\s+\S/;
const TABLE_LINE = /^\s*\|.*\|\s*$|^[^|\n]*\|[^|\n]*\|/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}/;
/** Inline list separators in flattened text: " - item - item" or "Item 90% Item 7.5%". */
const INLINE_ITEM = /\s(?:-|\d+(?:\.\d+)?%)(?=\s|$)/g;
const MIN_INLINE_ITEMS = 3;

function reject(text: string): Rejection | undefined {
  const t = text.trim();
  if (/^#{1,6}\s/.test(t)) return 'heading';
  if (/\?\s*$/.test(t) || /\?["”')\]]*\s*$/.test(t)) return 'question';
  if (isBoilerplate(t)) return 'boilerplate';
  if (t.length < MIN_SENTENCE_CHARS || !/[a-z]{3}/i.test(t)) return 'fragment';
  return undefined;
}

interface Span {
  start: number;
  end: number;
}

/** Lines of `text` with their offsets, trailing "\r" excluded. */
function lines(text: string): (Span & { text: string })[] {
  const out: (Span & { text: string })[] = [];
  let at = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    out.push({ start: at, end: at + line.length, text: line });
    at += raw.length + 1;
  }
  return out;
}

/**
 * Splits a flattened list ("…include: - fever - cough - rash" or a table pasted as one line)
 * into the intro before its first item and the span of the items. Undefined when it is prose.
 */
export function inlineList(text: string): { intro: Span; items: Span[] } | undefined {
  const marks = [...text.matchAll(INLINE_ITEM)];
  if (marks.length < MIN_INLINE_ITEMS) return undefined;
  // Items lie between marks. A percentage ends its item ("Myopia 90%"); a dash separates, whether
  // it stands before items (" - a - b") or for an empty cell of a pasted table ("Glaucoma -").
  const items: Span[] = [];
  let from = 0;
  for (const m of marks) {
    const at = m.index;
    const isPercent = m[0].trim() !== '-';
    const end = isPercent ? at + m[0].length : at;
    if (end > from) items.push({ start: from, end });
    from = at + m[0].length + 1;
  }
  if (from < text.length) items.push({ start: from, end: text.length });
  let intro: Span = { start: 0, end: 0 };
  const first = items[0];
  if (!first) return undefined;
  const head = text.slice(first.start, first.end);
  if (/[.:;!]\s*$/.test(head)) {
    intro = { start: 0, end: first.end }; // "Symptoms include: - a - b"
    items.shift();
  } else {
    // A table pasted as text starts with its header row ("… patients (when available) Absent
    // antihelix 90%"): the words after the header's closing bracket are the first item.
    const cut = head.lastIndexOf(')');
    if (cut > 0 && head.length - cut > 3) {
      intro = { start: 0, end: first.start + cut + 1 };
      first.start = intro.end + 1;
    }
  }
  // Prose after the last item ("- Nystagmus - The HPO has collected…") is not an item.
  const lengths = items.map((i) => i.end - i.start).sort((a, b) => a - b);
  const median = lengths[Math.floor(lengths.length / 2)] ?? 0;
  const last = items.at(-1);
  if (last && items.length > MIN_INLINE_ITEMS && last.end - last.start > Math.max(60, 3 * median))
    items.pop();
  for (const i of items) while (i.end > i.start && /\s/.test(text.charAt(i.end - 1))) i.end--;
  return items.length >= MIN_INLINE_ITEMS ? { intro, items } : undefined;
}

/** True when the text after `units` continues a run of boilerplate (see Unit.afterBoilerplate). */
export function endsInBoilerplate(units: readonly Unit[]): boolean {
  const last = units.at(-1);
  return last !== undefined && (last.rejected === 'boilerplate' || last.afterBoilerplate === true);
}

/**
 * The passage's units in reading order. Lines that are list items or table rows form one list or
 * table unit; other lines are split into sentences; a sentence holding an inline list is split
 * into its intro and the list.
 */
export function passageUnits(text: string, continuesBoilerplate = false): Unit[] {
  const units: Omit<Unit, 'index'>[] = [];
  const push = (kind: UnitKind, start: number, end: number, introduces = false): void => {
    while (start < end && /\s/.test(text.charAt(start))) start++;
    if (kind === 'sentence' && /^[-–•]\s/.test(text.slice(start, start + 2))) start += 2; // a stray bullet
    while (end > start && /\s/.test(text.charAt(end - 1))) end--;
    if (end <= start) return;
    const t = text.slice(start, end);
    const rejected = kind === 'sentence' ? reject(t) : undefined;
    units.push({
      kind,
      start,
      end,
      text: t,
      ...(introduces ? { introduces } : {}),
      ...(rejected ? { rejected } : {}),
    });
  };
  const all = lines(text);
  for (let i = 0; i < all.length;) {
    const line = all[i];
    if (!line) break;
    const isList = LIST_LINE.test(line.text);
    const isTable = !isList && TABLE_LINE.test(line.text);
    if (isList || isTable) {
      let j = i;
      while (j + 1 < all.length) {
        const next = all[j + 1]?.text ?? '';
        if (isList ? LIST_LINE.test(next) : TABLE_LINE.test(next) || TABLE_RULE.test(next)) j++;
        else break;
      }
      const previous = units.at(-1);
      if (previous?.kind === 'sentence' && /[:]\s*$/.test(previous.text))
        units[units.length - 1] = { ...previous, introduces: true };
      push(isList ? 'list' : 'table', line.start, all[j]?.end ?? line.end);
      i = j + 1;
      continue;
    }
    // A paragraph: consecutive prose lines.
    let j = i;
    while (j + 1 < all.length) {
      const next = all[j + 1]?.text ?? '';
      if (next.trim() === '' || LIST_LINE.test(next) || TABLE_LINE.test(next)) break;
      j++;
    }
    const from = line.start;
    const to = all[j]?.end ?? line.end;
    if (/^\s*#{1,6}\s/.test(line.text)) {
      push('sentence', line.start, line.end); // rejected as a heading
      if (j > i) for (const s of sentenceSpans(text, all[i + 1]?.start ?? to, to)) splitSentence(s);
    } else for (const s of sentenceSpans(text, from, to)) splitSentence(s);
    i = j + 1;
  }
  let run = continuesBoilerplate;
  return units.map((u, index) => {
    const before = units[index - 1];
    run =
      u.kind === 'sentence' &&
      (before === undefined ? run : before.rejected === 'boilerplate' || run);
    if (run && !u.rejected) return { ...u, index, afterBoilerplate: true };
    const caption =
      u.kind !== 'sentence' && before?.introduces === true && u.start - before.end < 40
        ? { caption: before.text }
        : {};
    // A list of resources or links is navigation, like the sentence that announces it.
    if (
      u.kind !== 'sentence' &&
      before?.introduces === true &&
      before.rejected === 'boilerplate' &&
      u.start - before.end < 40 &&
      NAVIGATION_INTRO.test(before.text.toLowerCase())
    )
      return { ...u, index, ...caption, rejected: 'boilerplate' as const };
    return { ...u, index, ...caption };
  });

  function splitSentence(s: Span): void {
    const list = inlineList(text.slice(s.start, s.end));
    if (!list || list.items.length < MIN_INLINE_ITEMS) {
      push('sentence', s.start, s.end);
      return;
    }
    if (list.intro.end > list.intro.start) {
      const before = units.length;
      for (const p of sentenceSpans(text, s.start + list.intro.start, s.start + list.intro.end))
        push('sentence', p.start, p.end);
      const last = units.at(-1);
      if (units.length > before && last)
        units[units.length - 1] = {
          ...last,
          introduces: true,
          // Without closing punctuation the intro is a table's header row, not a claim.
          ...(/[.:;!]\s*$/.test(last.text) ? {} : { rejected: last.rejected ?? 'heading' }),
        };
    }
    const first = list.items[0];
    const lastItem = list.items.at(-1);
    if (!first || !lastItem) return;
    push('list', s.start + first.start, s.start + lastItem.end);
    if (s.start + lastItem.end < s.end)
      for (const p of sentenceSpans(text, s.start + lastItem.end, s.end))
        push('sentence', p.start, p.end);
  }
}

/**
 * The first items of a list unit, whole, within about `maxChars`: the part an answer quotes
 * (its span stays verbatim source text). Items are lines, or inline items of a flattened list.
 */
export function leadingItems(unit: Unit, maxChars: number): Span {
  if (unit.end - unit.start <= maxChars) return { start: unit.start, end: unit.end };
  const text = unit.text;
  const ends: number[] = [];
  if (text.includes('\n')) for (const m of text.matchAll(/\n/g)) ends.push(m.index);
  else
    for (const m of text.matchAll(INLINE_ITEM))
      ends.push(m[0].trim() === '-' ? m.index : m.index + m[0].length);
  let cut = ends.filter((e) => e > 0 && e <= maxChars).at(-1);
  if (cut === undefined) {
    const space = text.lastIndexOf(' ', maxChars);
    cut = space > 0 ? space : maxChars;
  }
  let end = cut;
  while (end > 0 && /\s/.test(text.charAt(end - 1))) end--;
  return { start: unit.start, end: unit.start + end };
}
