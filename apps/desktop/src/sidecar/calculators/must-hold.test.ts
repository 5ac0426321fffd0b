import { describe, expect, it } from 'vitest';
import { evaluate, type RawInput } from './engine.js';
import { CALCULATORS } from './registry.js';
import type { CalculatorDef, InputDef } from './types.js';
import { resolveUnit } from './units.js';

/**
 * The "must hold": missing, out-of-range, contradictory or unit-less ambiguous inputs get a
 * question or a coded error, never a number — checked over every calculator, then fuzzed.
 */

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const required = (def: CalculatorDef): InputDef[] =>
  def.inputs.filter((i) => i.optional !== true && i.default === undefined);

describe.each(CALCULATORS.map((c) => [c.id, c] as const))('%s', (_id, def) => {
  it('asks for every required input when given nothing', () => {
    const e = evaluate(def, {});
    expect(e.status).toBe('needs-input');
    if (e.status !== 'needs-input') return;
    const asked = e.questions.map((q) => q.input);
    for (const i of required(def)) expect(asked, i.name).toContain(i.name);
    expect(e.questions.every((q) => q.code === 'CALC_INPUT_MISSING' && q.text.endsWith('?'))).toBe(
      true,
    );
    expect(e.prompt.length).toBeGreaterThan(0);
  });

  it('rejects each number outside its plausible range, in its canonical unit', () => {
    for (const input of def.inputs) {
      if (input.kind !== 'number') continue;
      const unit = input.quantity.units[0].symbol;
      const [lo, hi] = input.range;
      for (const bad of [hi + Math.max(1, Math.abs(hi)), lo - Math.max(1, Math.abs(lo))]) {
        const given: RawInput = { value: bad, ...(unit ? { unit } : {}), provenance: 'typed' };
        expect(evaluate(def, { [input.name]: given }), `${input.name}=${bad}`).toMatchObject({
          status: 'error',
          error: { code: 'CALC_INPUT_OUT_OF_RANGE', input: input.name },
        });
      }
    }
  });

  it('asks about the unit of a bare number that another unit explains', () => {
    for (const input of def.inputs) {
      if (input.kind !== 'number') continue;
      const mid = (input.range[0] + input.range[1]) / 2;
      for (const u of input.quantity.units.slice(1)) {
        const bare = Number(u.fromCanonical(mid).toPrecision(3));
        const r = resolveUnit(input.quantity, bare, undefined, input.range);
        const e = evaluate(def, { [input.name]: { value: bare, provenance: 'spoken' } });
        expect(e.status, `${input.name}=${bare}`).not.toBe('ok');
        if (r.kind === 'ambiguous')
          expect(
            e.status === 'needs-input' &&
              e.questions.some((q) => q.code === 'CALC_UNIT_AMBIGUOUS' && q.input === input.name),
            `${input.name}=${bare}`,
          ).toBe(true);
      }
    }
  });
});

describe('fuzzed inputs never yield a number unless all are present, known, typed and in range', () => {
  const junk: readonly (RawInput['value'] | [number, string])[] = [
    'x',
    '',
    true,
    false,
    -1,
    0,
    Number.NaN,
    1e9,
    [1, 'parsec'],
    [120, ''],
  ];
  for (const def of CALCULATORS)
    it(def.id, () => {
      const random = rng(def.id.length * 7919 + def.inputs.length);
      for (let round = 0; round < 150; round++) {
        const raw: Record<string, RawInput> = {};
        for (const input of def.inputs) {
          const p = random();
          if (p < 0.1) continue; // left out
          if (p < 0.25) {
            const j = junk[Math.floor(random() * junk.length)]!;
            raw[input.name] = Array.isArray(j)
              ? { value: j[0], unit: j[1], provenance: 'typed' }
              : { value: j, provenance: 'typed' };
            continue;
          }
          raw[input.name] = valid(input, random);
        }
        const e = evaluate(def, raw);
        if (e.status !== 'ok') continue;
        // A number came out: every required input was given or defaulted, and every given value
        // was of the right kind, with a known unit, in range.
        for (const input of def.inputs) {
          const given = raw[input.name];
          if (!given) {
            expect(
              input.optional === true || input.default !== undefined,
              `${def.id}: ${input.name} missing`,
            ).toBe(true);
            continue;
          }
          switch (input.kind) {
            case 'boolean':
              expect(typeof given.value, `${def.id}.${input.name}`).toBe('boolean');
              break;
            case 'choice':
              expect(
                input.options.map((o) => o.value),
                `${def.id}.${input.name}`,
              ).toContain(given.value);
              break;
            case 'number': {
              expect(
                typeof given.value === 'number' && Number.isFinite(given.value),
                `${def.id}.${input.name}`,
              ).toBe(true);
              const r = resolveUnit(input.quantity, given.value as number, given.unit, input.range);
              expect(
                r.kind,
                `${def.id}.${input.name}=${String(given.value)} ${given.unit ?? ''}`,
              ).toBe('ok');
            }
          }
        }
        expect(Number.isFinite(e.result.value)).toBe(true);
      }
    });
});

function valid(input: InputDef, random: () => number): RawInput {
  switch (input.kind) {
    case 'boolean':
      return { value: random() < 0.5, provenance: 'typed' };
    case 'choice':
      return {
        value: input.options[Math.floor(random() * input.options.length)]!.value,
        provenance: 'typed',
      };
    case 'number': {
      const [lo, hi] = input.range;
      let v = lo + random() * (hi - lo);
      if (input.integer === true) v = Math.round(v);
      const unit = input.quantity.units[0].symbol;
      return { value: v, ...(unit ? { unit } : {}), provenance: 'typed' };
    }
  }
}
