/**
 * Word error rate, the measure every speech bench here reports: (substitutions + deletions +
 * insertions) / reference words, after the same normalisation on both sides.
 */

const NUMBER_WORDS: Readonly<Record<string, string>> = {
  '0': 'zero',
  '1': 'one',
  '2': 'two',
  '3': 'three',
  '4': 'four',
  '5': 'five',
  '6': 'six',
  '7': 'seven',
  '8': 'eight',
  '9': 'nine',
  '10': 'ten',
  '20': 'twenty',
  '25': 'twenty five',
  '30': 'thirty',
};

/**
 * Lower case, punctuation removed (apostrophes inside words kept), digits the references use
 * spelled out as recognisers output them (FLEURS writes "25 to 30"; recognisers say "twenty five").
 */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w !== '')
    .flatMap((w) => (NUMBER_WORDS[w] ?? w).split(' '));
}

export interface WordErrors {
  readonly errors: number;
  readonly referenceWords: number;
}

/** Levenshtein distance over words (two rows). */
export function wordErrors(reference: string, hypothesis: string): WordErrors {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, sub));
    }
    prev = row;
  }
  return { errors: prev[hyp.length] ?? 0, referenceWords: ref.length };
}

export function wordErrorRate(reference: string, hypothesis: string): number {
  const { errors, referenceWords } = wordErrors(reference, hypothesis);
  return referenceWords === 0 ? (errors === 0 ? 0 : 1) : errors / referenceWords;
}

/** Corpus WER: total errors over total reference words (not the mean of per-clip rates). */
export function corpusWer(pairs: readonly { reference: string; hypothesis: string }[]): number {
  let errors = 0;
  let words = 0;
  for (const p of pairs) {
    const e = wordErrors(p.reference, p.hypothesis);
    errors += e.errors;
    words += e.referenceWords;
  }
  return words === 0 ? 0 : errors / words;
}
