/**
 * Word lists the detector consults, all derived at build time and loaded from the package
 * (src/lexicon-data.ts, resources/lexicon.json): SCOWL English words and proper nouns, the Hunspell
 * medical dictionary, SUBTLEX-US frequent words, first and last names of every @faker-js/faker
 * locale (Latin, Greek, Cyrillic and other scripts) and compromise's lexicon, cities, countries,
 * street suffixes. Plus small hand-written lists of clinical vocabulary and cue words.
 */
import { loadPacked, loadSet } from './lexicon-data.js';
import type { PackedWordSet, WordSet } from './word-set.js';

/**
 * The derived lists, built once per process on the first lookup (not at import: a process that
 * never scans text never pays for them) and shared by every caller — the engine's log redaction
 * and its egress guard alike.
 */
interface Lists {
  readonly firstNames: PackedWordSet;
  readonly lastNames: PackedWordSet;
  readonly common: PackedWordSet;
  readonly english: PackedWordSet;
  readonly medical: PackedWordSet;
  readonly proper: PackedWordSet;
  readonly verbish: PackedWordSet;
  /** Cities, multi-word ones included: CITIES answers for one-word entries only. */
  readonly cities: PackedWordSet;
  readonly multiWordCities: Map<string, (readonly string[])[]>;
  readonly demonyms: ReadonlySet<string>;
  readonly usStates: ReadonlySet<string>;
  readonly countries: ReadonlySet<string>;
  readonly regionPhrases: Map<string, (readonly string[])[]>;
  readonly streetSuffixes: ReadonlySet<string>;
}

let lists: Lists | undefined;

function lexicon(): Lists {
  return (lists ??= buildLists());
}

/** A lookup that builds the lists on first use. */
function lazySet(pick: (l: Lists) => WordSet): WordSet {
  return { has: (word) => pick(lexicon()).has(word) };
}

/** In SCOWL's large English list (lowercase entries: ordinary words, rare ones included). */
export function isDictionaryWord(lower: string): boolean {
  return lexicon().english.has(lower);
}

/** In the Hunspell medical dictionary: terms, drugs, eponyms, acronyms (any case). */
export function isMedicalWord(lower: string): boolean {
  return lexicon().medical.has(lower);
}

/** A demonym or language name ("Navajo", "Ashkenazi"): no person. */
export function isDemonym(lower: string): boolean {
  return lexicon().demonyms.has(lower);
}

/** A word compromise tags as a verb, adjective or adverb ("leave", "prolonged"). */
export function isVerbish(lower: string): boolean {
  return lexicon().verbish.has(lower);
}

export const FIRST_NAMES: WordSet = lazySet((l) => l.firstNames);
export const LAST_NAMES: WordSet = lazySet((l) => l.lastNames);

/** A frequent ordinary English word ("small", "heart", "will"): weak evidence of a name on its own. */
export function isCommonWord(lower: string): boolean {
  return lexicon().common.has(lower) || isClinicalWord(lower) || FUNCTION_WORDS.has(lower);
}

/** Ward names built on "cu"/"icu" ("pcu", "vicu", "sicu") and the clinical word list. */
export function isClinicalWord(lower: string): boolean {
  if (CLINICAL_WORDS.has(lower)) return true;
  // The regex only for words that can match it (it runs for almost every token otherwise).
  if (!lower.endsWith('cu') && lower.charCodeAt(0) !== 113 /* q */) return false;
  return /^[a-z]{0,3}i?cu$|^q\d+h?r?$/.test(lower);
}

/** In the name lists (any locale). */
export function isKnownName(lower: string): boolean {
  const l = lexicon();
  return l.firstNames.has(lower) || l.lastNames.has(lower);
}

export function isFirstName(lower: string): boolean {
  return lexicon().firstNames.has(lower);
}

export function isLastName(lower: string): boolean {
  return lexicon().lastNames.has(lower);
}

/** A first name of at least 3 letters that is no ordinary word: evidence without capitals. */
export function isCoreFirstName(lower: string): boolean {
  return lower.length >= 3 && lexicon().firstNames.has(lower) && !isCommonWord(lower);
}

