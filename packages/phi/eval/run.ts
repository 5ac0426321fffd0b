/**
 * `npm run eval:phi`: scores the detector on every ../shared/data/phi/*.dev.jsonl and writes
 * bench/results/phi-eval.json (gitignored). Leaked spans and false positives go to that file only:
 * stdout gets numbers, never the PHI-like text.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { detectPhi, type DetectOptions } from '@voiceassist/phi';
import { REPO_ROOT, SCOPE_NOTES, loadDevSets } from './dev-data.js';
import { scoreSet, type SetScores } from './metrics.js';

const VARIANTS: Readonly<Record<string, DetectOptions>> = {
  default: {},
  'without patterns': { disable: ['patterns'] },
  'without validators': { disable: ['validators'] },
  'without context words': { disable: ['context'] },
  'without name lists': { disable: ['nameLists'] },
  'without capitals': { disable: ['capitals'] },
  'without places': { disable: ['places'] },
  'without libphonenumber': { disable: ['phoneLib'] },
};

function throughput(
  texts: readonly string[],
  options: DetectOptions,
): { charsPerSecond: number; mbPerSecond: number } {
  const chars = texts.reduce((n, t) => n + t.length, 0);
  const t0 = performance.now();
  for (const t of texts) detectPhi(t, options);
  const s = (performance.now() - t0) / 1000;
  return { charsPerSecond: Math.round(chars / s), mbPerSecond: chars / s / 1e6 };
}

const round = (x: number): number => Math.round(x * 10000) / 10000;

export function evaluate(variants = VARIANTS): {
  sets: Record<
    string,
    {
      default: SetScores;
      ablation: Record<
        string,
        { precision: number; recall: number; f1: number; throughput: ReturnType<typeof throughput> }
      >;
    }
  >;
} {
  const sets: ReturnType<typeof evaluate>['sets'] = {};
  for (const set of loadDevSets()) {
    const texts = set.docs.map((d) => d.text);
    const ablation: Record<
      string,
      { precision: number; recall: number; f1: number; throughput: ReturnType<typeof throughput> }
    > = {};
    let def: SetScores | undefined;
    for (const [name, options] of Object.entries(variants)) {
      const scores = scoreSet(set.docs, (t) => detectPhi(t, options));
      if (name === 'default') def = scores;
      const o = scores.overlap.overall;
      ablation[name] = {
        precision: round(o.precision),
        recall: round(o.recall),
        f1: round(o.f1),
        throughput: throughput(texts, options),
      };
    }
    if (!def) throw new Error('no default variant');
    sets[set.name] = { default: def, ablation };
  }
  return { sets };
}

function main(): void {
  // PHI_EVAL_QUICK=1 skips the ablation variants (for iterating on the detector).
  const quick = process.env.PHI_EVAL_QUICK === '1';
  const { sets } = evaluate(quick ? { default: {} } : VARIANTS);
  const out = path.join(REPO_ROOT, 'bench', 'results', 'phi-eval.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      { generatedAt: new Date().toISOString(), scopeNotes: SCOPE_NOTES, sets },
      null,
      2,
    ),
  );
  for (const [name, { default: d, ablation }] of Object.entries(sets)) {
    const o = d.overlap.overall;
    const e = d.exact.overall;
    console.log(
      `\n${name}: ${d.docs} docs, ${d.goldInScope} gold spans in scope (${d.goldOutOfScope} out of scope)`,
    );
    console.log(
      `  overlap  P ${o.precision.toFixed(3)}  R ${o.recall.toFixed(3)}  F1 ${o.f1.toFixed(3)}  (leaks ${o.fn}, false positives ${o.fp})`,
    );
    console.log(
      `  exact    P ${e.precision.toFixed(3)}  R ${e.recall.toFixed(3)}  F1 ${e.f1.toFixed(3)}`,
    );
    console.log(
      `  char recall ${d.charRecall.toFixed(3)}; recall counting every label ${d.recallAllLabels.toFixed(3)}`,
    );
    console.log(
      `  PHI-free docs: ${d.phiFreeDocs.docsWithAnyPrediction}/${d.phiFreeDocs.docs} with a prediction, ${d.phiFreeDocs.predictions} predictions`,
    );
    for (const [t, s] of Object.entries(d.overlap.byType))
      console.log(
        `    ${t.padEnd(9)} P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)} F1 ${s.f1.toFixed(3)} (gold ${s.tp + s.fn})`,
      );
    console.log('  ablation (overlap P / R / F1, MB/s):');
    for (const [v, a] of Object.entries(ablation))
      console.log(
        `    ${v.padEnd(24)} ${a.precision.toFixed(3)} / ${a.recall.toFixed(3)} / ${a.f1.toFixed(3)}  ${a.throughput.mbPerSecond.toFixed(2)}`,
      );
  }
  console.log(
    `\nwrote ${path.relative(REPO_ROOT, out)} (leaked spans and false positives are listed there only)`,
  );
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1])))
  main();
