import { describe, expect, it } from 'vitest';
import { matchCalculator } from './match.js';
import { answer, understand, withInputs, type CalcRequest } from './understand.js';

function request(text: string, provenance: 'typed' | 'spoken' = 'spoken'): CalcRequest {
  const u = understand(text, provenance);
  if (u.kind !== 'request') throw new Error(`expected a request, got ${JSON.stringify(u)}`);
  return u.request;
}

describe('naming the calculator', () => {
  it.each([
    ['CKD-EPI for creatinine 1.4, 67-year-old woman', 'egfr-ckd-epi-2021'],
    ['eGFR with cystatin C please', 'egfr-ckd-epi-2021-cr-cys'],
    ['creatinine clearance for a 70 kg man', 'crcl-cockcroft-gault'],
    ["what's her CHA2DS2-VASc", 'cha2ds2-vasc'],
    ['chads vasc score', 'cha2ds2-vasc'],
    ['CHA₂DS₂-VASc', 'cha2ds2-vasc'],
    ['QTc Fridericia for QT 400 at 90', 'qtc-fridericia'],
    ['QTc', 'qtc-bazett'],
    ['BSA DuBois 170 cm 70 kg', 'bsa-dubois'],
    ['MELD 3.0', 'meld-3'],
    ['meld-na', 'meld-na'],
    ['A-a gradient', 'aa-gradient'],
    ['Glasgow coma scale E3 V4 M6', 'gcs'],
    ['curb 65', 'curb-65'],
    ['ABCD2 score', 'abcd2'],
  ])('%s → %s', (text, id) => {
    expect(matchCalculator(text)).toMatchObject({ kind: 'one', id });
  });

  it('asks which one when a family name is all it has', () => {
    expect(matchCalculator('Wells score, heart rate 110')).toMatchObject({
      kind: 'ambiguous',
      ids: ['wells-pe', 'wells-dvt'],
    });
    expect(understand('what is the MELD', 'spoken')).toMatchObject({
      kind: 'which-calculator',
      question: 'Which MELD: MELD 3.0, MELD-Na, or the original MELD?',
    });
  });

  it('finds none in an ordinary question', () => {
    expect(matchCalculator('what is the first-line treatment for hypertension')).toEqual({
      kind: 'none',
    });
  });
});

