import { MemoryVaultStore } from '@voiceassist/phi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import { getCalculator } from '../../calculators/index.js';
import { MemoryAuditSink } from '../../egress/index.js';
import { gatewayConfigFromEnv } from '../../providers/config.js';
import { createGatewayClient } from '../create.js';
import { CalculatorDialogue } from './dialogue.js';
import { llmFillable, llmInputFiller } from './llm-fill.js';

describe('a calculator turn from words', () => {
  it('"CKD-EPI for creatinine 1.4, 67-year-old woman": filled, computed, spoken with band and source', async () => {
    const d = new CalculatorDialogue();
    const step = await d.start('CKD-EPI for creatinine 1.4, 67-year-old woman', 'spoken');
    expect(step.kind).toBe('result');
    if (step.kind !== 'result') return;
    expect(step.result.display).toBe('41');
    expect(step.text).toBe(
      'eGFR is 41 millilitres per minute per 1.73 square metres. G3b: moderately to severely decreased GFR (KDIGO) Serum creatinine taken as 1.4 milligrams per decilitre. Source: Inker and colleagues, 2021.',
    );
    expect(step.result.inputs.find((i) => i.name === 'age')?.provenance).toBe('spoken');
    expect(d.open).toBe(false);
  });

  it('asks for what is missing, and the reply completes the same calculation', async () => {
    const d = new CalculatorDialogue();
    const ask = await d.start('Cockcroft-Gault, creatinine 1.3, 80 year old man', 'spoken');
    expect(ask).toMatchObject({ kind: 'ask', text: "What is the patient's weight?" });
    expect(d.open).toBe(true);
    const done = await d.reply('72 kilos', 'spoken');
    expect(done).toMatchObject({ kind: 'result', result: { display: '46' } });
  });

  it('confirms an ambiguous unit before computing', async () => {
    const d = new CalculatorDialogue();
    expect(await d.start('CKD-EPI for creatinine 120, 67-year-old woman', 'spoken')).toMatchObject({
      kind: 'ask',
      text: 'Serum creatinine 120 — is that µmol/L?',
      options: ['µmol/L'],
    });
    expect(await d.reply('yes', 'spoken')).toMatchObject({
      kind: 'result',
      result: { display: '43' },
    });
  });

  it('asks which calculator a family name means, then goes on with the same words', async () => {
    const d = new CalculatorDialogue();
    expect(
      await d.start(
        'MELD for bilirubin 2, INR 1.5, creatinine 1.1, sodium 130, no dialysis',
        'typed',
      ),
    ).toMatchObject({ kind: 'ask', text: 'Which MELD: MELD 3.0, MELD-Na, or the original MELD?' });
    const next = await d.reply('the second one', 'spoken');
    expect(d.current?.calculatorId).toBe('meld-na');
    expect(next.kind).toBe('result');
  });

  it('out of range is a coded refusal, never a number; no calculator named is not a calculation', async () => {
    const d = new CalculatorDialogue();
    expect(await d.start('CKD-EPI creatinine 1.4, age 250, female', 'typed')).toMatchObject({
      kind: 'error',
      code: 'CALC_INPUT_OUT_OF_RANGE',
    });
    expect(await d.start('What is the treatment for gout?', 'typed')).toEqual({ kind: 'none' });
  });
});

describe('an LLM fills inputs through the gateway, never the result', () => {
  let gw: GatewayFixture;
  let audit: MemoryAuditSink;
  let client: ReturnType<typeof createGatewayClient>;
  const setToolCall = (toolCall: { name: string; arguments: string } | undefined) =>
    Object.assign(gw.openai.options, { toolCall }); // the in-process stand-in reads it per request

  beforeAll(async () => {
    gw = await startGateway({ reply: 'The eGFR is 99.' });
    const config = gatewayConfigFromEnv({
      VOICEASSIST_SERVER_URL: gw.url,
      VOICEASSIST_DEVICE_KEY: gw.deviceKey,
    });
    if (!config) throw new Error('gateway config');
    audit = new MemoryAuditSink();
    client = createGatewayClient(config, new MemoryVaultStore(), audit);
  }, 60_000);
  afterAll(async () => {
    await gw.close();
  });

  it('the model’s arguments fill what the words left out (provenance llm); the formula runs here', async () => {
    setToolCall({ name: 'fill_inputs', arguments: '{"weight":{"value":72,"unit":"kg"}}' });
    const d = new CalculatorDialogue({ fill: llmInputFiller(client, 'c-calc') });
    const before = gw.openai.requests.length;
    const step = await d.start(
      'Cockcroft-Gault for Ignatius Brakenridge, creatinine 1.3, 80 year old man',
      'spoken',
    );
    expect(step).toMatchObject({ kind: 'result', result: { display: '46' } });
    if (step.kind !== 'result') return;
    expect(step.result.inputs.find((i) => i.name === 'weight')?.provenance).toBe('llm');
    expect(step.result.inputs.find((i) => i.name === 'age')?.provenance).toBe('spoken');
    const sent = JSON.stringify(gw.openai.requests.slice(before));
    expect(sent).toContain('fill_inputs');
    expect(sent).not.toContain('Brakenridge'); // pseudonymized by the egress guard
  });

  it('a model naming an input it was not offered adds nothing: the question is asked', async () => {
    setToolCall({ name: 'fill_inputs', arguments: '{"result":46}' });
    const d = new CalculatorDialogue({ fill: llmInputFiller(client, 'c-calc') });
    expect(
      await d.start('Cockcroft-Gault, creatinine 1.3, 80 year old man', 'spoken'),
    ).toMatchObject({ kind: 'ask', text: "What is the patient's weight?" });
  });

  it('a text answer with a number is ignored', async () => {
    setToolCall(undefined); // the stand-in replies "The eGFR is 99."
    const d = new CalculatorDialogue({ fill: llmInputFiller(client, 'c-calc') });
    expect(await d.start('CKD-EPI for a 67-year-old woman', 'spoken')).toMatchObject({
      kind: 'ask',
    });
  });

  it('calculators whose schema the egress guard would refuse are filled from the words only', () => {
    const heart = getCalculator('heart-score');
    const egfr = getCalculator('egfr-ckd-epi-2021');
    if (!heart || !egfr) throw new Error('registry');
    expect(llmFillable(heart)).toBe(false); // ">3x" and "°C" read as places to the detector
    expect(llmFillable(egfr)).toBe(true);
  });
});
