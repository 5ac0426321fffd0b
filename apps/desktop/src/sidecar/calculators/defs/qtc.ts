import { defineCalculator, type Source } from '../types.js';
import { Q } from '../units.js';
import { HEART_RATE } from './common.js';

const QT = {
  kind: 'number',
  name: 'qt',
  label: 'QT interval',
  question: 'What is the measured QT interval?',
  quantity: Q.milliseconds,
  range: [150, 800],
  spoken: ['qt', 'qt interval', 'measured qt'],
} as const;

const RR = {
  kind: 'number',
  name: 'rr_interval',
  label: 'RR interval',
  question: 'What is the RR interval?',
  quantity: Q.milliseconds,
  range: [200, 3000],
  spoken: ['rr interval', 'r r interval', 'rr'],
  optional: true,
} as const;

const RAUTAHARJU_2009: Source = {
  citation:
    'Rautaharju PM, Surawicz B, Gettes LS. AHA/ACCF/HRS recommendations for the standardization and interpretation of the electrocardiogram: part IV. Circulation. 2009;119:e241-e250.',
  year: 2009,
  doi: '10.1161/CIRCULATIONAHA.108.191096',
};

const QTC_BANDS = [
  { below: 440, text: 'Normal QTc.' },
  {
    below: 460,
    text: 'Borderline QTc: prolonged in men from 450 ms, in women from 460 ms (AHA/ACCF/HRS 2009).',
  },
  { below: 500, text: 'Prolonged QTc (AHA/ACCF/HRS 2009).' },
  { text: 'Markedly prolonged QTc (500 ms or more): high risk of torsades de pointes.' },
] as const;

/** RR in seconds and heart rate per minute from whichever was given. */
function rhythm(
  heartRate: number | undefined,
  rrMs: number | undefined,
): { rr: number; hr: number } {
  if (rrMs !== undefined) return { rr: rrMs / 1000, hr: 60_000 / rrMs };
  if (heartRate !== undefined) return { rr: 60 / heartRate, hr: heartRate };
  throw new Error('heart rate or RR interval required'); // requires() asks first
}

function qtc(
  id: string,
  name: string,
  synonyms: readonly string[],
  formula: (qtMs: number, rrS: number, hr: number) => number,
  source: Source,
) {
  return defineCalculator({
    id,
    name,
    synonyms,
    category: 'cardiac',
    inputs: [QT, { ...HEART_RATE, optional: true }, RR],
    output: { label: 'QTc', unit: 'ms', decimals: 0 },
    requires: ({ heart_rate, rr_interval }) =>
      heart_rate === undefined && rr_interval === undefined ? ['heart_rate'] : [],
    conflicts: ({ heart_rate, rr_interval }) =>
      heart_rate !== undefined &&
      rr_interval !== undefined &&
      Math.abs(60_000 / heart_rate - rr_interval) / rr_interval > 0.05
        ? {
            inputs: ['heart_rate', 'rr_interval'],
            message: `A heart rate of ${heart_rate}/min means an RR interval of ${Math.round(60_000 / heart_rate)} ms, not ${rr_interval} ms: which is right?`,
          }
        : undefined,
    compute: ({ qt, heart_rate, rr_interval }) => {
      const { rr, hr } = rhythm(heart_rate, rr_interval);
      return formula(qt, rr, hr);
    },
    bands: QTC_BANDS,
    source,
    seeAlso: [RAUTAHARJU_2009],
  });
}

export const qtcBazett = qtc(
  'qtc-bazett',
  'QTc (Bazett)',
  ['qtc', 'corrected qt', 'bazett', 'qtc bazett', 'bazett qtc'],
  (qt, rr) => qt / Math.sqrt(rr),
  {
    citation:
      'Bazett HC. An analysis of the time-relations of electrocardiograms. Heart. 1920;7:353-370.',
    year: 1920,
  },
);

export const qtcFridericia = qtc(
  'qtc-fridericia',
  'QTc (Fridericia)',
  ['fridericia', 'fredericia', 'qtc fridericia', 'fridericia qtc', 'qtcf'],
  (qt, rr) => qt / Math.cbrt(rr),
  {
    citation:
      'Fridericia LS. Die Systolendauer im Elektrokardiogramm bei normalen Menschen und bei Herzkranken. Acta Med Scand. 1920;53:469-486.',
    year: 1920,
  },
);

export const qtcFramingham = qtc(
  'qtc-framingham',
  'QTc (Framingham)',
  ['framingham qtc', 'qtc framingham', 'framingham formula'],
  (qt, rr) => qt + 154 * (1 - rr),
  {
    citation:
      'Sagie A, Larson MG, Goldberg RJ, Bengtson JR, Levy D. An improved method for adjusting the QT interval for heart rate (the Framingham Heart Study). Am J Cardiol. 1992;70:797-801.',
    year: 1992,
    doi: '10.1016/0002-9149(92)90562-D',
  },
);

export const qtcHodges = qtc(
  'qtc-hodges',
  'QTc (Hodges)',
  ['qtc hodges', 'hodges qtc', 'hodges formula'],
  (qt, _rr, hr) => qt + 1.75 * (hr - 60),
  {
    citation:
      'Hodges M, Salerno D, Erlien D. Bazett’s QT correction reviewed: evidence that a linear QT correction for heart rate is better (abstract). J Am Coll Cardiol. 1983;1:694.',
    year: 1983,
  },
);

export const QTC = [qtcBazett, qtcFridericia, qtcFramingham, qtcHodges] as const;
