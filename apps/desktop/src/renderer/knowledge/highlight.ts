/** Pure text helpers of the Knowledge view: snippets around a match and the words to mark. */

const STOP = new Set(
  'a an and are as at be by do does for from how i in is it of on or the to what when where which who why with'.split(
    ' ',
  ),
);

/** The query's content words, lower-cased, for marking in snippets. */
export function queryTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length > 1 && !STOP.has(w)))];
}

export interface Segment {
  readonly text: string;
  readonly mark: boolean;
}

/** Splits text into plain and marked segments wherever a term starts a word. */
export function markTerms(text: string, terms: readonly string[]): Segment[] {
  if (terms.length === 0) return [{ text, mark: false }];
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), mark: false });
    out.push({ text: m[0], mark: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), mark: false });
  return out;
}

/** About `width` characters of `text` around the first term match, with ellipses where cut. */
export function snippet(text: string, terms: readonly string[], width = 280): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= width) return flat;
  const lower = flat.toLowerCase();
  const hits = terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0);
  const at = hits.length ? Math.min(...hits) : 0;
  let from = Math.max(0, at - Math.floor(width / 3));
  const space = flat.lastIndexOf(' ', from);
  if (from > 0 && space > 0 && from - space < 30) from = space + 1;
  const to = Math.min(flat.length, from + width);
  return `${from > 0 ? '… ' : ''}${flat.slice(from, to)}${to < flat.length ? ' …' : ''}`;
}

/** "about 12 s left", "about 3 min left", or "" when unknown. */
export function formatEta(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 90 ? `about ${s} s left` : `about ${Math.round(s / 60)} min left`;
}

/** The last path component, for showing the current file. */
export function baseName(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).pop() ?? p;
}
