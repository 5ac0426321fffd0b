import { describe, expect, it } from 'vitest';
import { result, run, valueOf } from '../../../../test-support/calculators.js';
import { roundTo } from '../engine.js';
import { qtcBazett, qtcFramingham, qtcFridericia, qtcHodges } from './qtc.js';

describe('QTc', () => {
  // Bazett 1920: QT / √RR(s); Fridericia 1920: QT / ∛RR(s). Expected values as written (as
  // formulas) in admiral test-derive_param_qtc.R (Apache-2.0): 370/√0.710 and 370/∛0.710.
  it('Bazett and Fridericia from QT 370 ms, RR 710 ms', () => {
    const inputs = { qt: [370, 'ms'], rr_interval: [710, 'ms'] } as const;
    expect(roundTo(valueOf(qtcBazett, inputs), 4)).toBe(439.1092);
    expect(roundTo(valueOf(qtcFridericia, inputs), 4)).toBe(414.7461);
  });
  it('Bazett and Fridericia from QT 480 ms, RR 842 ms', () => {
    const inputs = { qt: [480, 'ms'], rr_interval: [842, 'ms'] } as const;
    expect(roundTo(valueOf(qtcBazett, inputs), 4)).toBe(523.1006);
    expect(roundTo(valueOf(qtcFridericia, inputs), 2)).toBe(508.32);
  });
  // Sagie 1992: QT + 154 × (1 − RR) = 370 + 154 × 0.29 = 414.66.
  it('Framingham: 370 ms at RR 0.71 s → 414.66 ms', () => {
    expect(valueOf(qtcFramingham, { qt: [370, 'ms'], rr_interval: [0.71, 's'] })).toBeCloseTo(
      414.66,
      9,
    );
  });
  // Hodges 1983: QT + 1.75 × (HR − 60) = 330 + 1.75 × 71 = 454.25.
  it('Hodges: 330 ms at 131/min → 454.25 ms', () => {
    expect(
      valueOf(qtcHodges, { qt: [330, 'msec'], heart_rate: [131, 'beats per minute'] }),
    ).toBeCloseTo(454.25, 9);
  });
  // RR = 60/131 = 0.45802 s; 330 / √0.45802 = 487.61.
  it('takes the heart rate instead of RR: 330 ms at 131/min → Bazett 487.61 ms, prolonged', () => {
    const r = result(qtcBazett, { qt: 330, heart_rate: 131 });
    expect(r.value).toBeCloseTo(487.61, 2);
    expect(r.interpretation).toMatch(/^Prolonged/);
  });
  it('asks for the heart rate when neither it nor the RR interval is given', () => {
    expect(run(qtcBazett, { qt: [400, 'ms'] })).toMatchObject({
      status: 'needs-input',
      questions: [
        { code: 'CALC_INPUT_MISSING', input: 'heart_rate', text: 'What is the heart rate?' },
      ],
    });
  });
  it('asks which is right when heart rate and RR interval disagree', () => {
    expect(
      run(qtcBazett, { qt: [400, 'ms'], heart_rate: 60, rr_interval: [800, 'ms'] }),
    ).toMatchObject({
      status: 'needs-input',
      questions: [{ code: 'CALC_INPUT_CONTRADICTORY' }],
    });
  });
  it('confirms a bare QT that only fits seconds', () => {
    expect(run(qtcBazett, { qt: 0.4, heart_rate: 60 })).toMatchObject({
      status: 'needs-input',
      questions: [{ code: 'CALC_UNIT_AMBIGUOUS', text: 'QT interval 0.4 — is that s?' }],
    });
  });
});
