import { detectPhi } from '@voiceassist/phi';

const TITLE_CHARS = 60;
export const UNTITLED = 'Conversation';

/**
 * Words that only make sense beside an identifier ("Mrs", "DOB", "MRN 88213"): once the
 * identifier is gone they are noise, and a title made of them would hint at what was there.
 */
const ORPHANS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'dr',
  'dob',
  'd.o.b',
  'born',
  'mrn',
  'nhs',
  'ssn',
  'id',
  'patient',
  'pt',
  'name',
  'age',
  'aged',
  'tel',
  'phone',
  'email',
  'address',
]);

/**
 * A conversation's title from its first question: the topic, with every identifier the strict
 * detector finds removed (the one used for anything leaving the workstation) and the words that
 * pointed at them dropped. "Mrs Jane Doe (DOB 12/01/1948, MRN 88213): how is CKD treated?" →
 * "How is CKD treated?". Never the first words verbatim: identifiers come first in such notes.
 */
export function conversationTitle(question: string): string {
  const text = question.replace(/\s+/g, ' ').trim();
  let kept = '';
  let at = 0;
  for (const s of detectPhi(text)) {
    kept += `${text.slice(at, s.start)} `;
    at = s.end;
  }
  kept += text.slice(at);
  // Clauses that held only identifiers (now empty brackets, lone labels) go; the topic stays.
  const clauses = kept
    .replace(/[([{]\s*[^)\]}]*?[)\]}]/g, (m) => (/[a-z]{3,}/i.test(stripOrphans(m)) ? m : ' '))
    .split(/(?<=[.:;!?])\s+|\s+[-–—]\s+/)
    .map((c) => stripOrphans(c))
    .filter((c) => /[a-z]{2,}/i.test(c));
  // The question, when there is one, is the topic; else what is left.
  const topic = clauses.find((c) => /\?\s*$/.test(c)) ?? clauses.join(' ');
  const cleaned = topic
    .replace(/[([{]\s*[)\]}]/g, ' ')
    .replace(/\s+([,.;:?!])/g, '$1')
    .replace(/^[\s,.;:)\]}-]+|[\s,;:([{-]+$/g, '')
    .replace(/,{2,}/g, ',')
    .replace(/\s+/g, ' ')
    .trim();
  if (!/[a-z]{2,}/i.test(cleaned)) return UNTITLED;
  const short =
    cleaned.length <= TITLE_CHARS
      ? cleaned
      : `${cleaned.slice(0, TITLE_CHARS).replace(/\s+\S*$/, '')}…`;
  return short.charAt(0).toUpperCase() + short.slice(1);
}

function stripOrphans(clause: string): string {
  return clause
    .split(/\s+/)
    .filter(
      (w) =>
        !ORPHANS.has(
          w
            .toLowerCase()
            .replace(/[^a-z.]/g, '')
            .replace(/\.$/, ''),
        ),
    )
    .join(' ')
    .replace(/^[\s,;:]+/, '');
}
