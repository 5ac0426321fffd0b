import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../knowledge/search.js';
import {
  SentenceSplitter,
  citedNumbers,
  resolveCitations,
  squeeze,
  userPromptParts,
  withoutCitations,
} from './sentences.js';

const hit = (chunkId: number): SearchHit => ({
  chunkId,
  documentId: chunkId,
  title: `doc ${chunkId}`,
  sourcePath: `/kb/${chunkId}.md`,
  heading: '',
  page: null,
  start: 10 * chunkId,
  end: 10 * chunkId + 5,
  text: 'x',
  score: 1,
  bm25: 1,
  cosine: null,
});

describe('SentenceSplitter', () => {
  it('emits a sentence once the next one starts, with its trailing citation markers', () => {
    const s = new SentenceSplitter();
    const out: string[] = [];
    for (const t of [
      'High ',
      'blood ',
      'pressure is common.',
      ' [1]',
      ' It ',
      'has no ',
      'symptoms [2].',
    ])
      out.push(...s.push(t));
    // The second ends with its citation and a stop: complete at once, no next token needed.
    expect(out).toEqual(['High blood pressure is common. [1]', 'It has no symptoms [2].']);
    expect(s.flush()).toEqual([]);
  });

  it('does not split on abbreviations, decimals, or before a placeholder-led sentence too early', () => {
    const s = new SentenceSplitter();
    const out = s.push('Use e.g. a diuretic at 2.5 mg daily [1]. [PATIENT_1] should recheck. Next');
    expect(out).toEqual([
      'Use e.g. a diuretic at 2.5 mg daily [1].',
      '[PATIENT_1] should recheck.',
    ]);
  });
});

describe('citation markers', () => {
  it('lists the cited numbers once each and removes the markers', () => {
    const [first] = new SentenceSplitter().push(
      '[PATIENT_1] should be seen within a week [2]. Rest ',
    );
    expect(first).toBe('[PATIENT_1] should be seen within a week [2].');
    expect(citedNumbers('Common [1, 3] , mostly [2] [3].')).toEqual([1, 3, 2]);
    expect(citedNumbers('Nothing cited here.')).toEqual([]);
    expect(withoutCitations('Common [1, 3] , mostly [2].')).toBe('Common, mostly.');
  });
});

describe('resolveCitations', () => {
  it('maps [n] to retrieved passages, ignores numbers outside the list, strips the markers', () => {
    const r = resolveCitations('It is common [1, 3] [9].', [hit(1), hit(2), hit(3)]);
    expect(r.text).toBe('It is common.');
    expect(r.citations.map((c) => c.chunkId)).toEqual([1, 3]);
  });

  it('an uncited sentence has no citations (the pipeline drops it)', () => {
    expect(resolveCitations('No support here.', [hit(1)]).citations).toEqual([]);
  });
});

describe('the prompt as parts (trusted sources vs the clinician’s words)', () => {
  it('moves stored identifier spans through whitespace folding and the length cut', () => {
    const text = '  Call\n\n  Dr  Quimby   at reg@example.org   today. ';
    const at = (w: string): { start: number; end: number } => ({
      start: text.indexOf(w),
      end: text.indexOf(w) + w.length,
    });
    const out = squeeze(
      text,
      [
        { ...at('Quimby'), type: 'NAME' },
        { ...at('reg@example.org'), type: 'EMAIL' },
      ],
      24,
    );
    expect(out.text).toBe('Call Dr Quimby at reg@ex');
    expect(out.spans.map((s) => out.text.slice(s.start, s.end))).toEqual(['Quimby', 'reg@ex']);
  });

  it('gives passages their stored spans and leaves the question for the detector', () => {
    const p = { ...hit(7), title: 'Alport syndrome', text: 'Write to reg@example.org.' };
    const parts = userPromptParts(
      'Mrs Jane Doe: symptoms?',
      [p],
      new Map([[7, [{ start: 9, end: 24, type: 'EMAIL' as const }]]]),
    );
    expect(parts.map((x) => x.text).join('')).toBe(
      'Passages:\n[1] Alport syndrome\nWrite to reg@example.org.\n\nQuestion: Mrs Jane Doe: symptoms?',
    );
    const body = parts.find((x) => x.text === 'Write to reg@example.org.');
    expect(body?.sourceSpans).toEqual([{ start: 9, end: 24, type: 'EMAIL' }]);
    expect(parts.at(-1)).toEqual({ text: 'Mrs Jane Doe: symptoms?' }); // no spans: scanned in full
  });
});
