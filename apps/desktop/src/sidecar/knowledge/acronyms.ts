import type { Db } from '../store/database.js';

/**
 * Abbreviations in a query, spelled out the way the sources themselves define them: "CKD stage 3"
 * searches for "chronic kidney disease" too when a stored text says "chronic kidney disease (CKD)".
 * Without it, a query whose only distinctive word is an abbreviation the titles never use is
 * ranked by its common words ("stage" in every cancer staging page's title).
 *
 * The long form is found the way Schwartz & Hearst (2003) find it: in chunks that contain the
 * abbreviation, the words before "(ABBR)" whose initials spell it.
 */
export const ABBREVIATION = /^[A-Z][A-Za-z]?[A-Z0-9]{1,5}$/;
const MAX_CHUNKS = 25;
const MAX_EXPANSIONS = 3;

export class AcronymExpander {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly db: Db) {}

  /** The query with the long forms of its abbreviations appended (unchanged when none is known). */
  expand(query: string): string {
    const found: string[] = [];
    for (const m of query.matchAll(/[\p{L}\p{N}]+/gu)) {
      const word = m[0];
      if (!ABBREVIATION.test(word) || found.length >= MAX_EXPANSIONS) continue;
      const long = this.longForm(word);
      if (long && !query.toLowerCase().includes(long.toLowerCase())) found.push(long);
    }
    return found.length === 0 ? query : `${query} ${found.join(' ')}`;
  }

  /** Forget what was learnt (documents were added or removed). */
  clear(): void {
    this.cache.clear();
  }

  private longForm(abbreviation: string): string | null {
    const cached = this.cache.get(abbreviation);
    if (cached !== undefined) return cached;
    let rows: { text: string }[];
    try {
      rows = this.db
        .prepare(
          `SELECT c.text FROM chunks_fts f JOIN chunks c ON c.id = f.rowid WHERE chunks_fts MATCH ? LIMIT ${MAX_CHUNKS}`,
        )
        .all(`"${abbreviation.toLowerCase()}"`) as { text: string }[];
    } catch {
      rows = []; // an unusual token FTS5 will not parse: no expansion
    }
    const counts = new Map<string, number>();
    const pattern = new RegExp(`\\(${abbreviation}s?\\)`, 'g');
    for (const { text } of rows)
      for (const m of text.matchAll(pattern)) {
        const long = definedBefore(text.slice(Math.max(0, m.index - 120), m.index), abbreviation);
        if (long) counts.set(long.toLowerCase(), (counts.get(long.toLowerCase()) ?? 0) + 1);
      }
    const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    this.cache.set(abbreviation, best);
    return best;
  }
}

/**
 * The words just before "(ABBR)" whose initials spell the abbreviation's letters in order
 * ("chronic kidney disease" for CKD; small words like "of" may sit between them).
 */
export function definedBefore(before: string, abbreviation: string): string | undefined {
  const words = before.trimEnd().split(/\s+/).filter(Boolean);
  const letters = abbreviation.toLowerCase().replace(/[^a-z]/g, '');
  if (letters.length < 2) return undefined;
  let need = letters.length - 1;
  for (let i = words.length - 1; i >= 0 && i >= words.length - letters.length * 2; i--) {
    const w = (words[i] ?? '').toLowerCase().replace(/[^\p{L}\p{N}-]/gu, '');
    if (w === '') return undefined;
    if (w.startsWith(letters.charAt(need)) || w.includes(`-${letters.charAt(need)}`)) {
      need -= w.includes('-') ? w.split('-').filter((p) => p.length > 0).length : 1;
      if (need < 0)
        return words
          .slice(i)
          .join(' ')
          .replace(/[^\p{L}\p{N}-]+$/u, '');
    } else if (!/^(of|the|and|in|to|for|on|with|a)$/.test(w)) return undefined;
  }
  return undefined;
}

/**
 * The question with each abbreviation replaced by the long form the given texts define for it
 * ("How is CKD staged?" → "How is chronic kidney disease staged?"), so its topic is read the way
 * the sources name it.
 */
export function spellOut(question: string, texts: readonly string[]): string {
  return question.replace(/[\p{L}\p{N}]+/gu, (word) => {
    if (!ABBREVIATION.test(word)) return word;
    const pattern = new RegExp(`\\(${word}s?\\)`, 'g');
    for (const text of texts)
      for (const m of text.matchAll(pattern)) {
        const long = definedBefore(text.slice(Math.max(0, m.index - 120), m.index), word);
        if (long) return long;
      }
    return word;
  });
}
