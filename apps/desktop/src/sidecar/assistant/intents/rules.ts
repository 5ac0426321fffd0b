import { matchCalculator } from '../../calculators/index.js';
import type { OpenableView, Route } from './types.js';

/** Lower case, apostrophes dropped, punctuation as spaces, one space between words. */
export function normalizeTurn(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9./]+/g, ' ')
    .replace(/[./]+(\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const POLITE = String.raw`(?:(?:ok(?:ay)?|hey|please|now|assistant|voiceassist|just|can you|could you|would you)\s+)*`;
const TAIL = String.raw`(?:\s+(?:please|now|thanks|thank you|for me|right now|talking|speaking|it|that|this))*`;

/** Short turns that are the whole command; longer sentences with these words are questions. */
const STOP = new RegExp(
  String.raw`^${POLITE}(?:stop|cancel|quiet|be quiet|silence|hush|shut up|enough|never ?mind|stop it|pause|hold on|that is enough|thats enough)${TAIL}$`,
);
const REPEAT = new RegExp(
  String.raw`^${POLITE}(?:repeat|say (?:that|it) again|come again|pardon|sorry what|what did you (?:just )?say|once more|again|repeat (?:that|the (?:last )?answer|yourself|the result))${TAIL}$`,
);

const VIEW_WORDS: readonly (readonly [RegExp, OpenableView])[] = [
  [/^(?:the )?(?:knowledge(?: base| store| view)?|documents?|library|guidelines)$/, 'knowledge'],
  [/^(?:the )?calc(?:ulators?)?(?: view)?$/, 'calculators'],
  [/^(?:the |my )?(?:calendar|schedule|agenda)(?: view)?$/, 'calendar'],
  [/^(?:the |my )?files?(?: view)?$/, 'files'],
  [/^(?:the )?(?:diagnostics|health|status)(?: view| page)?$/, 'diagnostics'],
  [/^(?:the )?(?:settings|preferences|options)(?: view| page)?$/, 'settings'],
  [/^(?:the )?(?:ask|conversation|chat)(?: view| page)?$/, 'ask'],
];
const OPEN = new RegExp(
  String.raw`^${POLITE}(?:open|show(?: me)?|go to|switch to|take me to|bring up|navigate to)\s+(.+?)${TAIL}$`,
);

/** A stop, repeat or open-view command, when the whole turn is one. */
export function commandRule(normalized: string): Route | undefined {
  if (STOP.test(normalized)) return { intent: 'command', via: 'rule', score: 1, command: 'stop' };
  if (REPEAT.test(normalized))
    return { intent: 'command', via: 'rule', score: 1, command: 'repeat' };
  const open = OPEN.exec(normalized);
  if (open?.[1]) {
    for (const [words, view] of VIEW_WORDS)
      if (words.test(open[1]))
        return { intent: 'command', via: 'rule', score: 1, command: 'open', view };
  }
  return undefined;
}

/** Asking about a score (what it is, when to use it) rather than asking to run it. */
const ABOUT_A_SCORE =
  /^(?:what (?:is|are|does)|whats|explain|tell me about|how (?:is|are|do|does) .* (?:calculated|computed|interpreted|used|work)|when (?:should|do|to)|why|who (?:developed|created)|is the .* (?:validated|reliable|better)|what .* (?:mean|means|measure|measures|include|includes|components|criteria))\b/;
const RUN_WORDS =
  /\b(?:calculate|calc|compute|work out|figure out|run|score (?:for|of|him|her|this|the patient)|for (?:a|an|this|my|the) (?:\d|patient|man|woman|male|female|boy|girl|child|\w+ year)|\d)/;

/**
 * A named calculator with something to compute: numbers, "calculate", "for this patient". A
 * calculator named in a question about it ("what is the HEART score?") is a knowledge question.
 */
export function calculatorRule(text: string, normalized: string): Route | undefined {
  const match = matchCalculator(text);
  if (match.kind === 'none') return undefined;
  const runs = RUN_WORDS.test(normalized);
  if (ABOUT_A_SCORE.test(normalized) && !/\d/.test(normalized)) return undefined;
  if (!runs && ABOUT_A_SCORE.test(normalized)) return undefined;
  return {
    intent: 'calculator',
    via: 'rule',
    score: 1,
    ...(match.kind === 'one' ? { calculatorId: match.id } : {}),
  };
}

const CALENDAR =
  /\b(?:calendar|my schedule|agenda|appointments?|book (?:a|an|the)|reschedule|schedule (?:a|an|the|me|him|her|follow)|move (?:my|the) (?:\d|\w+ )?(?:meeting|appointment|clinic)|whats on (?:my|the)|am i free|free slot|meetings? (?:today|tomorrow|on|at|with)|(?:cancel|add|set up|put) (?:a |an |my |the )?(?:meeting|appointment|follow ?up|visit|reminder)|(?:move|push|shift) (?:my|the) \d{1,2}(?: ?\d\d)? ?(?:am|pm|oclock)? to|(?:move|push|shift|cancel) (?:my |the |todays |tomorrows )(?:\w+ ){0,3}(?:meeting|appointment|review|call|clinic|session|rounds?|huddle|visit|conference))\b/;
const DICTATION =
  /\b(?:dictat(?:e|ion|ing)|take (?:a|this|down (?:a|this)?) ?(?:note|memo|letter)|start (?:a |my )?(?:note|letter|memo)|(?:write|draft) (?:a |the |this )?(?:note|letter|referral|memo|discharge summary|progress note|soap note)|(?:new|begin) (?:a )?(?:note|letter|memo)|(?:add|append) (?:this |that )?to (?:the |my )?(?:note|letter|chart))\b/;
const FILES =
  /\b(?:(?:find|open|search|show|look for|locate|where is|wheres|pull up) (?:the |my |our |a |that )?(?:\w+ ){0,4}(?:file|files|folder|pdf|spreadsheet|document i|scan|attachment|shared drive|nextcloud)|(?:in|on) (?:my|our|the clinic|the shared) (?:files|folder|drive|nextcloud)|(?:upload|share|save) (?:this|that|the|a) (?:\w+ )?(?:file|pdf|document))\b/;

/** Calendar, dictation and file requests with unmistakable wording. */
export function keywordRule(normalized: string): Route | undefined {
  if (DICTATION.test(normalized)) return { intent: 'dictation', via: 'rule', score: 1 };
  if (CALENDAR.test(normalized)) return { intent: 'calendar', via: 'rule', score: 1 };
  if (FILES.test(normalized)) return { intent: 'files', via: 'rule', score: 1 };
  return undefined;
}
