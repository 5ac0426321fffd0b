import { describe, expect, it } from 'vitest';
import { result, run } from '../../../../test-support/calculators.js';
import { renalDosing } from './renal-dosing.js';

const dose = (drug: string, crcl: number, dialysis?: boolean): string =>
  result(renalDosing, {
    drug,
    crcl: [crcl, 'mL/min'],
    ...(dialysis === undefined ? {} : { dialysis }),
  }).interpretation;

describe('renal dose adjustment (US prescribing information tables; Beers 2023)', () => {
  it('dabigatran (Pradaxa): 150 mg BID above 30, 75 mg BID at 15–30, none below 15', () => {
    expect(dose('dabigatran', 31)).toMatch(/150 mg orally twice daily/);
    expect(dose('dabigatran', 30)).toMatch(/75 mg orally twice daily/);
    expect(dose('dabigatran', 15)).toMatch(/75 mg/);
    expect(dose('dabigatran', 14, false)).toMatch(/cannot give a dosing recommendation/);
  });
  it('rivaroxaban (Xarelto, AF): 20 mg above 50, 15 mg at 50 or less', () => {
    expect(dose('rivaroxaban', 51)).toMatch(/20 mg/);
    expect(dose('rivaroxaban', 50)).toMatch(/15 mg/);
  });
  it('enoxaparin (Lovenox): once-daily regimens below 30', () => {
    expect(dose('enoxaparin', 29)).toMatch(
      /prophylaxis 30 mg SC once daily; treatment 1 mg\/kg SC once daily/,
    );
    expect(dose('enoxaparin', 30)).toMatch(/No renal adjustment/);
  });
  it('gabapentin (Neurontin table 1) by band, with the dialysis supplement', () => {
    expect(dose('gabapentin', 60)).toMatch(/900–3600/);
    expect(dose('gabapentin', 45)).toMatch(/400–1400/);
    expect(dose('gabapentin', 20)).toMatch(/200–700/);
    expect(dose('gabapentin', 10, true)).toMatch(/supplemental dose/);
  });
  it('levetiracetam (Keppra) by band', () => {
    expect(dose('levetiracetam', 81)).toMatch(/500–1500/);
    expect(dose('levetiracetam', 80)).toMatch(/500–1000/);
    expect(dose('levetiracetam', 29)).toMatch(/250–500/);
  });
  it('nitrofurantoin: avoid below 30 (Beers 2023)', () => {
    expect(dose('nitrofurantoin', 25)).toMatch(/^Nitrofurantoin.*Avoid/);
  });
  it('asks about dialysis only when the clearance is below 15', () => {
    expect(run(renalDosing, { drug: 'gabapentin', crcl: [10, 'mL/min'] })).toMatchObject({
      status: 'needs-input',
      questions: [{ input: 'dialysis' }],
    });
  });
  it('cites the drug’s own label as the source of the result', () => {
    const r = result(renalDosing, { drug: 'gabapentin', crcl: [45, 'mL/min'] });
    expect(r.source.citation).toMatch(/^Neurontin \(gabapentin\) US prescribing information/);
    expect(r.source.year).toBe(2020);
  });

  it('rejects a drug that is not in the table', () => {
    expect(run(renalDosing, { drug: 'vancomycin', crcl: [40, 'mL/min'] })).toMatchObject({
      status: 'error',
      error: { code: 'CALC_INPUT_INVALID', input: 'drug' },
    });
  });
});
