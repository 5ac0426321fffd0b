import { describe, expect, it } from 'vitest';
import { evaluate } from './engine.js';
import { fromToolArguments, toolFor } from './llm.js';
import { getCalculator } from './registry.js';

const ckd = getCalculator('egfr-ckd-epi-2021')!;

describe('the tool a language model may fill', () => {
  it('describes inputs only, numbers with their accepted units', () => {
    const tool = toolFor(ckd) as {
      function: { name: string; parameters: { properties: Record<string, unknown> } };
    };
    expect(tool.function.name).toBe('calc_egfr_ckd_epi_2021');
    expect(Object.keys(tool.function.parameters.properties)).toEqual(['age', 'sex', 'creatinine']);
    expect(tool.function.parameters.properties.creatinine).toMatchObject({
      type: 'object',
      properties: { unit: { enum: ['mg/dL', 'µmol/L', 'mmol/L', 'mg/L'] } },
    });
  });

  it('reads its arguments as llm-provenance inputs that the local formula validates and runs', () => {
    const inputs = fromToolArguments(
      ckd,
      '{"age":{"value":67,"unit":"years"},"sex":"female","creatinine":{"value":1.4,"unit":"mg/dL"}}',
    );
    expect(inputs.creatinine).toEqual({ value: 1.4, unit: 'mg/dL', provenance: 'llm' });
    expect(evaluate(ckd, inputs)).toMatchObject({ status: 'ok', result: { display: '41' } });
  });

  it('treats a null as not stated, so the question is still asked', () => {
    const inputs = fromToolArguments(
      ckd,
      '{"age":{"value":67,"unit":"years"},"sex":"female","creatinine":null}',
    );
    expect(evaluate(ckd, inputs)).toMatchObject({
      status: 'needs-input',
      prompt: 'What is the serum creatinine?',
    });
  });

  it('rejects arguments it was not offered, and a result smuggled in as one', () => {
    expect(() => fromToolArguments(ckd, '{"egfr": 41}')).toThrow(/has no input "egfr"/);
    expect(() => fromToolArguments(ckd, 'not json')).toThrow(/not valid JSON/);
  });
});
