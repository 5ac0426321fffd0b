import { Type, type Static } from 'typebox';

/**
 * Schemas of the Calculators view's calls (`calc.*` in contract.ts): the catalogue, running a
 * calculator on the form's inputs (the formula runs in the engine, never in the renderer), reading
 * a typed or spoken request into the form, and the history kept in the encrypted store.
 */

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' });
const Name = Type.String({ minLength: 1, maxLength: 64 });
const Label = Type.String({ maxLength: 200 });
const Unit = Type.String({ maxLength: 32 });
const Code = Type.String({ maxLength: 64 });
const Message = Type.String({ maxLength: 1024 });

export const Provenance = Type.Union([
  Type.Literal('typed'),
  Type.Literal('spoken'),
  Type.Literal('conversation'),
  Type.Literal('llm'),
  Type.Literal('default'),
]);
export type ProvenanceDto = Static<typeof Provenance>;

export const CalcInputDef = Type.Object(
  {
    name: Name,
    label: Label,
    kind: Type.Union([Type.Literal('number'), Type.Literal('boolean'), Type.Literal('choice')]),
    /** Canonical unit first; empty for unit-less numbers. */
    units: Type.Array(Unit, { maxItems: 16 }),
    range: Type.Union([Type.Tuple([Type.Number(), Type.Number()]), Type.Null()]),
    options: Type.Array(
      Type.Object({ value: Name, label: Label }, { additionalProperties: false }),
      {
        maxItems: 32,
      },
    ),
    optional: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type CalcInputDef = Static<typeof CalcInputDef>;

export const CalcSummaryDto = Type.Object(
  {
    id: Id,
    name: Label,
    category: Label,
    inputs: Type.Array(CalcInputDef, { maxItems: 64 }),
    source: Message,
    year: Type.Integer(),
  },
  { additionalProperties: false },
);
export type CalcSummaryDto = Static<typeof CalcSummaryDto>;

export const RawInputDto = Type.Object(
  {
    value: Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 64 })]),
    unit: Type.Optional(Unit),
    provenance: Provenance,
  },
  { additionalProperties: false },
);
export type RawInputDto = Static<typeof RawInputDto>;

const Inputs = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), RawInputDto, {
  maxProperties: 64,
});

export const CalcRunInput = Type.Object(
  { calculatorId: Id, inputs: Inputs },
  { additionalProperties: false },
);
export type CalcRunInput = Static<typeof CalcRunInput>;

export const ResolvedInputDto = Type.Object(
  {
    name: Name,
    label: Label,
    value: Type.Union([Type.Number(), Type.Boolean(), Type.String({ maxLength: 64 })]),
    unit: Unit,
    given: Type.Optional(
      Type.Object({ value: Type.Number(), unit: Unit }, { additionalProperties: false }),
    ),
    unitAssumed: Type.Boolean(),
    provenance: Provenance,
  },
  { additionalProperties: false },
);
export type ResolvedInputDto = Static<typeof ResolvedInputDto>;

export const CalcResultDto = Type.Object(
  {
    calculatorId: Id,
    name: Label,
    value: Type.Number(),
    display: Type.String({ maxLength: 32 }),
    unit: Unit,
    interpretation: Message,
    source: Message,
    /** What the assistant says for it (value, band, source). */
    spoken: Type.String({ maxLength: 2048 }),
    inputs: Type.Array(ResolvedInputDto, { maxItems: 64 }),
  },
  { additionalProperties: false },
);
export type CalcResultDto = Static<typeof CalcResultDto>;

export const CalcQuestionDto = Type.Object(
  {
    code: Code,
    input: Name,
    text: Message,
    options: Type.Optional(Type.Array(Label, { maxItems: 16 })),
  },
  { additionalProperties: false },
);

export const CalcEvaluationDto = Type.Union([
  Type.Object(
    {
      status: Type.Literal('ok'),
      result: CalcResultDto,
      /** Its row in the history; absent when the engine has no profile to keep it in. */
      historyId: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      status: Type.Literal('needs-input'),
      questions: Type.Array(CalcQuestionDto, { maxItems: 64 }),
      prompt: Message,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      status: Type.Literal('error'),
      error: Type.Object(
        { code: Code, message: Message, input: Type.Optional(Name) },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);
export type CalcEvaluationDto = Static<typeof CalcEvaluationDto>;

export const CalcParseInput = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 2000 }),
    said: Type.Union([Type.Literal('typed'), Type.Literal('spoken')]),
  },
  { additionalProperties: false },
);

/** A request read from words: which calculator and the inputs heard, for the form. */
export const CalcParseOutput = Type.Union([
  Type.Object(
    { kind: Type.Literal('request'), calculatorId: Id, inputs: Inputs },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('which-calculator'),
      question: Message,
      ids: Type.Array(Id, { maxItems: 8 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('no-calculator') }, { additionalProperties: false }),
]);
export type CalcParseOutput = Static<typeof CalcParseOutput>;

export const CalcHistoryEntryDto = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    at: Type.String({ maxLength: 40 }),
    result: CalcResultDto,
  },
  { additionalProperties: false },
);
export type CalcHistoryEntryDto = Static<typeof CalcHistoryEntryDto>;

export const CalcHistoryInput = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
  { additionalProperties: false },
);
