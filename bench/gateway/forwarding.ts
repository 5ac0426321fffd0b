/**
 * What default-deny forwarding costs the gateway per chat request: building the provider body
 * from the allow-list, collecting every string and key of it, and the PHI guard's scan of them
 * (`providerChatBody` + `jsonStrings` + `PhiGuard.scan`), against the same run's baseline of the
 * previous guard (message contents and tool-call arguments only, forwarded by spreading the
 * request). A voice turn's request: a system prompt with five retrieved passages, six earlier
 * messages (already found clean by the guard's digest cache, as in a conversation), one new
 * question that differs every sample, and two tools with small JSON Schemas. In-process, no
 * network; the two variants alternate sample by sample. Writes bench/results/forwarding.json.
 *   npx tsx bench/gateway/forwarding.ts [--samples N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { jsonStrings, type ChatRequest } from '../../packages/contract/src/index.js';
import { providerChatBody } from '../../apps/sync-server/src/gateway/chat-body.js';
import { PhiGuard } from '../../apps/sync-server/src/gateway/phi-guard.js';
import { distribution, now, round } from '../voice/stats.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '2000' } } });
const SAMPLES = Number(values.samples);
const RESULTS = path.resolve(import.meta.dirname, '..', 'results', 'forwarding.json');

const passage = (i: number) =>
  `[${i}] Stage 1 hypertension is treated first with lifestyle changes: less salt, more ` +
  `exercise, less alcohol. Drug treatment starts when the 10-year cardiovascular risk is high; ` +
  `first-line classes are thiazide diuretics, ACE inhibitors, ARBs and calcium channel blockers.`;
const schema = {
  type: 'object',
  properties: {
    weightKg: { type: 'number', description: 'Body weight in kilograms' },
    heightCm: { type: 'number', description: 'Height in centimetres' },
    sex: { type: 'string', enum: ['female', 'male'] },
  },
  required: ['weightKg', 'heightCm'],
};

function request(i: number): ChatRequest {
  return {
    messages: [
      {
        role: 'system',
        content: `Answer from the passages and cite them.\n${[1, 2, 3, 4, 5].map(passage).join('\n')}`,
      },
      { role: 'user', content: 'What is first-line treatment for stage 1 hypertension?' },
      { role: 'assistant', content: 'Lifestyle changes first, then a thiazide diuretic [1].' },
      { role: 'user', content: 'And if the patient also has diabetes?' },
      { role: 'assistant', content: 'An ACE inhibitor or an ARB is preferred [3].' },
      { role: 'user', content: 'What dose of lisinopril to start?' },
      { role: 'assistant', content: 'Usually 10 mg once daily, adjusted to response [4].' },
      { role: 'user', content: `How often should blood pressure be rechecked, case ${i}?` },
    ],
    tools: [
      {
        type: 'function',
        function: { name: 'bmi', description: 'Body mass index', parameters: schema },
      },
      {
        type: 'function',
        function: { name: 'egfr', description: 'Kidney function', parameters: schema },
      },
    ],
    temperature: 0.2,
  };
}

/** The guard before default-deny: contents and tool-call arguments, the request spread. */
function before(guard: PhiGuard, req: ChatRequest): unknown {
  const texts: string[] = [];
  for (const m of req.messages) {
    if (typeof m.content === 'string') texts.push(m.content);
    else if (Array.isArray(m.content)) for (const part of m.content) texts.push(part.text);
    for (const call of m.tool_calls ?? []) texts.push(call.function.arguments);
  }
  guard.scan(texts);
  const { model: _m, stream: _s, ...rest } = req;
  return { ...rest, model: 'gpt', stream: true };
}

function after(guard: PhiGuard, req: ChatRequest): unknown {
  const body = providerChatBody(req);
  guard.scan(jsonStrings(body));
  return { ...body, model: 'gpt', stream: true };
}

const guard = new PhiGuard(undefined as unknown as pg.Pool); // scan() never touches the database
for (let i = 0; i < 200; i++) {
  before(guard, request(-i)); // warm: JIT, and the digest cache holds the conversation
  after(guard, request(-i));
}
const t = { before: [] as number[], after: [] as number[] };
for (let i = 0; i < SAMPLES; i++) {
  const order = i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
  for (const variant of order) {
    const req = request(i * 2 + (variant === 'after' ? 1 : 0)); // a new question every time
    const t0 = now();
    if (variant === 'before') before(guard, req);
    else after(guard, req);
    t[variant].push((now() - t0) * 1000);
  }
}
const result = {
  what: 'gateway per-chat forwarding work before the provider call, microseconds',
  conditions: {
    samples: SAMPLES,
    node: process.version,
    cpus: os.cpus().length,
    loadavg1: round(os.loadavg()[0] ?? 0, 2),
    request:
      '8 messages (system prompt with 5 passages), 2 tools with JSON Schemas; new question each sample',
  },
  baseline: {
    name: 'contents + tool-call arguments scanned, request spread',
    us: distribution(t.before),
  },
  defaultDeny: {
    name: 'allow-listed body, every string and key scanned',
    us: distribution(t.after),
  },
};
mkdirSync(path.dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
