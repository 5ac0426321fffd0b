import { defineCalculator, type Source } from '../types.js';
import { adjustedBw, devineIbw, HEIGHT, SEX, WEIGHT } from './common.js';

export const bmi = defineCalculator({
  id: 'bmi',
  name: 'Body mass index',
  synonyms: ['bmi', 'body mass index', 'quetelet index'],
  category: 'body',
  inputs: [WEIGHT, HEIGHT],
  output: { label: 'BMI', unit: 'kg/m²', decimals: 1 },
  compute: ({ weight, height }) => weight / (height / 100) ** 2,
  bands: [
    { below: 18.5, text: 'Underweight (WHO adult classification)' },
    { below: 25, text: 'Normal weight (WHO adult classification)' },
    { below: 30, text: 'Overweight (pre-obese) (WHO adult classification)' },
    { below: 35, text: 'Obesity class I (WHO adult classification)' },
    { below: 40, text: 'Obesity class II (WHO adult classification)' },
    { text: 'Obesity class III (WHO adult classification)' },
  ],
  source: {
    citation:
      'World Health Organization. Obesity: preventing and managing the global epidemic. WHO Technical Report Series 894. Geneva: WHO; 2000.',
    year: 2000,
  },
  notes: 'Adult categories; children need BMI-for-age percentiles.',
});

const BSA_BANDS = [{ text: 'Body surface area; typical adult values are 1.6–2.0 m².' }] as const;

function bsa(
  id: string,
  name: string,
  synonyms: readonly string[],
  formula: (heightCm: number, weightKg: number) => number,
  source: Source,
) {
  return defineCalculator({
    id,
    name,
    synonyms,
    category: 'body',
    inputs: [WEIGHT, HEIGHT],
    output: { label: 'Body surface area', unit: 'm²', decimals: 2 },
    compute: ({ weight, height }) => formula(height, weight),
    bands: BSA_BANDS,
    source,
  });
}

export const bsaMosteller = bsa(
  'bsa-mosteller',
  'Body surface area (Mosteller)',
  ['bsa', 'body surface area', 'mosteller', 'bsa mosteller', 'mosteller bsa'],
  (h, w) => Math.sqrt((h * w) / 3600),
  {
    citation:
      'Mosteller RD. Simplified calculation of body-surface area. N Engl J Med. 1987;317:1098.',
    year: 1987,
    doi: '10.1056/NEJM198710223171717',
  },
);

export const bsaDuBois = bsa(
  'bsa-dubois',
  'Body surface area (Du Bois)',
  ['bsa dubois', 'dubois bsa', 'du bois bsa', 'bsa du bois', 'dubois formula', 'du bois formula'],
  (h, w) => 0.007184 * w ** 0.425 * h ** 0.725,
  {
    citation:
      'Du Bois D, Du Bois EF. A formula to estimate the approximate surface area if height and weight be known. Arch Intern Med. 1916;17:863-871.',
    year: 1916,
  },
);

export const bsaHaycock = bsa(
  'bsa-haycock',
  'Body surface area (Haycock)',
  ['bsa haycock', 'haycock bsa', 'haycock formula'],
  (h, w) => 0.024265 * w ** 0.5378 * h ** 0.3964,
  {
    citation:
      'Haycock GB, Schwartz GJ, Wisotsky DH. Geometric method for measuring body surface area: a height-weight formula validated in infants, children, and adults. J Pediatr. 1978;93:62-66.',
    year: 1978,
  },
);

export const bsaGehanGeorge = bsa(
  'bsa-gehan-george',
  'Body surface area (Gehan and George)',
  ['gehan george', 'gehan and george', 'bsa gehan george'],
  (h, w) => 0.0235 * w ** 0.51456 * h ** 0.42246,
  {
    citation:
      'Gehan EA, George SL. Estimation of human body surface area from height and weight. Cancer Chemother Rep. 1970;54:225-235.',
    year: 1970,
  },
);

