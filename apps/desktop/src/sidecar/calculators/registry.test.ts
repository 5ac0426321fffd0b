import { describe, expect, it } from 'vitest';
import { normalizeName } from './match.js';
import { CALCULATORS, getCalculator, summarize } from './registry.js';

describe('calculator registry', () => {
  it('holds at least 30 calculators with unique ids', () => {
    expect(CALCULATORS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CALCULATORS.map((c) => c.id)).size).toBe(CALCULATORS.length);
  });

  it('has every calculator the issue names', () => {
    for (const id of [
      'egfr-ckd-epi-2021',
      'egfr-ckd-epi-2021-cr-cys',
      'crcl-cockcroft-gault',
      'egfr-mdrd',
      'cha2ds2-vasc',
      'has-bled',
      'wells-pe',
      'wells-dvt',
      'perc',
      'curb-65',
      'qsofa',
      'heart-score',
      'grace',
      'centor-mcisaac',
      'qtc-bazett',
      'qtc-fridericia',
      'qtc-framingham',
      'qtc-hodges',
      'bmi',
      'bsa-mosteller',
      'bsa-dubois',
      'ideal-body-weight',
      'adjusted-body-weight',
      'corrected-calcium',
      'corrected-sodium',
      'anion-gap',
      'aa-gradient',
      'free-water-deficit',
      'meld-3',
      'meld-na',
      'child-pugh',
      'gcs',
      'apgar',
      'abcd2',
      'nihss',
      'renal-dose',
    ])
      expect(getCalculator(id), id).toBeDefined();
  });

  it('gives every calculator a dated source, an output unit and a question per input', () => {
    for (const c of CALCULATORS) {
      expect(c.source.citation.length, c.id).toBeGreaterThan(20);
      expect(c.source.year, c.id).toBeGreaterThan(1900);
      expect(c.bands !== undefined || c.interpret !== undefined, c.id).toBe(true);
      for (const i of c.inputs) {
        expect(i.question, `${c.id}.${i.name}`).toMatch(/\?$/);
        expect(i.name, `${c.id}.${i.name}`).toMatch(/^[a-z][a-z0-9_]*$/);
        if (i.kind === 'number') expect(i.range[0], `${c.id}.${i.name}`).toBeLessThan(i.range[1]);
        if (i.kind === 'choice')
          for (const o of i.options)
            expect(o.value, `${c.id}.${i.name}`).toBe(o.value.toLowerCase());
      }
    }
  });

  it('never lets one spoken name stand for two calculators', () => {
    const owner = new Map<string, string>();
    for (const c of CALCULATORS)
      for (const s of [c.name, ...c.synonyms]) {
        const n = normalizeName(s);
        const prior = owner.get(n);
        expect(prior === undefined || prior === c.id, `"${s}" names ${prior} and ${c.id}`).toBe(
          true,
        );
        owner.set(n, c.id);
      }
  });

  it('summarises inputs with canonical unit and range for the list', () => {
    const ckd = summarize(getCalculator('egfr-ckd-epi-2021')!);
    expect(ckd.inputs).toEqual([
      {
        name: 'age',
        label: 'Age',
        kind: 'number',
        unit: 'years',
        units: ['years', 'months'],
        range: [18, 120],
      },
      {
        name: 'sex',
        label: 'Sex',
        kind: 'choice',
        unit: null,
        range: null,
        options: ['female', 'male'],
      },
      {
        name: 'creatinine',
        label: 'Serum creatinine',
        kind: 'number',
        unit: 'mg/dL',
        units: ['mg/dL', 'µmol/L', 'mmol/L', 'mg/L'],
        range: [0.1, 30],
      },
    ]);
    expect(ckd.source).toMatch(/^Inker LA.*2021.*doi:10\.1056\/NEJMoa2102953$/);
  });
});
