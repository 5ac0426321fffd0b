/**
 * `npm run bench -- clarify [--embedder=hashing|default]`: does the assistant ask back exactly when
 * a question is broad? The set (set.ts) is built from ../shared/data/medquad (or
 * $VOICEASSIST_SHARED_DATA/medquad); all its documents go into a knowledge store, each question
 * is retrieved (top 20) and detectBroad decides from the hits. Retrieval as the assistant does it
 * for this decision: BM25 alone (CLARIFY_SEARCH, independent of the embedding model); the hybrid
 * search with the embedder given is reported beside it for comparison. The embedder defaults to
 * the lexical hashing one (USE-lite, `--embedder=default`, embeds 2,000 documents: over 25 min on
 * a loaded 2-core machine).
 * Thresholds are swept on the `tune` half — the shipped DEFAULT_CLARIFY must have been chosen
 * there — and precision / recall are reported on the `test` half. Goal: precision ≥ 0.9,
 * recall ≥ 0.8. Writes bench/results/clarify.json. Says so and exits 0 when the data is absent.
 */
import { existsSync, mkdirSync, promises as fs, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLARIFY_SEARCH,
  DEFAULT_CLARIFY,
  detectBroad,
  type ClarifyThresholds,
} from '../../apps/desktop/src/sidecar/assistant/clarify/index.js';
import type { Embedder } from '../../apps/desktop/src/sidecar/knowledge/embed/embedder.js';
import { createEmbedder } from '../../apps/desktop/src/sidecar/knowledge/embed/factory.js';
import { HashingEmbedder } from '../../apps/desktop/src/sidecar/knowledge/hashing-embedder.js';
import { KnowledgeBase } from '../../apps/desktop/src/sidecar/knowledge/kb.js';
import type { SearchHit } from '../../apps/desktop/src/sidecar/knowledge/search.js';
import { resolveResources } from '../../apps/desktop/src/sidecar/resources.js';
import { CachedEmbedder } from '../knowledge/corpus.js';
import { buildClarifySet, type ClarifyItem, type DevQuestion, type MedDoc } from './set.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA = path.join(
  process.env.VOICEASSIST_SHARED_DATA ?? path.resolve(ROOT, '..', 'shared', 'data'),
  'medquad',
);
const RESULTS = path.join(ROOT, 'bench', 'results', 'clarify.json');
const TOP = 20;
const round = (x: number) => Math.round(x * 1000) / 1000;

if (!existsSync(path.join(DATA, 'docs.jsonl'))) {
  console.log(`clarify: ${DATA} is absent; nothing measured`);
  process.exit(0);
}
const lines = <T>(f: string): T[] =>
  readFileSync(path.join(DATA, f), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
const docs = lines<MedDoc>('docs.jsonl');
const items = buildClarifySet(docs, lines<DevQuestion>('questions.dev.jsonl'));

const which = process.argv.find((a) => a.startsWith('--embedder='))?.split('=')[1] ?? 'hashing';
let embedder: Embedder;
if (which === 'hashing') embedder = new HashingEmbedder(512);
else {
  const resources = resolveResources(process.env);
  const inner = await createEmbedder({
    ...(resources.modelsDir === undefined ? {} : { modelsDir: resources.modelsDir }),
    log: { info: () => undefined, warn: () => undefined },
  });
  embedder = new CachedEmbedder(
    inner,
    path.join(
      ROOT,
      'bench',
      'results',
      '.cache',
      `clarify-${inner.id.replace(/[^a-z0-9.-]+/gi, '_')}.json`,
    ),
  );
}

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-bench-clarify-'));
const MODES = ['bm25', 'hybrid'] as const;
type Mode = (typeof MODES)[number];
const hitsByMode: Record<Mode, Map<string, SearchHit[]>> = { bm25: new Map(), hybrid: new Map() };
let hitsOf = hitsByMode.bm25;
let ingestSeconds: number;
try {
  await fs.mkdir(path.join(dir, 'docs'));
  for (const d of docs)
    await fs.writeFile(path.join(dir, 'docs', `${d.id}.md`), `# ${d.title}\n\n${d.text}\n`);
  const kb = KnowledgeBase.open({
    file: path.join(dir, 'knowledge.db'),
    key: Buffer.alloc(32, 5),
    embedder,
  });
  const t0 = performance.now();
  await kb.ingest([path.join(dir, 'docs')]);
  ingestSeconds = (performance.now() - t0) / 1000;
  for (const item of items) {
    hitsByMode.bm25.set(
      item.id,
      (await kb.search(item.question, { ...CLARIFY_SEARCH, k: TOP })).hits,
    );
    hitsByMode.hybrid.set(item.id, (await kb.search(item.question, { k: TOP })).hits);
  }
  await kb.close();
  if (embedder instanceof CachedEmbedder) await embedder.save();
} finally {
  await fs.rm(dir, { recursive: true, force: true });
}

function score(part: readonly ClarifyItem[], t: ClarifyThresholds) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let optionsAllGold = 0;
  const wrong: { question: string; broad: boolean; asked: string | undefined }[] = [];
  for (const item of part) {
    const c = detectBroad(item.question, hitsOf.get(item.id) ?? [], t);
    if (c && item.broad) {
      tp++;
      const gold = new Set(item.goldTopics.map((g) => g.toLowerCase()));
      if (c.options.every((o) => gold.has(o.label.toLowerCase()))) optionsAllGold++;
    } else if (c) fp++;
    else if (item.broad) fn++;
    if (Boolean(c) !== item.broad)
      wrong.push({ question: item.question, broad: item.broad, asked: c?.question });
  }
  return {
    n: part.length,
    broad: part.filter((i) => i.broad).length,
    precision: round(tp / Math.max(1, tp + fp)),
    recall: round(tp / Math.max(1, tp + fn)),
    asked: tp + fp,
    optionsAllGoldShare: round(optionsAllGold / Math.max(1, tp)),
    wrong,
  };
}

