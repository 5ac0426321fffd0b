import { describe, expect, it } from 'vitest';
import { selectAnswer } from './answer-select.js';
import { analyzeQuestion, sectionType } from './question.js';
import type { SearchHit } from './search.js';
import { passageUnits } from './units.js';

let nextId = 1;
/** A retrieved chunk: the whole text of a small document. */
function hit(title: string, text: string, heading = ''): SearchHit {
  const id = nextId++;
  return {
    chunkId: id,
    documentId: id,
    title,
    sourcePath: `/docs/${id}.md`,
    heading,
    page: null,
    start: 0,
    end: text.length,
    text,
    score: 1,
    bm25: null,
    cosine: null,
  };
}

describe('question analysis', () => {
  it('reads the question type from its cue words, first match in priority order', () => {
    expect(analyzeQuestion('What are the symptoms of glaucoma?').type).toBe('symptoms');
    expect(analyzeQuestion('How is chronic kidney disease treated?').type).toBe('treatment');
    expect(analyzeQuestion('metformin renal dosing').type).toBe('dose');
    expect(analyzeQuestion('What is the outlook for lupus?').type).toBe('prognosis');
    expect(analyzeQuestion('Is cystic fibrosis inherited?').type).toBe('inheritance');
    expect(analyzeQuestion('What causes gout?').type).toBe('cause');
    expect(analyzeQuestion('How to diagnose sepsis?').type).toBe('diagnosis');
    expect(analyzeQuestion('What is asthma?').type).toBe('definition');
    expect(analyzeQuestion('Tell me about asthma').type).toBe('definition');
  });

  it('keeps the topic apart from the type words, and a capitalised name word that is a stopword', () => {
    expect(analyzeQuestion('What are the symptoms of glaucoma?').topicTerms).toEqual(['glaucoma']);
    expect(analyzeQuestion('What are the signs of Down syndrome?').topicTerms).toEqual([
      'down',
      'syndrome',
    ]);
  });

  it('reads the section a passage belongs to from its heading or title tail', () => {
    expect(sectionType('Glaucoma -- symptoms', '')).toBe('symptoms');
    expect(sectionType('Metformin', 'Metformin › Dosage and administration')).toBe('dose');
    expect(sectionType('Asthma', 'Asthma › Overview')).toBe('definition');
    expect(sectionType('Asthma', '')).toBeUndefined();
  });
});

describe('passage units', () => {
  it('rejects restated questions, boilerplate and headings; keeps a Markdown list whole with its intro', () => {
    const units = passageUnits(
      [
        '# Asthma',
        '',
        'What are the symptoms of asthma? The table below lists how often each symptom is seen.',
        'Common symptoms include:',
        '- wheezing',
        '- shortness of breath',
        '- chest tightness',
        '',
        'For more information, visit the website of your national asthma society.',
      ].join('\n'),
    );
    const byText = (t: string) => units.find((u) => u.text.startsWith(t));
    expect(byText('# Asthma')?.rejected).toBe('heading');
    expect(byText('What are the symptoms')?.rejected).toBe('question');
    expect(byText('The table below')?.rejected).toBe('boilerplate');
    expect(byText('For more information')?.rejected).toBe('boilerplate');
    expect(byText('Common symptoms include:')?.introduces).toBe(true);
    const list = units.find((u) => u.kind === 'list');
    expect(list?.text).toBe('- wheezing\n- shortness of breath\n- chest tightness');
    expect(list?.caption).toBe('Common symptoms include:');
  });

  it('finds a list flattened into one line, and a list of links as navigation', () => {
    const [intro, list] = passageUnits(
      'Signs and Symptoms Approximate number of patients (when available) Myopia 90% Optic atrophy 90% Nystagmus 7.5% Glaucoma -',
    );
    expect(intro?.rejected).toBe('heading'); // a table's header row
    expect(list?.kind).toBe('list');
    expect(list?.text).toBe('Myopia 90% Optic atrophy 90% Nystagmus 7.5% Glaucoma');
    const links = passageUnits(
      'These resources address the management of gout: - Gene Review: Gout - Genetic Testing Registry: Gout - MedlinePlus Encyclopedia: Gout',
    );
    expect(links.every((u) => u.rejected === 'boilerplate')).toBe(true);
  });
});

describe('selectAnswer', () => {
  it('answers a symptom question with the symptoms, never the restated question or "see the table below"', () => {
    const a = selectAnswer('What are the symptoms of asthma?', [
      hit(
        'Asthma',
        [
          'What are the symptoms of asthma? The table below includes how often each symptom is seen.',
          'Asthma is a chronic disease of the airways.',
          'Common symptoms include:',
          '- wheezing',
          '- shortness of breath',
          '- chest tightness',
        ].join('\n'),
      ),
    ]);
    expect(a.type).toBe('symptoms');
    expect(a.covered).toBe(true);
    const text = a.sentences.map((s) => s.text).join(' ');
    expect(text).toContain('wheezing');
    expect(text).not.toMatch(/\?|table below/);
  });

  it('prefers the treatment sentence over a definition for a treatment question', () => {
    const a = selectAnswer('How is chronic kidney disease treated?', [
      hit(
        'Chronic Kidney Disease -- information',
        'Chronic kidney disease (CKD) means that your kidneys are damaged and cannot filter blood as they should. Diabetes and high blood pressure are the most common causes of CKD. Treatment may include medicines to lower blood pressure, control blood glucose, and lower blood cholesterol.',
      ),
    ]);
    expect(a.covered).toBe(true);
    expect(a.sentences.map((s) => s.text)).toContain(
      'Treatment may include medicines to lower blood pressure, control blood glucose, and lower blood cholesterol.',
    );
    expect(a.sentences.map((s) => s.text).join(' ')).not.toContain('means that');
  });

  it('says so when the closest source is about another condition, and does not call it covered', () => {
    const a = selectAnswer('What are the symptoms of glaucoma?', [
      hit(
        'Retinal degeneration with nanophthalmos, cystic macular degeneration, and angle closure glaucoma -- symptoms',
        'Signs and Symptoms Approximate number of patients (when available) Myopia 90% Optic atrophy 90% Nystagmus 7.5% Glaucoma - Macular atrophy -',
      ),
    ]);
    expect(a.covered).toBe(false);
    expect(a.notice).toBe(
      'Your sources say nothing specific about glaucoma; the closest source is about Retinal degeneration with nanophthalmos, cystic macular degeneration, and angle closure glaucoma.',
    );
    const other = selectAnswer('What treats acute gout attacks?', [
      hit(
        'Familial Periodic Paralyses -- treatment',
        'Treatment of the periodic paralyses focuses on preventing further attacks and relieving acute symptoms.',
      ),
    ]);
    expect(other.covered).toBe(false);
    expect(other.notice).toMatch(/closest source is about Familial Periodic Paralyses/);
  });

  it('quotes each unit verbatim and cites its exact span; confidence is a probability', () => {
    const text =
      'Gout is caused by uric acid crystals in a joint. Colchicine treats acute gout attacks.';
    const h = { ...hit('Gout', text), start: 100, end: 100 + text.length };
    const a = selectAnswer('What treats acute gout attacks?', [h]);
    expect(a.covered).toBe(true);
    expect(a.confidence).toBeGreaterThan(0.5);
    expect(a.confidence).toBeLessThan(1);
    for (const s of a.sentences) {
      const c = s.citations[0]!;
      expect(text.slice(c.start - 100, c.end - 100)).toBe(s.text);
    }
    expect(selectAnswer('How do I renew a passport?', [h]).covered).toBe(false);
  });
});