export const bsaBoyd = bsa(
  'bsa-boyd',
  'Body surface area (Boyd)',
  ['bsa boyd', 'boyd bsa', 'boyd formula'],
  // Boyd's exponent uses weight in grams.
  (h, w) => 0.0003207 * h ** 0.3 * (w * 1000) ** (0.7285 - 0.0188 * Math.log10(w * 1000)),
  {
    citation:
      'Boyd E. The Growth of the Surface Area of the Human Body. Minneapolis: University of Minnesota Press; 1935.',
    year: 1935,
  },
);

export const bsaFujimoto = bsa(
  'bsa-fujimoto',
  'Body surface area (Fujimoto)',
  ['bsa fujimoto', 'fujimoto bsa', 'fujimoto formula'],
  (h, w) => 0.008883 * w ** 0.444 * h ** 0.663,
  {
    citation:
      'Fujimoto S, Watanabe T, Sakamoto A, et al. Studies on the physical surface area of Japanese. 18. Calculation formulas in three stages over all ages. Nihon Eiseigaku Zasshi. 1968;23:443-450.',
    year: 1968,
  },
);

const DEVINE: Source = {
  citation: 'Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm. 1974;8:650-655.',
  year: 1974,
};

const ADULT_HEIGHT = { ...HEIGHT, range: [120, 250] } as const;

export const idealBodyWeight = defineCalculator({
  id: 'ideal-body-weight',
  name: 'Ideal body weight (Devine)',
  synonyms: ['ideal body weight', 'ibw', 'ideal weight', 'devine formula'],
  category: 'body',
  inputs: [SEX, ADULT_HEIGHT],
  output: { label: 'Ideal body weight', unit: 'kg', decimals: 1 },
  compute: ({ sex, height }) => devineIbw(sex, height),
  bands: [
    {
      text: 'Ideal body weight for dosing (Devine): 50 kg (men) or 45.5 kg (women) + 2.3 kg per inch over 5 ft.',
    },
  ],
  source: DEVINE,
  notes: 'Heights under 5 ft extrapolate the formula below its intended range.',
});

export const adjustedBodyWeight = defineCalculator({
  id: 'adjusted-body-weight',
  name: 'Adjusted body weight',
  synonyms: ['adjusted body weight', 'adjusted weight', 'abw', 'dosing weight'],
  category: 'body',
  inputs: [SEX, ADULT_HEIGHT, WEIGHT],
  output: { label: 'Adjusted body weight', unit: 'kg', decimals: 1 },
  compute: ({ sex, height, weight }) => adjustedBw(devineIbw(sex, height), weight),
  details: ({ sex, height }) => ({
    ideal_body_weight_kg: Math.round(devineIbw(sex, height) * 10) / 10,
  }),
  interpret: (_value, { sex, height, weight }) =>
    weight > devineIbw(sex, height) * 1.2
      ? 'Actual weight is more than 120 % of ideal: adjusted weight is the usual dosing weight for drugs such as aminoglycosides.'
      : 'Actual weight is within 120 % of ideal: adjusted weight is usually not needed; dose on actual or ideal weight.',
  source: {
    citation:
      'Traynor AM, Nafziger AN, Bertino JS Jr. Aminoglycoside dosing weight correction factors for patients of various body sizes. Antimicrob Agents Chemother. 1995;39:545-548.',
    year: 1995,
    doi: '10.1128/AAC.39.2.545',
  },
  seeAlso: [DEVINE],
  notes: 'Adjusted weight = IBW + 0.4 × (actual − IBW), IBW by Devine.',
});

export const BODY = [
  bmi,
  bsaMosteller,
  bsaDuBois,
  bsaHaycock,
  bsaGehanGeorge,
  bsaBoyd,
  bsaFujimoto,
  idealBodyWeight,
  adjustedBodyWeight,
] as const;