const tune = items.filter((i) => i.split === 'tune');
const test = items.filter((i) => i.split === 'test');

function evaluateMode(mode: Mode) {
  hitsOf = hitsByMode[mode];
  const grid: (ClarifyThresholds & { precision: number; recall: number })[] = [];
  for (const k of [5, 8, 10, 15, 20])
    for (let r = 0.3; r <= 0.951; r += 0.05)
      for (const minTopics of [2, 3]) {
        const t = { k, closeRatio: round(r), minTopics };
        const s = score(tune, t);
        grid.push({ ...t, precision: s.precision, recall: s.recall });
      }
  const meeting = grid.filter((g) => g.precision >= 0.9);
  const chosen = (meeting.length > 0 ? meeting : grid).reduce((a, b) =>
    b.recall > a.recall || (b.recall === a.recall && b.precision > a.precision) ? b : a,
  );
  const shipped = { tune: score(tune, DEFAULT_CLARIFY), test: score(test, DEFAULT_CLARIFY) };
  const atChosen = score(test, chosen);
  return {
    mode,
    shipped: {
      thresholds: DEFAULT_CLARIFY,
      tune: { ...shipped.tune, wrong: undefined },
      test: shipped.test,
    },
    bestOnTune: chosen,
    testAtBestOnTune: { ...atChosen, wrong: undefined },
    byKindTest: Object.fromEntries(
      ['broad-term', 'specific-template', 'specific-medquad'].map((k) => {
        const s = score(
          test.filter((i) => i.kind === k),
          DEFAULT_CLARIFY,
        );
        return [k, { n: s.n, asked: s.asked }];
      }),
    ),
    sweepTune: grid,
  };
}

const runs = MODES.map(evaluateMode);
const results = {
  conditions: {
    documents: docs.length,
    set: `${items.length} questions (${items.filter((i) => i.broad).length} broad); tune ${tune.length}, test ${test.length}`,
    embedder: embedder.id,
    retrieval: `top ${TOP}; bm25 = what the assistant uses for this decision, hybrid for comparison`,
    ingestSeconds: round(ingestSeconds),
    cpus: os.cpus().length,
    loadavg: os.loadavg().map((x) => round(x)),
  },
  goal: { precision: 0.9, recall: 0.8 },
  runs,
};
mkdirSync(path.dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
for (const r of runs)
  console.log(
    `clarify ${r.mode} (${embedder.id}): shipped ${JSON.stringify(DEFAULT_CLARIFY)} → test precision ${r.shipped.test.precision}, recall ${r.shipped.test.recall} (tune ${r.shipped.tune.precision}/${r.shipped.tune.recall}); best on tune ${JSON.stringify({ k: r.bestOnTune.k, closeRatio: r.bestOnTune.closeRatio, minTopics: r.bestOnTune.minTopics })} (${r.bestOnTune.precision}/${r.bestOnTune.recall}) → test ${r.testAtBestOnTune.precision}/${r.testAtBestOnTune.recall}`,
  );
console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
