/**
 * Answer quality of the local (extractive) path on MedQuAD: for each question, retrieval over all
 * 2,000 passages in an encrypted store, then today's selector (`baseline.ts`, extractive@1) and
 * the product's selector (`selectAnswer`, extractive@2) on the SAME retrieved passages. Reports,
 * per split (results are quoted for `test`, held out from all tuning):
 * - quotesGold: the answer quotes the gold passage (at least one of its sentences cites it);
 * - rougeL: ROUGE-L recall of the answer against the gold passage's first three answer sentences
 *   (questions and the non-answers below left out; passages with none are not counted);
 * - keyTerms: share of the gold passage's 8 top tf·idf terms (question words left out) in the answer;
 * - nonAnswer: the answer quotes a restated question or page boilerplate ("see the table below");
 * - covered: precision/recall of `covered` against quotesGold; calibration (ECE, Brier) of the
 *   new selector's confidence.
 *
 *   npx tsx bench/answers/run.ts [--embedder use-lite|hashing] [--fit]
 *
 * `--fit` also searches the selector weights and fits the confidence model on the tune split and
 * prints them (they are then copied into answer-select.ts by hand). Writes bench/results/answers.json.
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  MIN_COSINE,
  MIN_TERM_COVERAGE,
  KnowledgeBase,
} from '../../apps/desktop/src/sidecar/knowledge/kb.js';
import { answerPassages } from '../../apps/desktop/src/sidecar/knowledge/answer.js';
import { focusName } from '../../apps/desktop/src/sidecar/knowledge/question.js';
import {
  WEIGHTS,
  selectAnswer,
  type SelectorWeights,
} from '../../apps/desktop/src/sidecar/knowledge/answer-select.js';
import type { AnswerSentence } from '../../apps/desktop/src/sidecar/knowledge/answer-types.js';
import { createEmbedder } from '../../apps/desktop/src/sidecar/knowledge/embed/factory.js';
import type { Embedder } from '../../apps/desktop/src/sidecar/knowledge/embed/embedder.js';
import { silentLogger } from '../../apps/desktop/src/sidecar/knowledge/embed/log.js';
import { HashingEmbedder } from '../../apps/desktop/src/sidecar/knowledge/hashing-embedder.js';
import type { SearchHit } from '../../apps/desktop/src/sidecar/knowledge/search.js';
import { RESULTS_DIR } from '../knowledge/common.js';
import { CachedEmbedder } from '../knowledge/corpus.js';
import { baselineAnswer } from './baseline.js';
import {
  MEDQUAD_DIR,
  buildQuestions,
  loadDocs,
  medquadPresent,
  type AnswerQuestion,
} from './dataset.js';
import { fitConfidence, fitWeights } from './fit.js';
import {
  KeyTerms,
  calibration,
  goldLead,
  keyTermShare,
  quotesNonAnswer,
  rougeLRecall,
} from './metrics.js';

process.env.ORT_DISABLE_TELEMETRY = '1';
const { values } = parseArgs({
  options: {
    embedder: { type: 'string' },
    fit: { type: 'boolean' },
    'search-weights': { type: 'boolean' },
    'reuse-retrieval': { type: 'boolean' },
  },
});
const log = (m: string): void => void process.stderr.write(`[answers bench] ${m}\n`);

if (!medquadPresent()) {
  log(`MedQuAD is absent (${MEDQUAD_DIR}): nothing measured. Put ../shared/data beside the repo.`);
  process.exit(0);
}

export interface Scored {
  answered: boolean;
  covered: boolean;
  quotesGold: boolean;
  /** Null when the gold passage has no answer sentences to compare with. */
  rougeL: number | null;
  keyTerms: number;
  nonAnswer: boolean;
}

const started = performance.now();
const docs = loadDocs();
const byId = new Map(docs.map((d) => [d.id, d]));
const questions = buildQuestions(docs);
const keyTerms = new KeyTerms(docs.map((d) => d.text));
const embedderName = values.embedder ?? 'use-lite';
const inner: Embedder =
  embedderName === 'hashing'
    ? new HashingEmbedder(512)
    : await createEmbedder({ model: 'use-lite', log: silentLogger });
