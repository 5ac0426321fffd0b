import { describe, expect, it } from 'vitest';
import { continueWith, detectBroad, resolveReply, topicOf, type RankedHit } from './index.js';

let nextId = 1;
const hit = (title: string, score: number): RankedHit => ({
  documentId: nextId++,
  title,
  score,
});

// The seed's example: three kidney topics close together at the top.
const KIDNEY = [
  hit('Acute Kidney Injury -- treatment', 0.82),
  hit('Chronic Kidney Disease -- treatment', 0.8),
  hit('Diabetic Kidney Disease -- information', 0.76),
  hit('Chronic Kidney Disease -- information', 0.74),
  hit('High Blood Pressure -- information', 0.4),
];

describe('detecting a broad question from retrieval', () => {
  it('asks one short question with the topics as the sources name them', () => {
    const c = detectBroad('kidney disease management', KIDNEY);
    expect(c?.question).toBe(
      'Which do you mean: Acute Kidney Injury, Chronic Kidney Disease, or Diabetic Kidney Disease?',
    );
    expect(c?.options.map((o) => o.label)).toEqual([
      'Acute Kidney Injury',
      'Chronic Kidney Disease',
      'Diabetic Kidney Disease',
    ]);
    expect(c?.options[1]?.documentIds).toHaveLength(2); // both CKD passages
  });

  it('never asks when the question names one of the topics', () => {
    expect(detectBroad('How is chronic kidney disease treated?', KIDNEY)).toBeUndefined();
  });

  it('never asks when one topic clearly leads', () => {
    const hits = [
      hit('Chronic Kidney Disease -- treatment', 0.9),
      hit('Chronic Kidney Disease -- causes', 0.85),
      hit('Kidney Stones -- information', 0.4),
    ];
    expect(detectBroad('kidney problems', hits)).toBeUndefined();
    const close = [...hits.slice(0, 2), hit('Kidney Stones -- information', 0.5)];
    expect(detectBroad('kidney problems', close)?.options).toHaveLength(2);
  });

  it('offers at most five options, only topics sharing a word with the question', () => {
    const hits = [
      ...['Fanconi', 'Sickle Cell', 'Iron Deficiency', 'Pernicious', 'Aplastic', 'Hemolytic'].map(
        (n, i) => hit(`${n} Anemia -- information`, 0.8 - i * 0.01),
      ),
      hit('Fatigue -- information', 0.79),
    ];
    const c = detectBroad('tell me about anemia', hits);
    expect(c?.options).toHaveLength(5);
    expect(c?.options.map((o) => o.label)).not.toContain('Fatigue');
  });

  it('takes the topic from a "Topic -- aspect" title, else the whole title', () => {
    expect(topicOf('Shingles -- treatment')).toBe('Shingles');
    expect(topicOf('Hypertension guideline 2024')).toBe('Hypertension guideline 2024');
  });
});

describe('the reply continues the same turn', () => {
  const c = detectBroad('kidney disease management', KIDNEY);
  if (!c) throw new Error('expected a clarification');

  it.each([
    ['the second one', 'Chronic Kidney Disease'],
    ['chronic', 'Chronic Kidney Disease'],
    ['Acute, please', 'Acute Kidney Injury'],
    ['the diabetic one', 'Diabetic Kidney Disease'],
    ['the last one', 'Diabetic Kidney Disease'],
    ['first', 'Acute Kidney Injury'],
  ])('"%s" → %s', (reply, label) => {
    expect(resolveReply(c, reply)).toMatchObject({ kind: 'option', option: { label } });
  });

  it('a click is the option’s index', () => {
    expect(resolveReply(c, 2)).toMatchObject({ option: { label: 'Diabetic Kidney Disease' } });
    expect(resolveReply(c, 7)).toEqual({ kind: 'unclear' });
  });

  it('"all of them" answers as asked; a word every option has decides nothing', () => {
    expect(resolveReply(c, 'all of them')).toEqual({ kind: 'all' });
    expect(resolveReply(c, 'kidney')).toEqual({ kind: 'unclear' });
  });

  it('narrows the question to the chosen topic’s documents', () => {
    const next = continueWith('kidney disease management', c, 'chronic');
    expect(next).toEqual({
      kind: 'answer',
      question: 'kidney disease management (Chronic Kidney Disease)',
      documentIds: c.options[1]?.documentIds,
      topic: 'Chronic Kidney Disease',
    });
    expect(continueWith('kidney disease management', c, 'what?')).toEqual({
      kind: 'unclear',
      prompt: `Sorry — ${c.question}`,
    });
  });
});
