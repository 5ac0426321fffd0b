/**
 * What the heard bench asks of its world: the stand-ins' latencies (issue #19: STT finalize 150 ms
 * with the final differing from the last interim in 30 % of turns; LLM first token 350 ms then 60
 * tokens/s, answers of 60–150 tokens; TTS first byte 150 ms), the MedQuAD questions and answers,
 * and the knowledge store (MedQuAD documents, ingested once with the default embedder and cached
 * under the temp folder by document count).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import { REPO_ROOT } from '../../apps/desktop/test-support/processes.js';

const run = promisify(execFile);

/** The stand-ins' word per streamed chunk counts as this many tokens (English average). */
const TOKENS_PER_WORD = 1.3;

export const CONDITIONS = {
  sttFinalizeMs: 150,
  finalDiffersShare: 0.3,
  llmFirstTokenMs: 350,
  llmTokensPerSecond: 60,
  llmTokensPerWord: TOKENS_PER_WORD,
  answerTokens: [60, 150] as const,
  ttsFirstByteMs: 150,
  /** Seconds of silence before each question in the microphone file; after it, before key-up. */
  leadS: 0.6,
  tailS: 0.3,
  /** Seconds left after key-up for the answer before the next question's slot. */
  answerS: 6,
  seed: 19,
} as const;

const WORD_MS = (1000 / CONDITIONS.llmTokensPerSecond) * TOKENS_PER_WORD;

export const SHARED_MEDQUAD = path.resolve(REPO_ROOT, '..', 'shared', 'data', 'medquad');

function requireMedquad(): string {
  if (!existsSync(path.join(SHARED_MEDQUAD, 'docs.jsonl')))
    throw new Error(
      `${SHARED_MEDQUAD} is absent: the heard bench needs the shared MedQuAD data beside the checkout.`,
    );
  return SHARED_MEDQUAD;
}

interface Doc {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

/** A small seeded generator (mulberry32): the same turns on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Question {
  readonly text: string;
  /** The LLM stand-in's cited reply: sentences of the question's gold document. */
  readonly reply: string;
  /** Words of the reply up to the end of its first sentence (for the nominal time). */
  readonly firstSentenceWords: number;
  /** The final transcript differs from the last interim (the interim lacks the last word). */
  readonly revisedFinal: boolean;
}

/** Every dev question and its paraphrase, shuffled (seeded), each with a reply from its gold doc. */
export function pickQuestions(): Question[] {
  const dir = requireMedquad();
  const docs = new Map(readJsonl<Doc>(path.join(dir, 'docs.jsonl')).map((d) => [d.id, d]));
  const random = rng(CONDITIONS.seed);
  const out: Question[] = [];
  const qs = readJsonl<{ question: string; question_paraphrase?: string; gold_doc_ids: string[] }>(
    path.join(dir, 'questions.dev.jsonl'),
  );
  for (const q of qs) {
    const doc = docs.get(q.gold_doc_ids[0] ?? '');
    if (!doc) continue;
    for (const text of [q.question, q.question_paraphrase]) {
      if (!text) continue;
      const [lo, hi] = CONDITIONS.answerTokens;
      const words = Math.round((lo + random() * (hi - lo)) / TOKENS_PER_WORD);
      const sentences = doc.text
        .replace(/\s+/g, ' ')
        .split(/(?<=[.!?])\s+/)
        .filter((s) => /[a-z]/i.test(s));
      const reply: string[] = [];
      let count = 0;
      let firstSentenceWords = 0;
      for (const s of sentences) {
        if (count >= words) break;
        const w = s.replace(/[.!?]+$/, '').split(' ');
        const cut = w.slice(0, Math.max(4, words - count));
        reply.push(`${cut.join(' ')} [1].`);
        count += cut.length + 1;
        if (firstSentenceWords === 0) firstSentenceWords = count;
      }
      if (reply.length === 0) continue;
      out.push({
        text: text.replace(/\s+/g, ' ').trim(),
        reply: reply.join(' '),
        firstSentenceWords,
        revisedFinal: false,
      });
    }
  }
  const shuffled = out
    .map((q) => ({ q, k: random() }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.q);
  return shuffled.map((q) => ({ ...q, revisedFinal: random() < CONDITIONS.finalDiffersShare }));
}

/** The turn's nominal provider time: STT finalize + LLM to its first sentence + TTS first byte. */
export const nominalMs = (q: Question): number =>
  CONDITIONS.sttFinalizeMs +
  CONDITIONS.llmFirstTokenMs +
  (q.firstSentenceWords - 1) * WORD_MS +
  CONDITIONS.ttsFirstByteMs;

/** The stand-ins' latencies, and what this turn's speaker says and the LLM answers. */
export async function applyTurnFaults(gw: GatewayFixture, q: Question | undefined): Promise<void> {
  gw.deepgram.faults.chunkDelayMs = CONDITIONS.sttFinalizeMs;
  gw.openai.faults.latencyMs = CONDITIONS.llmFirstTokenMs;
  gw.openai.faults.chunkDelayMs = WORD_MS;
  gw.elevenlabs.faults.latencyMs = CONDITIONS.ttsFirstByteMs;
  gw.elevenlabs.faults.audible = true;
  if (q) {
    const words = q.text.split(' ');
    gw.deepgram.faults.transcript = q.revisedFinal ? words.slice(0, -1).join(' ') : q.text;
    gw.deepgram.faults.finalTranscript = q.revisedFinal ? q.text : undefined;
    gw.openai.faults.reply = q.reply;
  }
  await gw.syncFaults();
}

export interface Store {
  readonly dir: string;
  readonly key: string;
  readonly embedder: string;
}

/**
 * The first `docs` MedQuAD documents ingested by the CLI into an encrypted store with the default
 * embedder, cached under the temp folder (ingesting 2,000 documents takes minutes here).
 */
export async function prepareStore(docs: number, log: (m: string) => void): Promise<Store> {
  const dir = requireMedquad();
  const cache = path.join(os.tmpdir(), `voiceassist-heard-store-${docs}`);
  const done = path.join(cache, 'ready.json');
  if (existsSync(done)) return JSON.parse(await readFile(done, 'utf8')) as Store;
  await rm(cache, { recursive: true, force: true });
  const md = path.join(cache, 'docs');
  await mkdir(md, { recursive: true });
  for (const d of readJsonl<Doc>(path.join(dir, 'docs.jsonl')).slice(0, docs))
    await writeFile(
      path.join(md, `${d.id.replace(/[^\w.-]/g, '_')}.md`),
      `# ${d.title}\n\n${d.text}\n`,
    );
  const key = randomBytes(32).toString('hex');
  const storeDir = path.join(cache, 'store');
  log(`heard: ingesting ${docs} MedQuAD documents with the default embedder (cached in ${cache})`);
  const { stderr } = await run(
    process.execPath,
    [
      path.join(REPO_ROOT, 'apps/desktop/bin/voiceassist.mjs'),
      'kb',
      'ingest',
      md,
      '--store',
      storeDir,
      '--verbose',
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, VOICEASSIST_DB_KEY: key, ORT_DISABLE_TELEMETRY: '1' },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const embedder = /embedder: (\S+)/.exec(stderr)?.[1] ?? 'unknown';
  const store: Store = { dir: storeDir, key, embedder };
  await writeFile(done, JSON.stringify(store));
  return store;
}