const embedder = new CachedEmbedder(
  inner,
  path.join(RESULTS_DIR, '.cache', `medquad-${inner.id.replace(/[^\w.-]/g, '_')}.json`),
);

// Retrieval once per question; both selectors see the same supported passages (as kb.answer).
// `--reuse-retrieval` reads them from the last run with this embedder (selector work only).
const retrievalCache = path.join(
  RESULTS_DIR,
  '.cache',
  `answers-retrieval-${inner.id.replace(/[^\w.-]/g, '_')}.json`,
);
let retrieved: { q: AnswerQuestion; supported: SearchHit[] }[];
let chunks: number;
if (values['reuse-retrieval'] && existsSync(retrievalCache)) {
  ({ retrieved, chunks } = JSON.parse(readFileSync(retrievalCache, 'utf8')) as {
    retrieved: typeof retrieved;
    chunks: number;
  });
  log(`reusing the retrieval of ${retrieved.length} questions from ${retrievalCache}`);
} else ({ retrieved, chunks } = await retrieve());
await inner.close();

async function retrieve(): Promise<{ retrieved: typeof retrieved; chunks: number }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-bench-answers-'));
  const kb = KnowledgeBase.open({
    file: path.join(dir, 'knowledge.db'),
    key: Buffer.alloc(32, 7),
    embedder,
  });
  try {
    await fs.mkdir(path.join(dir, 'docs'));
    for (const d of docs)
      await fs.writeFile(path.join(dir, 'docs', `${d.id}.md`), `# ${d.title}\n\n${d.text}\n`);
    log(`ingesting ${docs.length} passages with ${inner.id} (cached vectors reused)…`);
    const report = await kb.ingest([path.join(dir, 'docs')]);
    await embedder.save();
    log(`ingested ${report.added} documents, ${report.chunks} chunks`);
    const out: typeof retrieved = [];
    for (const q of questions) {
      const { hits } = await kb.search(q.question, { k: 8 });
      const supported = answerPassages(q.question, hits, { MIN_TERM_COVERAGE, MIN_COSINE });
      out.push({ q, supported });
    }
    await embedder.save();
    log(`retrieved for ${questions.length} questions`);
    await fs.mkdir(path.dirname(retrievalCache), { recursive: true });
    await fs.writeFile(retrievalCache, JSON.stringify({ retrieved: out, chunks: report.chunks }));
    return { retrieved: out, chunks: report.chunks };
  } finally {
    await kb.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

{
  const docOf = (s: AnswerSentence): string =>
    path.basename(s.citations[0]?.sourcePath ?? '', '.md');
  const score = (
    q: AnswerQuestion,
    sentences: readonly AnswerSentence[],
    covered: boolean,
  ): Scored => {
    const text = sentences.map((s) => s.text).join(' ');
    let rougeL: number | null = null;
    let keys = 0;
    for (const g of q.gold) {
      const gold = byId.get(g);
      if (!gold) continue;
      const lead = goldLead(gold.text);
      if (lead) rougeL = Math.max(rougeL ?? 0, rougeLRecall(text, lead));
      keys = Math.max(keys, keyTermShare(text, keyTerms.of(gold.text, q.question)));
    }
    return {
      answered: sentences.length > 0,
      covered,
      quotesGold: sentences.some((s) => q.gold.includes(docOf(s))),
      rougeL,
      keyTerms: keys,
      nonAnswer: quotesNonAnswer(sentences.map((s) => s.text)),
    };
  };
  // The same passages with the section stripped from their titles ("Glaucoma -- symptoms" →
  // "Glaucoma"): documents whose headings do not name the question type.
  const untitled = (hits: readonly SearchHit[]): SearchHit[] =>
    hits.map((h) => ({ ...h, title: focusName(h.title), heading: '' }));
  const runNew = (weights: SelectorWeights, strip = false) =>
    retrieved.map(({ q, supported }) => {
      const a = selectAnswer(q.question, strip ? untitled(supported) : supported, weights);
      return { q, a, scored: score(q, a.sentences, a.covered && a.sentences.length > 0) };
    });

  let fitted: Record<string, unknown> | undefined;
  if (values.fit) {
    const tune = retrieved.filter((r) => r.q.split === 'tune');
    // The weight search is reported, not adopted by itself (see README: it trades the question
    // type away for MedQuAD's section titles); the confidence model is fitted for WEIGHTS.
    const searched = values['search-weights']
      ? fitWeights(tune, (w) =>
          [false, true].flatMap((strip) =>
            tune.map(({ q, supported }) =>
              score(
                q,
                selectAnswer(q.question, strip ? untitled(supported) : supported, w).sentences,
                true,
              ),
            ),
          ),
        )
      : undefined;
    // Fitted on passages with and without section titles, so it is calibrated for both.
    const tuned = [false, true].flatMap((strip) =>
      tune.map(({ q, supported }) => {
        const a = selectAnswer(q.question, strip ? untitled(supported) : supported, WEIGHTS);
        return { features: a.features, good: score(q, a.sentences, true).quotesGold };
      }),
    );
    fitted = { searchedWeights: searched, confidence: fitConfidence(tuned) };
    log(`fitted on ${tune.length} tune questions:\n${JSON.stringify(fitted, null, 2)}`);
  }

  const baseline = retrieved.map(({ q, supported }) => {
    const sentences = baselineAnswer(q.question, supported);
    return { q, scored: score(q, sentences, sentences.length > 0) };
  });
  const current = runNew(WEIGHTS);
  const currentUntitled = runNew(WEIGHTS, true);

  const summary = (rows: { q: AnswerQuestion; scored: Scored }[]) => {
    const n = Math.max(1, rows.length);
    const mean = (f: (s: Scored) => number): number =>
      Math.round((rows.reduce((a, r) => a + f(r.scored), 0) / n) * 1000) / 1000;
    const withLead = rows.filter((r) => r.scored.rougeL !== null);
    const covered = rows.filter((r) => r.scored.covered);
    const good = rows.filter((r) => r.scored.quotesGold);
    return {
      n: rows.length,
      answered: mean((s) => (s.answered ? 1 : 0)),
      quotesGold: mean((s) => (s.quotesGold ? 1 : 0)),
      rougeL:
        Math.round(
          (withLead.reduce((a, r) => a + (r.scored.rougeL ?? 0), 0) /
            Math.max(1, withLead.length)) *
            1000,
        ) / 1000,
      rougeLQuestions: withLead.length,
      keyTerms: mean((s) => s.keyTerms),
      nonAnswer: mean((s) => (s.nonAnswer ? 1 : 0)),
      covered: mean((s) => (s.covered ? 1 : 0)),
      coveredPrecision:
        Math.round(
          (covered.filter((r) => r.scored.quotesGold).length / Math.max(1, covered.length)) * 1000,
        ) / 1000,
      coveredRecall:
        Math.round(
          (good.filter((r) => r.scored.covered).length / Math.max(1, good.length)) * 1000,
        ) / 1000,
    };
  };
  const slices = (rows: { q: AnswerQuestion; scored: Scored }[]) => ({
    all: summary(rows),
    template: summary(rows.filter((r) => r.q.set === 'template')),
    consumer: summary(rows.filter((r) => r.q.set === 'consumer')),
  });
  const bySplit = <T extends { q: AnswerQuestion; scored: Scored }>(
    rows: T[],
    split: string,
  ): T[] => rows.filter((r) => r.q.split === split);
  const testNew = bySplit(current, 'test');
  const byType: Record<string, { n: number; baseline: number; new: number }> = {};
  for (const [i, r] of bySplit(baseline, 'test').entries()) {
    if (r.scored.rougeL === null) continue;
    const t = (byType[r.q.qtype] ??= { n: 0, baseline: 0, new: 0 });
    t.n++;
    t.baseline += r.scored.rougeL;
    t.new += testNew[i]?.scored.rougeL ?? 0;
  }
  for (const t of Object.values(byType)) {
    t.baseline = Math.round((t.baseline / t.n) * 1000) / 1000;
    t.new = Math.round((t.new / t.n) * 1000) / 1000;
  }
  const out = {
    date: new Date().toISOString(),
    conditions: {
      corpus: `MedQuAD docs.jsonl, ${docs.length} passages, ${chunks} chunks, encrypted store`,
      embedder: inner.id,
      retrieval:
        'hybrid search k=8, top 5 filtered as kb.answer does; same passages for both selectors',
      questions: `${questions.length} (${questions.filter((q) => q.set === 'template').length} template, ${questions.filter((q) => q.set === 'consumer').length} consumer); split by condition: tune ${questions.filter((q) => q.split === 'tune').length}, test ${questions.filter((q) => q.split === 'test').length}`,
      machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg()[0] },
    },
    goal: {
      quotesGold: 'test: at least baseline + 0.10',
      rougeL: 'test: at least 1.3 x baseline',
      nonAnswer: 'test: 0 (never a restated question or boilerplate)',
      ece: 'test: at most 0.10',
    },
    test: {
      baseline: slices(bySplit(baseline, 'test')),
      new: slices(testNew),
      newWithoutSectionTitles: slices(bySplit(currentUntitled, 'test')),
      calibration: calibration(testNew.map((r) => ({ p: r.a.confidence, y: r.scored.quotesGold }))),
      calibrationWithoutSectionTitles: calibration(
        bySplit(currentUntitled, 'test').map((r) => ({
          p: r.a.confidence,
          y: r.scored.quotesGold,
        })),
      ),
      rougeLByType: byType,
    },
    tune: { baseline: slices(bySplit(baseline, 'tune')), new: slices(bySplit(current, 'tune')) },
    weights: WEIGHTS,
    ...(fitted ? { fitted } : {}),
    // Tuning-split answers the new selector got wrong (or quoted a non-answer in), for reading.
    misses: bySplit(current, 'tune')
      .filter((r) => !r.scored.quotesGold || r.scored.nonAnswer)
      .slice(0, 40)
      .map((r) => ({
        id: r.q.id,
        question: r.q.question,
        gold: r.q.gold,
        confidence: Math.round(r.a.confidence * 1000) / 1000,
        covered: r.a.covered,
        notice: r.a.notice,
        answer: r.a.sentences.map((s) => `${s.text} [${s.citations[0]?.title ?? ''}]`),
      })),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  await fs.mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, 'answers.json');
  await fs.writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
  const b = out.test.baseline.all;
  const c = out.test.new.all;
  const u = out.test.newWithoutSectionTitles.all;
  console.log(
    `held-out (${b.n} questions): quotes gold ${b.quotesGold} → ${c.quotesGold}; ROUGE-L recall ${b.rougeL} → ${c.rougeL}; key terms ${b.keyTerms} → ${c.keyTerms}; non-answers ${b.nonAnswer} → ${c.nonAnswer}; covered precision ${b.coveredPrecision} → ${c.coveredPrecision} (recall ${b.coveredRecall} → ${c.coveredRecall}); ECE ${out.test.calibration.ece}`,
  );
  console.log(
    `  without section titles: quotes gold ${u.quotesGold}; ROUGE-L recall ${u.rougeL}; key terms ${u.keyTerms}; non-answers ${u.nonAnswer}; covered precision ${u.coveredPrecision} (recall ${u.coveredRecall}); ECE ${out.test.calibrationWithoutSectionTitles.ece}`,
  );
  console.log(`wrote ${file}${existsSync(file) ? '' : ' (failed)'} in ${out.seconds} s`);
}
