import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MemoryVaultStore } from '@voiceassist/phi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import { MemoryAuditSink } from '../../egress/index.js';
import { HashingEmbedder } from '../../knowledge/hashing-embedder.js';
import { gatewayConfigFromEnv } from '../../providers/config.js';
import { createGatewayClient } from '../create.js';
import { INTENT_EXAMPLES } from './examples.js';
import {
  IntentRouter,
  LocalIntentRouter,
  NOTHING_SET_UP,
  routeFromToolCall,
  unavailableReply,
  type Intent,
} from './index.js';

const LABELLED = path.resolve(
  import.meta.dirname,
  '../../../../test-support/fixtures/intents/labelled.jsonl',
);
const labelled = readFileSync(LABELLED, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { text: string; intent: Intent; split: string });

describe('local intent rules', () => {
  const router = new LocalIntentRouter();
  it.each([
    ['stop', { intent: 'command', command: 'stop' }],
    ['Okay, stop talking please.', { intent: 'command', command: 'stop' }],
    ['Repeat that', { intent: 'command', command: 'repeat' }],
    ['open the calculators', { intent: 'command', command: 'open', view: 'calculators' }],
    ['Go to settings.', { intent: 'command', command: 'open', view: 'settings' }],
    [
      'CKD-EPI for creatinine 1.4, 67-year-old woman',
      { intent: 'calculator', calculatorId: 'egfr-ckd-epi-2021' },
    ],
    ['Calculate the Wells score', { intent: 'calculator' }],
    ['Schedule a follow-up for Friday', { intent: 'calendar' }],
    ['Dictate a letter to the GP', { intent: 'dictation' }],
    ['Open the sepsis protocol PDF', { intent: 'files' }],
  ] as const)('%s', (text, expected) => {
    expect(router.ruled(text)).toMatchObject({ ...expected, via: 'rule' });
  });

  it('a question about a score, or any other question, is left to the knowledge default', async () => {
    for (const text of [
      'What is the HEART score?',
      'When should I use the Wells criteria?',
      'Why do we stop metformin before contrast?',
      'What is the maximum dose of paracetamol?',
    ]) {
      expect(router.ruled(text), text).toBeUndefined();
      expect(await router.route(text), text).toMatchObject({ intent: 'knowledge' });
    }
  });
});

describe('embedding similarity to the intent examples', () => {
  it('routes a turn worded like an intent’s examples to that intent, the rest to knowledge', async () => {
    const router = new LocalIntentRouter({ embedder: new HashingEmbedder(512) });
    expect(await router.route('Who am I seeing this afternoon, please?')).toMatchObject({
      intent: 'calendar',
      via: 'embedding',
    });
    expect(await router.route('What are the symptoms of shingles?')).toMatchObject({
      intent: 'knowledge',
    });
  });

  it('the labelled evaluation set shares no sentence with the examples', () => {
    const examples = new Set(
      Object.values(INTENT_EXAMPLES)
        .flat()
        .map((t) => t.toLowerCase()),
    );
    expect(labelled.length).toBeGreaterThan(100);
    expect(labelled.filter((l) => examples.has(l.text.toLowerCase()))).toEqual([]);
  });
});

describe('intents that have not landed', () => {
  it('say so plainly', () => {
    expect(unavailableReply({ intent: 'calendar', via: 'rule', score: 1 }, NOTHING_SET_UP)).toBe(
      'Calendar is not set up on this workstation.',
    );
    expect(unavailableReply({ intent: 'files', via: 'rule', score: 1 }, NOTHING_SET_UP)).toMatch(
      /not set up/,
    );
    expect(
      unavailableReply({ intent: 'dictation', via: 'rule', score: 1 }, NOTHING_SET_UP),
    ).toMatch(/not set up/);
    expect(
      unavailableReply(
        { intent: 'calendar', via: 'rule', score: 1 },
        { ...NOTHING_SET_UP, calendar: true },
      ),
    ).toBeUndefined();
    expect(unavailableReply({ intent: 'knowledge', via: 'rule', score: 1 }, NOTHING_SET_UP)).toBe(
      undefined,
    );
  });
});

