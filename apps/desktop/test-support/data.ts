import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The openly licensed fixtures committed under test-support/data (README.md there says what they
 * are and their licences): tests read these, never ../shared.
 */
export const TEST_DATA_DIR = path.join(import.meta.dirname, 'data');
export const SPEECH_DIR = path.join(TEST_DATA_DIR, 'speech');
export const MEDQUAD_DIR = path.join(TEST_DATA_DIR, 'medquad');
export const JFK_WAV = path.join(SPEECH_DIR, 'jfk.wav');
export const JFK_TRANSCRIPT_FILE = path.join(SPEECH_DIR, 'parakeet-expected-jfk-output.txt');

export interface MedquadDoc {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly source_url: string;
}

export interface MedquadQuestion {
  readonly id: string;
  readonly question: string;
  readonly gold_doc_ids: readonly string[];
  readonly source: string;
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export const readMedquadDocs = (): MedquadDoc[] =>
  readJsonl<MedquadDoc>(path.join(MEDQUAD_DIR, 'docs.jsonl'));

export const readMedquadQuestions = (): MedquadQuestion[] =>
  readJsonl<MedquadQuestion>(path.join(MEDQUAD_DIR, 'questions.jsonl'));

/** Writes the documents `ids` (in that order) as Markdown files `<id>.md` into `dir`. */
export async function writeMedquadMarkdown(dir: string, ids: readonly string[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const byId = new Map(readMedquadDocs().map((d) => [d.id, d]));
  const files: string[] = [];
  for (const id of ids) {
    const doc = byId.get(id);
    if (!doc) throw new Error(`MedQuAD document ${id} is not in test-support/data/medquad`);
    const file = path.join(dir, `${id}.md`);
    await writeFile(file, `# ${doc.title}\n\n${doc.text}\n`);
    files.push(file);
  }
  return files;
}
