/**
 * `npm run bench -- calculators`: calculator accuracy on the shared test data, and the cost of
 * validation. Reads ../shared/data/calculators (or $VOICEASSIST_SHARED_DATA/calculators):
 *  - package_unit_test_vectors.json: every vector exact after its stated rounding? Run twice:
 *    as given (µmol/L converted with our 88.4), and with each package's own creatinine factor.
 *  - medcalc_bench.dev.json: share of MedCalc-Bench dev cases whose value falls within the
 *    case's [lower, upper] bounds, through the same `--format medcalc` adapter as the CLI.
 *  - evaluate() time per case (validation + units + formula) against the bare formula on the
 *    already-canonical values, measured in the same run.
 * Writes bench/results/calculators.json. Says so and exits 0 when the data is absent.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, type Evaluation } from '../../apps/desktop/src/sidecar/calculators/engine.js';
import { CalcError } from '../../apps/desktop/src/sidecar/calculators/errors.js';
import { fromMedcalc } from '../../apps/desktop/src/sidecar/calculators/medcalc.js';
import { getCalculator } from '../../apps/desktop/src/sidecar/calculators/registry.js';
import {
  packageCreatinineFactor,
  runVector,
  type PackageVector,
} from '../../apps/desktop/test-support/calculator-vectors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA = path.join(
  process.env.VOICEASSIST_SHARED_DATA ?? path.resolve(ROOT, '..', 'shared', 'data'),
  'calculators',
);
const RESULTS = path.join(ROOT, 'bench', 'results', 'calculators.json');
const TIMING_ROUNDS = 200;

interface MedcalcCase {
  readonly row_number: string;
  readonly calculator_name: string;
  readonly ground_truth_answer: string;
  readonly lower_limit: string;
  readonly upper_limit: string;
  readonly inputs: Record<string, unknown>;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function vectors(): Record<string, unknown> {
  const { cases } = JSON.parse(
    readFileSync(path.join(DATA, 'package_unit_test_vectors.json'), 'utf8'),
  ) as { cases: PackageVector[] };
  const asGiven = cases.map((v) => runVector(v));
  const ownFactor = cases.map((v) => runVector(v, packageCreatinineFactor(v)));
  const misses = asGiven
    .filter((o) => !o.exact)
    .map((o) => ({
      calculator: o.vector.calculator,
      test: o.vector.test,
      source: o.vector.source,
      expected: o.vector.expected,
      got: o.value,
      decimals: o.decimals,
      error: o.error,
    }));
  return {
    total: cases.length,
    exact_as_given: asGiven.filter((o) => o.exact).length,
    exact_with_package_creatinine_factor: ownFactor.filter((o) => o.exact).length,
    misses_as_given: misses,
  };
}

function medcalc(): {
  summary: Record<string, unknown>;
  timed: { id: string; inputs: ReturnType<typeof fromMedcalc>['inputs'] }[];
} {
  const { cases } = JSON.parse(readFileSync(path.join(DATA, 'medcalc_bench.dev.json'), 'utf8')) as {
    cases: MedcalcCase[];
  };
  const perCalculator: Record<string, { cases: number; within: number }> = {};
  const disagreements: unknown[] = [];
  const timed: { id: string; inputs: ReturnType<typeof fromMedcalc>['inputs'] }[] = [];
  let inBoth = 0;
  let within = 0;
  for (const c of cases) {
    let request: ReturnType<typeof fromMedcalc>;
    try {
      request = fromMedcalc(c.calculator_name, c.inputs);
    } catch (err) {
      if (err instanceof CalcError && err.code === 'CALC_UNKNOWN') continue; // not in this library
      throw err;
    }
    inBoth++;
    const def = getCalculator(request.calculatorId);
    const e: Evaluation | undefined = def && evaluate(def, request.inputs);
    const stats = (perCalculator[c.calculator_name] ??= { cases: 0, within: 0 });
    stats.cases++;
    const lo = Number(c.lower_limit);
    const hi = Number(c.upper_limit);
    if (e?.status === 'ok' && e.result.value >= lo && e.result.value <= hi) {
      within++;
      stats.within++;
      timed.push({ id: request.calculatorId, inputs: request.inputs });
    } else
      disagreements.push({
        row: c.row_number,
        calculator: c.calculator_name,
        expected: c.ground_truth_answer,
        bounds: [lo, hi],
        got: e?.status === 'ok' ? e.result.value : e,
      });
  }
  return {
    summary: {
      cases: cases.length,
      in_both: inBoth,
      within_bounds: within,
      share_within_bounds: inBoth === 0 ? null : within / inBoth,
      per_calculator: perCalculator,
      disagreements,
    },
    timed,
  };
}

/** Median and p95 of evaluate() per case vs the bare formula on canonical values. */
function timing(
  timed: readonly { id: string; inputs: ReturnType<typeof fromMedcalc>['inputs'] }[],
): Record<string, unknown> {
  const full: number[] = [];
  const bare: number[] = [];
  const prepared = timed.flatMap(({ id, inputs }) => {
    const def = getCalculator(id);
    if (!def) return [];
    const e = evaluate(def, inputs);
    const values =
      e.status === 'ok' ? Object.fromEntries(e.result.inputs.map((i) => [i.name, i.value])) : {};
    return [{ def, inputs, values }];
  });
  let sink = 0;
  for (let round = 0; round < TIMING_ROUNDS; round++)
    for (const { def, inputs, values } of prepared) {
      let t = process.hrtime.bigint();
      const e = evaluate(def, inputs);
      full.push(Number(process.hrtime.bigint() - t) / 1000);
      if (e.status === 'ok') sink += e.result.value;
      t = process.hrtime.bigint();
      sink += def.compute(values);
      bare.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  full.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  return {
    what: 'microseconds per call, MedCalc-Bench dev cases within bounds, repeated',
    calls: full.length,
    evaluate_us: { median: percentile(full, 0.5), p95: percentile(full, 0.95) },
    baseline_bare_formula_us: { median: percentile(bare, 0.5), p95: percentile(bare, 0.95) },
    checksum: Math.round(sink),
  };
}

function main(): void {
  const conditions = {
    node: process.version,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    data: DATA,
    date: new Date().toISOString(),
  };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  if (!existsSync(path.join(DATA, 'package_unit_test_vectors.json'))) {
    console.log(`calculators: shared data absent at ${DATA}; nothing measured.`);
    writeFileSync(RESULTS, `${JSON.stringify({ conditions, data: 'absent' }, null, 2)}\n`);
    return;
  }
  const v = vectors();
  const m = medcalc();
  const t = timing(m.timed);
  writeFileSync(
    RESULTS,
    `${JSON.stringify({ conditions, package_vectors: v, medcalc_dev: m.summary, timing: t }, null, 2)}\n`,
  );
  const share = m.summary.share_within_bounds as number | null;
  console.log(
    [
      `package vectors: ${String(v.exact_as_given)}/${String(v.total)} exact as given (creatinine 88.4 µmol/L per mg/dL); ` +
        `${String(v.exact_with_package_creatinine_factor)}/${String(v.total)} with each package's own factor`,
      `MedCalc-Bench dev: ${String(m.summary.within_bounds)}/${String(m.summary.in_both)} within bounds (${share === null ? 'n/a' : (share * 100).toFixed(1)} %) of ${String(m.summary.cases)} cases`,
      `evaluate(): median ${(t.evaluate_us as { median: number }).median.toFixed(1)} µs, p95 ${(t.evaluate_us as { p95: number }).p95.toFixed(1)} µs; bare formula median ${(t.baseline_bare_formula_us as { median: number }).median.toFixed(2)} µs`,
      `results: ${path.relative(ROOT, RESULTS)}`,
    ].join('\n'),
  );
}

main();
