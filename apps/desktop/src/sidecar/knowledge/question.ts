import { contentTerms, stem, words } from './terms.js';

/**
 * What a question asks for. The types follow MedQuAD's question types (NLM), which cover what
 * clinicians and patients ask of reference text; `other` when no cue is found.
 */
export type QuestionType =
  | 'dose'
  | 'symptoms'
  | 'diagnosis'
  | 'prevention'
  | 'inheritance'
  | 'genetics'
  | 'frequency'
  | 'complications'
  | 'prognosis'
  | 'cause'
  | 'stages'
  | 'treatment'
  | 'research'
  | 'definition'
  | 'other';

/**
 * Cue patterns on the lower-cased question, in priority order: the first that matches decides
 * ("What is the outlook for…" is prognosis, not definition; "dosing" is dose, not treatment).
 */
const QUESTION_CUES: readonly (readonly [QuestionType, RegExp])[] = [
  ['dose', /\b(doses?|dosing|dosage|how much|mg|milligrams?|titrat\w*|max(imum)? daily)\b/],
  ['symptoms', /\b(symptoms?|signs?|presentation|manifest\w*|feel like|look like)\b/],
  [
    'diagnosis',
    /\b(diagnos\w*|tests?|testing|tested|exams?|examination|screen\w*|detect\w*|work-?up|how (do|can|would) (i|you|we) (know|tell|find out))\b/,
  ],
  ['prevention', /\b(prevent\w*|avoid\w*|protect\w*|reduce (the |my )?risk)\b/],
  ['inheritance', /\b(inherit\w*|hereditary|passed (down|on)|run in (the )?famil\w*)\b/],
  ['genetics', /\b(genetic\w*|genes?|mutations?|chromosom\w*|dna)\b/],
  ['frequency', /\b(how (many|common)|prevalen\w*|incidence|frequen\w*|how often)\b/],
  ['complications', /\bcomplications?\b/],
  [
    'prognosis',
    /\b(outlook|prognos\w*|life expectancy|surviv\w*|fatal|deadly|die|death|go away|recover\w*)\b/,
  ],
  ['cause', /\b(caus\w*|why|risk factors?|etiolog\w*|what makes|triggers?|at risk|susceptib\w*)\b/],
  ['stages', /\b(stages?|staging|grades?)\b/],
  [
    'treatment',
    /\b(treat\w*|therap\w*|manag\w*|cures?|cured|medications?|medicines?|drugs?|surgery|remed\w*|what to do|help with)\b/,
  ],
  ['research', /\b(research|clinical trials?|studies)\b/],
  [
    'definition',
    /^(what|who)('s| is| are)\b|\b(mean(s|ing)?|defin\w*|what is|what are|tell me about|overview|explain)\b/,
  ],
];

/**
 * Words that name the question's type or are question glue, never its topic: "symptoms",
 * "treated", "people", "affected"… (stemmed like contentTerms). What is left names the topic.
 */
const QUESTION_WORDS = new Set(
  contentTerms(
    `symptom symptoms sign signs treatment treatments treat treated treating therapy therapies
    manage managed management dose doses dosing dosage cause causes caused diagnose diagnosed
    diagnosis test tests testing exam exams outlook prognosis inherited inheritance inherit genetic
    genetics gene genes change changes related affected affect people many common prevent
    prevention risk research trials clinical stage stages complications option options cure cured
    medication medications medicine medicines drug drugs happen happens mean means definition
    defined information prevalence incidence frequency often always usually normal possible
    lead leads help way ways best good new kind kinds type types much long patient patients
    person someone adult adults child children doctor get getting have having know used use uses
    using work works working take takes taking taken given give gives need needed safe ok okay
    usual usually start started stop stopped`,
  ),
);

export interface QuestionAnalysis {
  readonly type: QuestionType;
  /** Stemmed content terms of the topic (the condition, drug or procedure asked about). */
  readonly topicTerms: readonly string[];
  /** Every stemmed content term of the question. */
  readonly terms: readonly string[];
}

export function questionType(question: string): QuestionType {
  const q = question.toLowerCase().replace(/\s+/g, ' ').trim();
  for (const [type, cue] of QUESTION_CUES) if (cue.test(q)) return type;
  return 'other';
}

/**
 * Content terms of a question, keeping a stopword written with a capital inside the question: it
 * is then part of a name ("Down syndrome", "Still disease"), not glue.
 */
export function questionTerms(question: string): string[] {
  const out: string[] = [];
  for (const w of words(question)) {
    const named = w.start > 0 && /^\p{Lu}/u.test(question.slice(w.start, w.end));
    const [term] = named ? [stem(w.word)] : contentTerms(w.word);
    if (term !== undefined && !out.includes(term)) out.push(term);
  }
  return out;
}

export function analyzeQuestion(question: string): QuestionAnalysis {
  const terms = questionTerms(question);
  const topicTerms = terms.filter((t) => !QUESTION_WORDS.has(t));
  return { type: questionType(question), topicTerms, terms };
}

/**
 * Words in a sentence that show it speaks to a question type ("may include", "treated with",
 * "inherited in an autosomal…"). Matched on the lower-cased sentence.
 */
export const ANSWER_CUES: Readonly<Record<Exclude<QuestionType, 'other'>, RegExp>> = {
  dose: /\b(\d+(\.\d+)?\s?(mg|mcg|µg|g|ml|units?|iu)\b|doses?|dosing|dosage|daily|twice|once a day|per day|maximum|max\b|titrat\w*|egfr|creatinine clearance|renal (function|impairment)|contraindicat\w*|reduce the dose)/,
  symptoms:
    /\b(symptoms?|signs?|include[sd]?|including|such as|experience|feel\w*|pain\w*|fever|fatigue|swelling|loss of|difficulty|problems? with|appear\w*|develop\w*|features?|characteri[sz]ed)\b/,
  diagnosis:
    /\b(diagnos\w*|tests?|testing|exam\w*|screen\w*|biops\w*|scans?|imaging|x-rays?|mri|ct|blood tests?|measur\w*|detect\w*|confirm\w*|evaluat\w*)\b/,
  prevention:
    /\b(prevent\w*|avoid\w*|reduc\w* (the |your )?risk|vaccin\w*|protect\w*|lower (the |your )?(risk|chance)|healthy)\b/,
  inheritance:
    /\b(inherit\w*|autosomal|dominant|recessive|x-linked|pattern|copies|copy of|parents?|familial|de novo|sporadic|run in)\b/,
  genetics:
    /\b(mutations?|genes?|genetic|proteins?|chromosom\w*|variants?|deletions?|enzymes?|instructions for making)\b/,
  frequency:
    /\b(affects?|affected|prevalen\w*|incidence|estimated|per \d|\d+ in \d+|of every|common|rare|reported|worldwide|million|percent|%)\b/,
  complications: /\b(complications?|lead to|leads to|result in|can cause|risk of|damage)\b/,
  prognosis:
    /\b(outlook|prognos\w*|surviv\w*|life expectancy|fatal|die|death|recover\w*|improv\w*|progress\w*|cured?|resolve\w*|go away|normal life)\b/,
  cause:
    /\b(caus\w*|due to|result\w* (from|of)|mutations?|risk factors?|triggers?|because|leads? to|associated with|responsible)\b/,
  stages: /\b(stages?|staging|grades?|spread|advanced|early|tnm)\b/,
  treatment:
    /\b(treat\w*|therap\w*|medications?|medicines?|drugs?|surgery|surgical|manag\w*|prescri\w*|transplant\w*|dialysis|rehabilitation|options?|relie\w*|control\w*|lower\w*|removal|antibiotics?|insulin)\b/,
  research: /\b(research\w*|trials?|stud(y|ies)|investigat\w*|scientists?|funded)\b/,
  definition:
    /\b(is an?|are an?|refers? to|means?|is the|are the|is when|occurs when|conditions?|disorders?|diseases?|characteri[sz]ed|type of|group of)\b/,
};

/**
 * The type of a passage's section from its heading or title tail ("Glaucoma -- symptoms",
 * "Dosage and administration", "Overview"), or undefined when it names none.
 */
export function sectionType(title: string, heading: string): QuestionType | undefined {
  const tail = (s: string): string => {
    const parts = s.split(/\s+(?:--|—|–)\s+|:\s+|\s›\s/);
    return parts.length > 1 ? (parts.at(-1) ?? '') : '';
  };
  for (const text of [heading.split(' › ').at(-1) ?? '', tail(title)]) {
    const s = text.toLowerCase().trim();
    if (!s) continue;
    if (/\b(information|overview|summary|about|what is|description|introduction)\b/.test(s))
      return 'definition';
    if (/\b(considerations|what to do)\b/.test(s)) return 'treatment';
    if (/\b(outlook)\b/.test(s)) return 'prognosis';
    if (/\bgenetic changes\b/.test(s)) return 'genetics';
    if (/\b(susceptibility)\b/.test(s)) return 'cause';
    const t = questionType(s);
    if (t !== 'other') return t;
  }
  return undefined;
}

/**
 * The condition a passage is about: its document title without a section tail ("Glaucoma --
 * symptoms" → "Glaucoma"), as stemmed content terms.
 */
export function focusTerms(title: string): string[] {
  const head = title.split(/\s+(?:--|—|–)\s+/)[0] ?? title;
  return [...new Set(contentTerms(head))].filter((t) => !QUESTION_WORDS.has(t));
}

export const focusName = (title: string): string =>
  (title.split(/\s+(?:--|—|–)\s+/)[0] ?? title).trim();
