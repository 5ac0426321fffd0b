import { contentTerms } from '../../knowledge/terms.js';
import type { Clarification, ClarifyOption } from './detect.js';

export type ClarifyReply =
  /** The person picked this option (spoken, typed, or a button's index). */
  | { readonly kind: 'option'; readonly index: number; readonly option: ClarifyOption }
  /** "All of them", "any", "doesn't matter": answer the question as asked. */
  | { readonly kind: 'all' }
  /** Not a reply to the question (a new question, or nothing recognisable). */
  | { readonly kind: 'unclear' };

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'] as const;
const SHORT_ORDINALS = ['1st', '2nd', '3rd', '4th', '5th'] as const;
const NUMBERS = ['one', 'two', 'three', 'four', 'five'] as const;

/** "the second one", "2nd", "number two", "option 3", "2" → index; undefined otherwise. */
function ordinal(bare: string): number | undefined {
  const words = bare.split(' ');
  for (let i = 0; i < ORDINALS.length; i++) {
    const ord = ORDINALS[i] ?? '';
    if (words.includes(ord) || words.includes(SHORT_ORDINALS[i] ?? '')) return i;
  }
  const n = /^(?:number |option |choice )?(one|two|three|four|five|[1-5])$/.exec(bare)?.[1];
  if (n === undefined) return undefined;
  const i = NUMBERS.indexOf(n as (typeof NUMBERS)[number]);
  return i >= 0 ? i : Number(n) - 1;
}
const LAST = /\b(?:last|final|latter)(?: one)?\b/;
const ALL =
  /^(?:(?:all|both|any|either)(?: of them| of those| one)?|(?:it )?does(?:nt| not) matter|whichever|in general|general(?:ly)?|everything)$/;

/**
 * Reads the reply to a clarifying question: "the second one", "chronic", "the last", a button
 * (its index), "all of them". A reply naming a word only one option has picks that option.
 */
export function resolveReply(clarification: Clarification, reply: string | number): ClarifyReply {
  const { options } = clarification;
  const pick = (index: number): ClarifyReply => {
    const option = options[index];
    return option ? { kind: 'option', index, option } : { kind: 'unclear' };
  };
  if (typeof reply === 'number') return pick(reply);
  const text = reply
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return { kind: 'unclear' };
  const bare = text
    .replace(/^(?:the |i mean |i meant |um |uh |oh |well )+/, '')
    .replace(/ please$/, '');
  if (ALL.test(bare)) return { kind: 'all' };

  // Words that tell the options apart (a word every option has, like "kidney", decides nothing).
  const said = new Set(contentTerms(text));
  const termsOf = options.map((o) => new Set(contentTerms(o.label)));
  const shared = new Set([...(termsOf[0] ?? [])].filter((w) => termsOf.every((t) => t.has(w))));
  const overlap = termsOf.map((t) => [...t].filter((w) => !shared.has(w) && said.has(w)).length);
  const most = Math.max(0, ...overlap);
  if (most > 0 && overlap.filter((n) => n === most).length === 1)
    return pick(overlap.indexOf(most));

  if (bare.split(' ').length <= 4) {
    if (LAST.test(bare)) return pick(options.length - 1);
    const index = ordinal(bare);
    if (index !== undefined) return pick(index);
  }
  return { kind: 'unclear' };
}