/** Only ever written capitalised in SCOWL: a name, place or brand. */
export function isProperNoun(lower: string): boolean {
  return lexicon().proper.has(lower);
}

/** One-word city names (an entry that `split(/\s+/)` leaves whole). */
export const CITIES: WordSet = {
  has: (word) => !/\s/.test(word) && lexicon().cities.has(word),
};
/** Multi-word city names by their first lowercase token ("san" → [["san","francisco"], …]). */
export const MULTI_WORD_CITIES = {
  get: (first: string): readonly (readonly string[])[] | undefined =>
    lexicon().multiWordCities.get(first),
};

/** A US state name word or abbreviation: states are above the Safe Harbor threshold. */
export function isUsState(lower: string): boolean {
  return lexicon().usStates.has(lower);
}

/**
 * Multi-word states and countries by their first word ("new" → [["new","mexico"], …]): above
 * Safe Harbor's threshold, like their one-word peers.
 */
export const REGION_PHRASES = {
  get: (first: string): readonly (readonly string[])[] | undefined =>
    lexicon().regionPhrases.get(first),
};
/** Continents and world regions: far above Safe Harbor's threshold. */
const WORLD_REGIONS =
  `africa asia europe america americas antarctica oceania australasia scandinavia
  balkans caribbean midwest northeast northwest southeast southwest|north america|south america|
  central america|latin america|east asia|south asia|southeast asia|central asia|middle east|
  near east|far east|east africa|west africa|north africa|southern africa|sub-saharan africa|
  eastern europe|western europe|northern europe|southern europe|central europe|east coast|
  west coast|gulf coast|new england|pacific northwest|deep south|mid-atlantic|middle atlantic`
    .split('|')
    .flatMap((s) => (s.includes(' ') ? [s.trim()] : s.trim().split(/\s+/)));

/** Countries are above state level: Safe Harbor allows them, so the detector never redacts them. */
export function isCountry(lower: string): boolean {
  return lexicon().countries.has(lower);
}

/** Street suffixes written out here; the list's one-word entries join them (buildLists). */
const BASE_STREET_SUFFIXES: readonly string[] = [
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
];
export const STREET_SUFFIXES: WordSet = lazySet((l) => l.streetSuffixes);

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

function buildLists(): Lists {
  const cities = loadPacked('cities');
  const multiWordCities = new Map<string, (readonly string[])[]>();
  for (const c of cities) {
    const parts = c.split(/\s+/);
    const first = parts[0];
    if (parts.length === 1 || first === undefined) continue;
    const list = multiWordCities.get(first) ?? [];
    list.push(parts);
    multiWordCities.set(first, list);
  }

  const allStates = loadSet('usStates');
  const usStates = new Set([...allStates].filter((s) => !s.includes(' ')));
  // Only one-word country names: splitting "Holy See" would make "holy" and "see" countries.
  const allCountries = loadSet('countries');
  const countries = new Set([...allCountries].filter((c) => !/\s/.test(c)));
  for (const r of WORLD_REGIONS) if (!r.includes(' ')) countries.add(r);
  const regionPhrases = new Map<string, (readonly string[])[]>();
  for (const phrase of [...allStates, ...allCountries, ...WORLD_REGIONS]) {
    const parts = phrase.split(/\s+/);
    if (parts.length < 2 || parts[0] === undefined) continue;
    const list = regionPhrases.get(parts[0]) ?? [];
    list.push(parts);
    regionPhrases.set(parts[0], list);
  }

  const streetSuffixes = new Set(BASE_STREET_SUFFIXES);
  for (const w of loadSet('streetSuffixes')) if (!w.includes(' ')) streetSuffixes.add(w);

  return {
    firstNames: loadPacked('firstNames'),
    lastNames: loadPacked('lastNames'),
    common: loadPacked('common'),
    english: loadPacked('english'),
    medical: loadPacked('medical'),
    proper: loadPacked('proper'),
    verbish: loadPacked('verbish'),
    cities,
    multiWordCities,
    demonyms: loadSet('demonyms'),
    usStates,
    countries,
    regionPhrases,
    streetSuffixes,
  };
}
