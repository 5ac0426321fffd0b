import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CalcEvaluationDto, CalcSummaryDto } from '../../shared/calculators.js';
import { RpcClient } from '../../shared/client.js';
import type { CallName } from '../../shared/contract.js';
import { decodeRequest, encodeResponse } from '../../shared/protocol.js';
import { CalculatorsView } from './CalculatorsView.js';
import { emptyForm, formFrom, search, toInputs } from './form.js';

afterEach(cleanup);
const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

const EGFR: CalcSummaryDto = {
  id: 'egfr-ckd-epi-2021',
  name: 'eGFR (CKD-EPI 2021, creatinine)',
  category: 'renal',
  inputs: [
    {
      name: 'age',
      label: 'Age',
      kind: 'number',
      units: ['years'],
      range: [18, 120],
      options: [],
      optional: false,
    },
    {
      name: 'sex',
      label: 'Sex',
      kind: 'choice',
      units: [],
      range: null,
      options: [
        { value: 'female', label: 'Female' },
        { value: 'male', label: 'Male' },
      ],
      optional: false,
    },
    {
      name: 'creatinine',
      label: 'Serum creatinine',
      kind: 'number',
      units: ['mg/dL', 'µmol/L'],
      range: [0.1, 20],
      options: [],
      optional: false,
    },
  ],
  source: 'Inker LA et al. N Engl J Med 2021;385:1737-49.',
  year: 2021,
};
const BMI: CalcSummaryDto = {
  ...EGFR,
  id: 'bmi',
  name: 'Body mass index',
  category: 'body',
  inputs: [],
};

const RESULT: CalcEvaluationDto = {
  status: 'ok',
  historyId: 1,
  result: {
    calculatorId: 'egfr-ckd-epi-2021',
    name: EGFR.name,
    value: 41.2,
    display: '41',
    unit: 'mL/min/1.73 m²',
    interpretation: 'G3b: moderately to severely decreased GFR (KDIGO)',
    source: 'Inker LA et al. N Engl J Med 2021;385:1737-49.',
    spoken: 'eGFR is 41…',
    inputs: [
      {
        name: 'age',
        label: 'Age',
        value: 67,
        unit: 'years',
        unitAssumed: false,
        provenance: 'typed',
      },
      {
        name: 'sex',
        label: 'Sex',
        value: 'female',
        unit: '',
        unitAssumed: false,
        provenance: 'typed',
      },
      {
        name: 'creatinine',
        label: 'Serum creatinine',
        value: 1.4,
        unit: 'mg/dL',
        unitAssumed: false,
        provenance: 'typed',
      },
    ],
  },
};

/** A stand-in engine on the real wire protocol (the engine side is tested in sidecar/calculators). */
function standInEngine(replies: Partial<Record<CallName, unknown>>) {
  const requests: { method: string; input: Record<string, unknown> }[] = [];
  const client: RpcClient = new RpcClient({
    send(text) {
      const request = decodeRequest(text);
      if (!request.ok) throw new Error(request.error.message);
      requests.push({ method: request.method, input: request.input as Record<string, unknown> });
      const result = { ok: true as const, value: replies[request.method] ?? {} };
      queueMicrotask(() => client.receive(encodeResponse(request.seq, result)));
    },
    close: () => undefined,
  });
  return { client, calls: (m: CallName) => requests.filter((r) => r.method === m) };
}

describe('the form', () => {
  it('keeps provenance from the words, a field edited by hand becomes typed, numbers go with units', () => {
    const form = formFrom(EGFR, {
      age: { value: 67, provenance: 'spoken' },
      creatinine: { value: 120, unit: 'µmol/L', provenance: 'spoken' },
    });
    expect(toInputs(EGFR, form)).toEqual({
      age: { value: 67, provenance: 'spoken', unit: 'years' },
      creatinine: { value: 120, unit: 'µmol/L', provenance: 'spoken' },
    });
    expect(toInputs(EGFR, emptyForm(EGFR))).toEqual({});
    expect(search([EGFR, BMI], 'ckd')).toEqual([EGFR]);
  });
});

describe('CalculatorsView', () => {
  it('reads a typed request into the form, runs it in the engine, shows result, source, provenance and history', async () => {
    const engine = standInEngine({
      'calc.list': [EGFR, BMI],
      'calc.history': [],
      'calc.parse': {
        kind: 'request',
        calculatorId: 'egfr-ckd-epi-2021',
        inputs: {
          age: { value: 67, provenance: 'typed' },
          sex: { value: 'female', provenance: 'typed' },
          creatinine: { value: 1.4, provenance: 'typed' },
        },
      },
      'calc.run': RESULT,
    });
    render(<CalculatorsView client={engine.client} />);
    await flush();
    expect(screen.getByRole('button', { name: 'Body mass index' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText(/request as you would say it/), {
      target: { value: 'CKD-EPI for creatinine 1.4, 67-year-old woman' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Fill the form' }));
    await flush();
    expect(engine.calls('calc.parse')[0]?.input).toEqual({
      text: 'CKD-EPI for creatinine 1.4, 67-year-old woman',
      said: 'typed',
    });
    expect(screen.getByLabelText<HTMLInputElement>('Serum creatinine').value).toBe('1.4');
    expect(screen.getByTestId('provenance-age').textContent).toBe('typed');

    fireEvent.click(screen.getByRole('button', { name: 'Calculate' }));
    await flush();
    expect(engine.calls('calc.run')[0]?.input).toEqual({
      calculatorId: 'egfr-ckd-epi-2021',
      inputs: {
        age: { value: 67, provenance: 'typed', unit: 'years' },
        sex: { value: 'female', provenance: 'typed' },
        creatinine: { value: 1.4, unit: 'mg/dL', provenance: 'typed' },
      },
    });
    const result = screen.getByTestId('calc-result');
    expect(result.textContent).toContain('41');
    expect(result.textContent).toContain('G3b');
    expect(within(result).getByText(/Inker LA/)).toBeTruthy();
    expect(engine.calls('calc.history')).toHaveLength(2); // on opening, and after the result
  });

  it('shows the engine’s question instead of a number when an input is missing', async () => {
    const engine = standInEngine({
      'calc.list': [EGFR],
      'calc.history': [],
      'calc.run': {
        status: 'needs-input',
        questions: [{ code: 'CALC_INPUT_MISSING', input: 'age', text: 'How old is the patient?' }],
        prompt: 'How old is the patient?',
      },
    });
    render(<CalculatorsView client={engine.client} />);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: EGFR.name }));
    fireEvent.click(screen.getByRole('button', { name: 'Calculate' }));
    await flush();
    expect(screen.getByTestId('calc-questions').textContent).toBe('How old is the patient?');
    expect(screen.queryByTestId('calc-result')).toBeNull();
  });
});