describe('LLM tool-call routing', () => {
  it('accepts only allow-listed functions, calculators, commands and views', () => {
    expect(routeFromToolCall({ name: 'calendar', arguments: '{}' })).toMatchObject({
      intent: 'calendar',
      via: 'llm',
    });
    expect(
      routeFromToolCall({ name: 'run_calculator', arguments: '{"calculator":"CURB-65"}' }),
    ).toMatchObject({ intent: 'calculator', calculatorId: 'curb-65' });
    const unknown = routeFromToolCall({
      name: 'run_calculator',
      arguments: '{"calculator":"rm -rf"}',
    });
    expect(unknown).toMatchObject({ intent: 'calculator' });
    expect(unknown?.calculatorId).toBeUndefined();
    expect(
      routeFromToolCall({ name: 'run_calculator', arguments: '{"calculator":7}' }),
    ).toBeUndefined();
    expect(
      routeFromToolCall({ name: 'app_command', arguments: '{"command":"open","view":"x"}' }),
    ).toBeUndefined();
    expect(routeFromToolCall({ name: 'shell', arguments: '{}' })).toBeUndefined();
    expect(routeFromToolCall({ name: 'files', arguments: 'not json' })).toBeUndefined();
  });

  describe('through the real gateway and the OpenAI stand-in', () => {
    let gw: GatewayFixture;
    let audit: MemoryAuditSink;
    let router: IntentRouter;
    // The in-process stand-in reads its options at each request.
    const setToolCall = (toolCall: { name: string; arguments: string } | undefined) =>
      Object.assign(gw.openai.options, { toolCall });

    beforeAll(async () => {
      gw = await startGateway();
      const config = gatewayConfigFromEnv({
        VOICEASSIST_SERVER_URL: gw.url,
        VOICEASSIST_DEVICE_KEY: gw.deviceKey,
      });
      if (!config) throw new Error('gateway config');
      audit = new MemoryAuditSink();
      const client = createGatewayClient(config, new MemoryVaultStore(), audit);
      router = new IntentRouter({ llm: client, embedder: new HashingEmbedder(512) });
    }, 60_000);
    afterAll(async () => {
      await gw.close();
    });

    it('routes by the model’s function call, the turn pseudonymized on the way out', async () => {
      setToolCall({ name: 'calendar', arguments: '{}' });
      const before = gw.openai.requests.length;
      const route = await router.route({
        text: 'Can Margaret Oyelaran come in on the fourteenth?',
        conversationId: 'c-1',
      });
      expect(route).toMatchObject({ intent: 'calendar', via: 'llm' });
      const sent = gw.openai.requests.slice(before);
      expect(sent).toHaveLength(1);
      const body = JSON.stringify(sent[0]);
      expect(body).toContain('run_calculator'); // the tools went out
      expect(body).not.toContain('Oyelaran');
      expect(audit.records.length).toBeGreaterThan(0);
    });

    it('never asks the model about a command: "stop" is decided by the rules', async () => {
      setToolCall({ name: 'files', arguments: '{}' });
      const before = gw.openai.requests.length;
      expect(await router.route({ text: 'stop', conversationId: 'c-1' })).toMatchObject({
        intent: 'command',
        command: 'stop',
      });
      expect(gw.openai.requests.length).toBe(before);
    });

    it('a call outside the allow-list, or a text reply, falls back to the local router', async () => {
      setToolCall({ name: 'play_music', arguments: '{}' });
      expect(
        await router.route({ text: 'What are the symptoms of shingles?', conversationId: 'c-2' }),
      ).toMatchObject({ intent: 'knowledge', via: 'embedding' });
      setToolCall(undefined);
      expect(
        await router.route({
          text: 'Who am I seeing this afternoon, please?',
          conversationId: 'c-2',
        }),
      ).toMatchObject({ intent: 'calendar', via: 'embedding' });
    });
  });
});