describe('filling inputs from words', () => {
  it('reads the issue example and computes, keeping where each value came from', () => {
    const r = request('CKD-EPI for creatinine 1.4, 67-year-old woman');
    expect(r.inputs).toEqual({
      creatinine: { value: 1.4, provenance: 'spoken', evidence: 'creatinine 1.4' },
      age: { value: 67, unit: 'years', provenance: 'spoken', evidence: '67-year-old' },
      sex: { value: 'female', provenance: 'spoken', evidence: 'woman' },
    });
    expect(r.evaluation).toMatchObject({
      status: 'ok',
      result: { display: '41', unit: 'mL/min/1.73 m²' },
    });
  });

  it('asks for what is missing, one question at a time', () => {
    const r = request('Cockcroft-Gault, creatinine 1.2 mg/dL, 80-year-old man', 'typed');
    expect(r.evaluation).toMatchObject({
      status: 'needs-input',
      prompt: "What is the patient's weight?",
    });
    expect(r.inputs.creatinine).toMatchObject({ value: 1.2, unit: 'mg/dL', provenance: 'typed' });
  });

  it('confirms a creatinine that only makes sense in µmol/L, then takes "yes"', () => {
    const r = request('CKD-EPI creatinine 120, 67 year old female');
    expect(r.evaluation).toMatchObject({
      status: 'needs-input',
      prompt: 'Serum creatinine 120 — is that µmol/L?',
    });
    const next = answer(r, 'yes', 'spoken');
    expect(next.inputs.creatinine).toMatchObject({ value: 120, unit: 'µmol/L' });
    expect(next.evaluation).toMatchObject({ status: 'ok', result: { display: '43' } });
  });

  it('takes a spoken unit and spelled-out numbers', () => {
    const r = request(
      'CKD EPI, creatinine one hundred and twenty micromoles per liter, sixty seven year old woman',
    );
    expect(r.inputs.creatinine).toMatchObject({ value: 120, unit: 'µmol/L' });
    expect(r.evaluation.status).toBe('ok');
  });

  it('answers the missing weight with a bare value and unit', () => {
    const r = request('creatinine clearance, creatinine 1.2, 80 year old man');
    const next = answer(r, '72 kilos', 'spoken');
    expect(next.inputs.weight).toMatchObject({ value: 72, unit: 'kg', provenance: 'spoken' });
    // (140 − 80) × 72 / (72 × 1.2) = 50.
    expect(next.evaluation).toMatchObject({ status: 'ok', result: { display: '50' } });
  });

  it('reads weights, heights in feet and inches, and "67F" shorthand', () => {
    const r = request('BMI 5 ft 10 in, 180 lb', 'typed');
    expect(r.inputs.height).toMatchObject({ value: 70, unit: 'in' });
    expect(r.inputs.weight).toMatchObject({ value: 180, unit: 'lb' });
    expect(r.evaluation).toMatchObject({ status: 'ok', result: { display: '25.8' } });
    const c = request('CG 67F 60 kg cr 1.0 mg/dL', 'typed');
    expect(c.inputs).toMatchObject({
      age: { value: 67 },
      sex: { value: 'female' },
      weight: { value: 60, unit: 'kg' },
    });
  });

  it('reads criteria with negation, and "no other criteria" as the rest absent', () => {
    const r = request(
      'CHA2DS2-VASc for a 72 year old man with hypertension and diabetes, no heart failure, no other risk factors',
    );
    expect(r.inputs).toMatchObject({
      hypertension: { value: true },
      diabetes: { value: true },
      chf: { value: false },
      stroke_tia: { value: false },
      vascular: { value: false },
    });
    expect(r.evaluation).toMatchObject({ status: 'ok', result: { value: 3 } });
  });

  it('takes a checklist reply: the named criteria apply, the rest do not', () => {
    const r = request('CHA2DS2-VASc, 80 year old woman');
    expect(r.evaluation.status === 'needs-input' && r.evaluation.prompt).toMatch(
      /^Which of these apply/,
    );
    const next = answer(r, 'hypertension and a prior stroke', 'spoken');
    expect(next.evaluation).toMatchObject({ status: 'ok', result: { value: 6 } });
    expect(answer(r, 'none', 'spoken').evaluation).toMatchObject({
      status: 'ok',
      result: { value: 3 },
    });
  });

  it('reads blood pressure as systolic over diastolic', () => {
    const r = request('CURB-65: confused, BUN 25 mg/dL, RR 32, BP 85/50, age 70');
    expect(r.inputs).toMatchObject({
      systolic_bp: { value: 85 },
      diastolic_bp: { value: 50 },
      resp_rate: { value: 32 },
      bun: { value: 25, unit: 'mg/dL' },
      confusion: { value: true },
      age: { value: 70 },
    });
    expect(r.evaluation).toMatchObject({ status: 'ok', result: { value: 5 } });
  });

  it('does not take the digits of the calculator name as inputs', () => {
    const r = request('ABCD2 for a 65 year old');
    expect(r.inputs.age).toMatchObject({ value: 65 });
    expect(Object.keys(r.inputs)).toEqual(['age']);
  });

  it('reads GCS shorthand E3 V4 M6', () => {
    const r = request('GCS E3 V4 M6', 'typed');
    expect(r.evaluation).toMatchObject({ status: 'ok', result: { value: 13 } });
  });

  it('asks which value is right when one input is said twice differently', () => {
    const r = request('CKD-EPI creatinine 1.4, 67 year old woman, creatinine 1.6');
    expect(r.evaluation).toMatchObject({
      status: 'needs-input',
      questions: [{ code: 'CALC_INPUT_CONTRADICTORY', input: 'creatinine' }],
    });
    expect(r.evaluation.status === 'needs-input' && r.evaluation.prompt).toBe(
      'I heard "creatinine 1.4" and "creatinine 1.6" for serum creatinine: which is right?',
    );
  });

  it('lets an LLM fill inputs but the formula still runs here', () => {
    const r = request('CKD-EPI for a 67 year old woman');
    const filled = withInputs(r, { creatinine: { value: 1.4, unit: 'mg/dL', provenance: 'llm' } });
    expect(filled.evaluation).toMatchObject({ status: 'ok', result: { display: '41' } });
    expect(
      filled.evaluation.status === 'ok' &&
        filled.evaluation.result.inputs.find((i) => i.name === 'creatinine')?.provenance,
    ).toBe('llm');
  });

  it('takes a unit named in the reply to a "which unit" question', () => {
    const r = request('BMI weight 70, height 170 cm');
    expect(r.evaluation).toMatchObject({
      status: 'needs-input',
      prompt: 'Weight 70 — in kg or lb?',
    });
    expect(answer(r, 'kilograms', 'spoken').evaluation).toMatchObject({
      status: 'ok',
      result: { display: '24.2' },
    });
    expect(answer(r, 'pounds', 'spoken').evaluation).toMatchObject({
      status: 'ok',
      result: { display: '11.0' },
    });
  });

  it('takes "micromoles" for µmol/L', () => {
    const r = request('CKD-EPI creatinine 120, 67 year old female');
    expect(answer(r, 'micromoles per litre', 'spoken').inputs.creatinine).toMatchObject({
      unit: 'µmol/L',
    });
  });

  it('takes an option in the reply to a choice question', () => {
    const r = request('Child-Pugh bilirubin 2.5 albumin 3.0 INR 1.9 no encephalopathy');
    expect(r.evaluation).toMatchObject({
      status: 'needs-input',
      questions: [{ input: 'ascites' }],
    });
    expect(answer(r, 'moderate ascites', 'spoken').evaluation).toMatchObject({
      status: 'ok',
      result: { value: 10 },
    });
  });

  it('resolves a contradiction with the value given in the reply', () => {
    const r = request('CKD-EPI creatinine 1.4, 67 year old woman, creatinine 1.6');
    const next = answer(r, 'creatinine 1.4 mg/dL', 'spoken');
    expect(next.evaluation).toMatchObject({ status: 'ok', result: { display: '41' } });
  });

  it('answers a yes/no question', () => {
    const r = request('qSOFA respiratory rate 24, systolic 95');
    expect(r.evaluation).toMatchObject({
      status: 'needs-input',
      questions: [{ input: 'altered_mentation' }],
    });
    expect(answer(r, 'yes', 'spoken').evaluation).toMatchObject({
      status: 'ok',
      result: { value: 3 },
    });
    expect(answer(r, 'no', 'spoken').evaluation).toMatchObject({
      status: 'ok',
      result: { value: 2 },
    });
  });
});
