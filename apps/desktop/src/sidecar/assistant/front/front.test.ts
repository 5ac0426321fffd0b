import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../../knowledge/hashing-embedder.js';
import { KnowledgeBase } from '../../knowledge/kb.js';
import { CLARIFY_SEARCH } from '../clarify/index.js';
import { openVoiceEngine } from '../create.js';
import { IntentRouter } from '../intents/index.js';
import { createAssistantFront } from './create.js';
import { AssistantFront } from './front.js';

const DOCS: Record<string, string> = {
  'aki-treatment':
    '# Acute Kidney Injury -- treatment\n\nAcute kidney injury management treats the cause, stops nephrotoxic drugs and manages fluids.',
  'ckd-treatment':
    '# Chronic Kidney Disease -- treatment\n\nChronic kidney disease management controls blood pressure and slows progression.',
  'ckd-info':
    '# Chronic Kidney Disease -- information\n\nChronic kidney disease is a gradual loss of kidney function.',
  'dkd-info':
    '# Diabetic Kidney Disease -- information\n\nDiabetic kidney disease management includes glucose control and ACE inhibitors.',
  gout: '# Gout -- treatment\n\nGout flares are treated with colchicine or NSAIDs; urate lowering prevents attacks.',
};

describe('the front of a turn: routing, replies that continue, clarification, honest refusals', () => {
  let dir: string;
  let kb: KnowledgeBase;
  let front: AssistantFront;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'va-front-'));
    await mkdir(path.join(dir, 'docs'));
    for (const [name, text] of Object.entries(DOCS))
      await writeFile(path.join(dir, 'docs', `${name}.md`), text);
    const embedder = new HashingEmbedder(256);
    kb = KnowledgeBase.open({ file: path.join(dir, 'kb.db'), key: Buffer.alloc(32, 9), embedder });
    await kb.ingest([path.join(dir, 'docs')]);
    front = new AssistantFront({
      router: new IntentRouter({ embedder }),
      search: async (q) => (await kb.search(q, CLARIFY_SEARCH)).hits,
    });
  });
  afterAll(async () => {
    await kb.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('"kidney disease management" is asked back; "chronic" continues the same question', async () => {
    const ask = await front.handle({
      text: 'kidney disease management',
      said: 'spoken',
      conversationId: 'a',
    });
    expect(ask).toMatchObject({ kind: 'say', awaiting: true });
    if (ask.kind !== 'say') return;
    expect(ask.options).toEqual(
      expect.arrayContaining([
        'Acute Kidney Injury',
        'Chronic Kidney Disease',
        'Diabetic Kidney Disease',
      ]),
    );
    expect(ask.text).toMatch(/^Which do you mean: /);
    const next = await front.handle({ text: 'chronic', said: 'spoken', conversationId: 'a' });
    expect(next).toMatchObject({
      kind: 'answer',
      question: 'kidney disease management (Chronic Kidney Disease)',
    });
    expect(front.awaiting('a')).toBe(false);
  });

  it('a specific question goes straight to the answer', async () => {
    expect(
      await front.handle({ text: 'How is gout treated?', said: 'typed', conversationId: 'b' }),
    ).toEqual({ kind: 'answer', question: 'How is gout treated?' });
  });

  it('a calculator turn asks for what is missing and the next turn completes it', async () => {
    const ask = await front.handle({
      text: 'Cockcroft-Gault, creatinine 1.3, 80 year old man',
      said: 'spoken',
      conversationId: 'c',
    });
    expect(ask).toMatchObject({
      kind: 'say',
      intent: 'calculator',
      text: "What is the patient's weight?",
      awaiting: true,
    });
    const done = await front.handle({ text: '72 kilos', said: 'spoken', conversationId: 'c' });
    expect(done).toMatchObject({ kind: 'say', intent: 'calculator', awaiting: false });
    if (done.kind === 'say')
      expect(done.text).toMatch(
        /^Creatinine clearance is 46 millilitres per minute\..*Cockcroft and colleagues, 1976\.$/,
      );
  });

  it('"stop" is a command even while a question is open, and closes it', async () => {
    await front.handle({
      text: 'CKD-EPI for a 67-year-old woman',
      said: 'spoken',
      conversationId: 'd',
    });
    expect(front.awaiting('d')).toBe(true);
    expect(await front.handle({ text: 'stop', said: 'spoken', conversationId: 'd' })).toEqual({
      kind: 'command',
      command: 'stop',
    });
    expect(front.awaiting('d')).toBe(false);
  });

  it('calendar is not set up here, and says so', async () => {
    expect(
      await front.handle({
        text: 'Book a follow-up with Mrs Jones next week',
        said: 'spoken',
        conversationId: 'e',
      }),
    ).toEqual({
      kind: 'say',
      intent: 'calendar',
      text: 'Calendar is not set up on this workstation.',
      awaiting: false,
    });
  });
});

describe('over an opened profile', () => {
  it('uses the profile’s embedder and knowledge store', async () => {
    const profileDir = await mkdtemp(path.join(os.tmpdir(), 'va-front-profile-'));
    const engine = await openVoiceEngine({
      profileDir,
      env: {
        VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
        VOICEASSIST_EMBED_MODEL: 'hashing-bow',
      },
      emit: () => undefined,
      frontEnd: false,
    });
    try {
      const front = createAssistantFront(engine.profile);
      expect(
        await front.handle({
          text: 'GCS eyes 3 verbal 4 motor 6',
          said: 'spoken',
          conversationId: 'p',
        }),
      ).toMatchObject({ kind: 'say', intent: 'calculator', awaiting: false });
      expect(
        await front.handle({ text: 'What is gout?', said: 'typed', conversationId: 'p' }),
      ).toEqual({ kind: 'answer', question: 'What is gout?' });
    } finally {
      await engine.close();
      await rm(profileDir, { recursive: true, force: true });
    }
  });
});
