/**
 * The clarification set, built deterministically from MedQuAD (docs carry `focus`, the topic a
 * passage is about):
 *  - broad: a term two or more topics share in their names, that is not itself a topic
 *    ("anemia": Fanconi anemia, sickle cell anemia…), asked in a general way ("Tell me about
 *    anemia"). Gold = the documents of every topic whose name holds it: several topics.
 *  - specific: a question about one topic by its name ("What are the symptoms of Fanconi
 *    anemia?"), gold = that topic's documents; plus the MedQuAD dev questions whose gold is one
 *    topic (real consumer questions).
 * Each item goes to `tune` or `test` by a hash of its topic/term, so a term never sits in both.
 */
import { createHash } from 'node:crypto';

export interface MedDoc {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly focus?: string;
  readonly qtype?: string;
}
export interface DevQuestion {
  readonly id: string;
  readonly question: string;
  readonly gold_doc_ids: readonly string[];
}
export interface ClarifyItem {
  readonly id: string;
  readonly question: string;
  readonly broad: boolean;
  readonly kind: 'broad-term' | 'specific-template' | 'specific-medquad';
  readonly goldTopics: readonly string[];
  readonly split: 'tune' | 'test';
}

const GENERIC = new Set(
  `syndrome disease diseases disorder disorders deficiency type familial hereditary congenital
  primary secondary acute chronic juvenile adult early late onset related linked autosomal dominant
  recessive infantile progressive childhood neonatal acquired atypical benign severe mild isolated
  partial complete multiple generalized idiopathic cell cells deletion duplication microdeletion
  microduplication with of the and a b c d x y to in for your how what about or on from by due
  information manage managing life steps can you health condition conditions form forms malignant
  human 1 2 3 4 5 6 7 8 9 i ii iii iv dysplasia`
    .split(/\s+/)
    .filter(Boolean),
);

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

function hash(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0);
}
const splitOf = (key: string): ClarifyItem['split'] => (hash(key) % 2 === 0 ? 'tune' : 'test');

const BROAD_TEMPLATES = [
  (t: string) => `Tell me about ${t}`,
  (t: string) => `${t} management`,
  (t: string) => `What should I know about ${t}?`,
  (t: string) => t,
  (t: string) => `Information on ${t}`,
];
const SPECIFIC_TEMPLATES: Readonly<Record<string, (f: string) => string>> = {
  symptoms: (f) => `What are the symptoms of ${f}?`,
  treatment: (f) => `How is ${f} treated?`,
  causes: (f) => `What causes ${f}?`,
  inheritance: (f) => `Is ${f} inherited?`,
  'genetic changes': (f) => `What genetic changes are related to ${f}?`,
  frequency: (f) => `How many people are affected by ${f}?`,
  'exams and tests': (f) => `How is ${f} diagnosed?`,
  outlook: (f) => `What is the outlook for ${f}?`,
  prevention: (f) => `How can ${f} be prevented?`,
  information: (f) => `What is ${f}?`,
};

/**
 * Head terms of a topic name: its last word or two once trailing generic words ("syndrome",
 * "type 2") and brackets are gone — "Familial esophageal achalasia" → achalasia, esophageal
 * achalasia. A broad question asks about a head several topics share.
 */
function heads(focus: string): string[] {
  const w = norm(focus.replace(/\([^)]*\)/g, ' '))
    .split(' ')
    .filter(Boolean);
  while (w.length > 0 && (GENERIC.has(w.at(-1) ?? '') || /^\d/.test(w.at(-1) ?? ''))) w.pop();
  const out: string[] = [];
  for (let n = 1; n <= 2 && n <= w.length; n++) {
    const g = w.slice(w.length - n);
    if (!GENERIC.has(g[0] ?? '') && g.some((x) => x.length >= 4)) out.push(g.join(' '));
  }
  return out;
}

/** A topic name without `term`, generic words and MedQuAD's "What I need to know about". */
function residual(topic: string, term: string): string {
  return ` ${norm(topic).replace(/^what i need to know about /, '')} `
    .replace(` ${term} `, ' ')
    .split(' ')
    .filter((w) => w !== '' && !GENERIC.has(w) && !/^\d/.test(w))
    .join(' ');
}

const containsWords = (name: string, term: string) => ` ${name} `.includes(` ${term} `);

export function buildClarifySet(
  docs: readonly MedDoc[],
  devQuestions: readonly DevQuestion[],
  perKind = 150,
): ClarifyItem[] {
  // Topics by normalised name ("Adiposis dolorosa" and "adiposis dolorosa" are one topic).
  const topicByName = new Map<string, string>();
  for (const d of docs) {
    const f = (d.focus ?? '').trim();
    if (f !== '' && !topicByName.has(norm(f))) topicByName.set(norm(f), f);
  }
  const headCount = new Map<string, number>();
  for (const name of topicByName.keys())
    for (const h of heads(name)) headCount.set(h, (headCount.get(h) ?? 0) + 1);
  const items: ClarifyItem[] = [];

  const broadTerms = [...headCount]
    .filter(([term, n]) => n >= 2 && !topicByName.has(term))
    .map(([term]) => {
      const ts = [...topicByName].filter(([name]) => containsWords(name, term)).map(([, f]) => f);
      return [term, ts] as const;
    })
    .filter(([, ts]) => ts.length <= 12)
    // Topics that differ only in generic words are one subject ("Hirschsprung disease", "What I
    // need to know about Hirschsprung Disease"): a question about it is not broad.
    .filter(([term, ts]) => new Set(ts.map((t) => residual(t, term))).size >= 2)
    .sort((a, b) => hash(a[0]) - hash(b[0]))
    .slice(0, perKind);
  for (const [term, ts] of broadTerms)
    items.push({
      id: `broad:${term}`,
      question: BROAD_TEMPLATES[hash(`t${term}`) % BROAD_TEMPLATES.length]?.(term) ?? term,
      broad: true,
      kind: 'broad-term',
      goldTopics: [...ts].sort(),
      split: splitOf(term),
    });

  const pairs = [
    ...new Map(
      docs
        .filter((d) => d.focus && d.qtype && SPECIFIC_TEMPLATES[d.qtype])
        .map((d) => [`${d.focus ?? ''}|${d.qtype ?? ''}`, d] as const),
    ).values(),
  ]
    .sort((a, b) => hash(a.id) - hash(b.id))
    .slice(0, perKind);
  for (const d of pairs) {
    const focus = d.focus ?? '';
    items.push({
      id: `specific:${d.id}`,
      question: SPECIFIC_TEMPLATES[d.qtype ?? '']?.(focus) ?? focus,
      broad: false,
      kind: 'specific-template',
      goldTopics: [focus],
      split: splitOf(norm(focus)),
    });
  }

  const focusOf = new Map(docs.map((d) => [d.id, d.focus ?? '']));
  for (const q of devQuestions) {
    const gold = [...new Set(q.gold_doc_ids.map((id) => focusOf.get(id)).filter((f) => f))];
    if (gold.length !== 1) continue;
    items.push({
      id: `medquad:${q.id}`,
      question: q.question,
      broad: false,
      kind: 'specific-medquad',
      goldTopics: gold as string[],
      split: splitOf(q.id),
    });
  }
  return items;
}
