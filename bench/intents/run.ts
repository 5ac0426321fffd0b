/**
 * `npm run bench -- intents`: accuracy of the offline intent router on the labelled set
 * (apps/desktop/test-support/fixtures/intents/labelled.jsonl, written for this project, none of
 * its turns among the router's examples). The similarity threshold is swept on the `dev` half;
 * accuracy is reported on the `test` half, which plays no part in choosing, both for the
 * shipped threshold and for the one the dev half prefers. Run with the app's default embedder
 * (createEmbedder: an ONNX folder if installed, else USE-lite) and with the lexical hashing
 * embedder. Also times route() per turn (rules + one query embedding). Writes
 * bench/results/intents.json.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decide,
  LocalIntentRouter,
  type Intent,
  type Route,
  INTENTS,
} from '../../apps/desktop/src/sidecar/assistant/intents/index.js';
import {
  DEFAULT_MARGIN,
  DEFAULT_MIN_SIMILARITY,
} from '../../apps/desktop/src/sidecar/assistant/intents/router.js';
import type { Embedder } from '../../apps/desktop/src/sidecar/knowledge/embed/embedder.js';
import { createEmbedder } from '../../apps/desktop/src/sidecar/knowledge/embed/factory.js';
import { HashingEmbedder } from '../../apps/desktop/src/sidecar/knowledge/hashing-embedder.js';
import { resolveResources } from '../../apps/desktop/src/sidecar/resources.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SET = path.join(ROOT, 'apps/desktop/test-support/fixtures/intents/labelled.jsonl');
const RESULTS = path.join(ROOT, 'bench', 'results', 'intents.json');

interface Item {
  readonly text: string;
  readonly intent: Intent;
  readonly split: 'dev' | 'test';
}

const items = readFileSync(SET, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Item);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function evaluateEmbedder(embedder: Embedder) {
  const router = new LocalIntentRouter({ embedder });
  await router.similarities('warm up'); // embeds the examples once
  const scored: {
    item: Item;
    ruled: Route | undefined;
    scores: ReadonlyMap<Intent, number> | undefined;
  }[] = [];
  for (const item of items) {
    const ruled = router.ruled(item.text);
    const scores = ruled ? undefined : await router.similarities(item.text);
    scored.push({ item, ruled, scores });
  }
  const predict = (s: (typeof scored)[number], minSimilarity: number): Intent =>
    s.ruled?.intent ??
    (s.scores ? decide(s.scores, { minSimilarity, margin: DEFAULT_MARGIN }).intent : 'knowledge');
  const accuracy = (split: Item['split'], minSimilarity: number) => {
    const part = scored.filter((s) => s.item.split === split);
    return part.filter((s) => predict(s, minSimilarity) === s.item.intent).length / part.length;
  };
  const sweep = [];
  for (let t = 0.2; t <= 0.801; t += 0.05)
    sweep.push({ minSimilarity: round(t, 2), dev: round(accuracy('dev', t)) });
  const bestDev = sweep.reduce((a, b) => (b.dev > a.dev ? b : a));
  const test = scored.filter((s) => s.item.split === 'test');
  const confusion: Record<string, Record<string, number>> = {};
  const errors = [];
  for (const s of test) {
    const got = predict(s, DEFAULT_MIN_SIMILARITY);
    (confusion[s.item.intent] ??= {})[got] = (confusion[s.item.intent]?.[got] ?? 0) + 1;
    if (got !== s.item.intent) errors.push({ text: s.item.text, expected: s.item.intent, got });
  }
  const perIntent = Object.fromEntries(
    INTENTS.map((i) => {
      const of = test.filter((s) => s.item.intent === i);
      return [
        i,
        `${of.filter((s) => predict(s, DEFAULT_MIN_SIMILARITY) === i).length}/${of.length}`,
      ];
    }),
  );
  const times: number[] = [];
  for (let round_ = 0; round_ < 3; round_++)
    for (const item of items) {
      const t0 = performance.now();
      await router.route(item.text);
      times.push(performance.now() - t0);
    }
  times.sort((a, b) => a - b);
  const ruledShare = scored.filter((s) => s.ruled).length / scored.length;
  return {
    embedder: embedder.id,
    shipped: { minSimilarity: DEFAULT_MIN_SIMILARITY, margin: DEFAULT_MARGIN },
    testAccuracyShipped: round(accuracy('test', DEFAULT_MIN_SIMILARITY)),
    devAccuracyShipped: round(accuracy('dev', DEFAULT_MIN_SIMILARITY)),
    devBest: bestDev,
    testAccuracyAtDevBest: round(accuracy('test', bestDev.minSimilarity)),
    rulesOnlyTestAccuracy: round(
      test.filter((s) => (s.ruled?.intent ?? 'knowledge') === s.item.intent).length / test.length,
    ),
    decidedByRules: round(ruledShare),
    perIntentTest: perIntent,
    confusionTest: confusion,
    errorsTest: errors,
    sweepDev: sweep,
    routeMs: {
      median: round(percentile(times, 0.5)),
      p95: round(percentile(times, 0.95)),
      n: times.length,
    },
  };
}

const resources = resolveResources(process.env);
const appEmbedder = await createEmbedder({
  ...(resources.modelsDir === undefined ? {} : { modelsDir: resources.modelsDir }),
  log: { info: () => undefined, warn: () => undefined },
});
const results = {
  conditions: {
    set: `${items.length} turns (${items.filter((i) => i.split === 'dev').length} dev, ${items.filter((i) => i.split === 'test').length} test)`,
    cpus: os.cpus().length,
    loadavg: os.loadavg().map((x) => round(x, 1)),
    node: process.version,
  },
  runs: [await evaluateEmbedder(appEmbedder), await evaluateEmbedder(new HashingEmbedder(512))],
};
await appEmbedder.close();
mkdirSync(path.dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
for (const r of results.runs)
  console.log(
    `${r.embedder}: test accuracy ${r.testAccuracyShipped} (shipped threshold ${r.shipped.minSimilarity}); dev best ${r.devBest.minSimilarity} → test ${r.testAccuracyAtDevBest}; rules alone ${r.rulesOnlyTestAccuracy}; route() median ${r.routeMs.median} ms p95 ${r.routeMs.p95} ms`,
  );
console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
