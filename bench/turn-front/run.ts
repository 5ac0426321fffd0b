/**
 * `npm run bench -- turn-front`: the part of a turn the engine does on its own between the final
 * transcript and the request for speech, for a calculator turn against a knowledge turn measured
 * in the same run (the baseline):
 *  - calculator: AssistantFront.handle → the spoken result text (routing, inputs, formula);
 *    what follows is TTS of that text.
 *  - knowledge: AssistantFront.handle (routing by similarity, the clarification's BM25 search)
 *    plus the answer's hybrid retrieval; what follows is the LLM request, then TTS.
 * Both turns share TTS; the knowledge turn adds the LLM's first token on top, which this does not
 * count. Store: the MedQuAD passages of ../shared/data/medquad (or $VOICEASSIST_SHARED_DATA), the
 * lexical hashing embedder (USE-lite ingestion of 2,000 passages does not fit a bench run on a
 * loaded 2-core machine). Writes bench/results/turn-front.json; says so when the data is absent.
 */
import { existsSync, mkdirSync, promises as fs, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLARIFY_SEARCH } from '../../apps/desktop/src/sidecar/assistant/clarify/index.js';
import { AssistantFront } from '../../apps/desktop/src/sidecar/assistant/front/front.js';
import { IntentRouter } from '../../apps/desktop/src/sidecar/assistant/intents/index.js';
import { HashingEmbedder } from '../../apps/desktop/src/sidecar/knowledge/hashing-embedder.js';
import { KnowledgeBase } from '../../apps/desktop/src/sidecar/knowledge/kb.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA = path.join(
  process.env.VOICEASSIST_SHARED_DATA ?? path.resolve(ROOT, '..', 'shared', 'data'),
  'medquad',
);
const RESULTS = path.join(ROOT, 'bench', 'results', 'turn-front.json');
const ROUNDS = 20;

const CALCULATOR_TURNS = [
  'CKD-EPI for creatinine 1.4, 67-year-old woman',
  'BMI for 80 kg and 175 cm',
  'Anion gap sodium 140 chloride 100 bicarbonate 24',
  'QTc Bazett for QT 400 and heart rate 75',
  'GCS eyes 3 verbal 4 motor 6',
  'Corrected calcium 8.0 with albumin 2.5 g/dL',
];
const KNOWLEDGE_TURNS = [
  'What are the symptoms of high blood pressure?',
  'How is shingles treated?',
  'What causes diabetes?',
  'What is the outlook for heart attack?',
  'How is glaucoma diagnosed?',
  'What are the treatments for cataract?',
];

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? NaN;
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { median: r(at(0.5)), p95: r(at(0.95)), n: s.length };
}

if (!existsSync(path.join(DATA, 'docs.jsonl'))) {
  console.log(`turn-front: ${DATA} is absent; nothing measured`);
  process.exit(0);
}
const docs = readFileSync(path.join(DATA, 'docs.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { id: string; title: string; text: string });
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-bench-front-'));
try {
  await fs.mkdir(path.join(dir, 'docs'));
  for (const d of docs)
    await fs.writeFile(path.join(dir, 'docs', `${d.id}.md`), `# ${d.title}\n\n${d.text}\n`);
  const embedder = new HashingEmbedder(512);
  const kb = KnowledgeBase.open({
    file: path.join(dir, 'kb.db'),
    key: Buffer.alloc(32, 4),
    embedder,
  });
  await kb.ingest([path.join(dir, 'docs')]);
  const front = new AssistantFront({
    router: new IntentRouter({ embedder }),
    search: async (q) => (await kb.search(q, CLARIFY_SEARCH)).hits,
  });
  const calc: number[] = [];
  const knowledge: number[] = [];
  let turn = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const text of CALCULATOR_TURNS) {
      const t0 = performance.now();
      const step = await front.handle({ text, said: 'spoken', conversationId: `c${turn++}` });
      calc.push(performance.now() - t0);
      if (step.kind !== 'say' || step.awaiting) throw new Error(`no result for "${text}"`);
    }
    for (const text of KNOWLEDGE_TURNS) {
      const t0 = performance.now();
      const step = await front.handle({ text, said: 'spoken', conversationId: `k${turn++}` });
      if (step.kind === 'answer') await kb.search(step.question, { k: 8 });
      knowledge.push(performance.now() - t0);
      if (step.kind !== 'answer') throw new Error(`"${text}" was not a knowledge answer`);
    }
  }
  await kb.close();
  const results = {
    conditions: {
      what: 'final transcript → text ready for TTS (calculator) / → LLM request ready (knowledge, retrieval done)',
      documents: docs.length,
      embedder: embedder.id,
      rounds: ROUNDS,
      cpus: os.cpus().length,
      loadavg: os.loadavg().map((x) => Math.round(x * 10) / 10),
    },
    calculatorMs: stats(calc),
    knowledgeMsBaseline: stats(knowledge),
  };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `turn-front: calculator median ${results.calculatorMs.median} ms p95 ${results.calculatorMs.p95} ms; knowledge (baseline, before the LLM) median ${results.knowledgeMsBaseline.median} ms p95 ${results.knowledgeMsBaseline.p95} ms`,
  );
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}
