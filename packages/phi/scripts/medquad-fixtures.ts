/**
 * Writes the two MedQuAD shares committed as fixtures, from ../shared/data/medquad/docs.jsonl:
 * a passage's share is the first four bytes of SHA-256(id), big-endian, mod 5 —
 * 0 or 1 → eval/fixtures/medquad-train.jsonl (the tagger's negatives),
 * 2 → eval/fixtures/medquad-test.jsonl (never trained or tuned on: CI's clinical-terms check),
 * 3 or 4 → left in ../shared only (`npm run eval:phi` scores them together with share 2).
 *
 *   npx tsx packages/phi/scripts/medquad-fixtures.ts
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, SHARED_DATA } from '../train/corpus.js';

const SOURCE = path.join(SHARED_DATA, 'medquad', 'docs.jsonl');

export function medquadShare(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % 5;
}

if (!existsSync(SOURCE)) {
  console.error(`${SOURCE} is absent: the MedQuAD fixtures cannot be rebuilt without ../shared.`);
  process.exit(1);
}
const lines = readFileSync(SOURCE, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');
const keep = (l: string): string => {
  const d = JSON.parse(l) as { id: string; title: string; text: string; source_url: string };
  return JSON.stringify({ id: d.id, title: d.title, text: d.text, source_url: d.source_url });
};
const share = (l: string): number => medquadShare((JSON.parse(l) as { id: string }).id);
const train = lines.filter((l) => share(l) < 2);
const test = lines.filter((l) => share(l) === 2);
writeFileSync(path.join(FIXTURES, 'medquad-test.jsonl'), `${test.map(keep).join('\n')}\n`);
console.log(`medquad-train would hold ${train.length} passages (committed; not rewritten)`);
console.log(`wrote medquad-test.jsonl: ${test.length} passages`);
