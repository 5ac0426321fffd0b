import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SHARED_DATA } from './gateway-fixture.js';

/** A few MedQuAD documents (High Blood Pressure and neighbours) written as Markdown files. */
export const MEDQUAD_IDS = [
  'NHLBI_0000071_Sec1',
  'NHLBI_0000071_Sec3',
  'NHLBI_0000071_Sec5',
  'MPlusHealthTopics_0000107_Sec1',
  'NIDDK_0000150_Sec1',
  'CDC_0000001_Sec5',
] as const;

export async function writeMedquadDocs(
  dir: string,
  ids: readonly string[] = MEDQUAD_IDS,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const wanted = new Set(ids);
  const lines = readFileSync(path.join(SHARED_DATA, 'medquad', 'docs.jsonl'), 'utf8').split('\n');
  for (const line of lines) {
    if (line.trim() === '') continue;
    const doc = JSON.parse(line) as { id: string; title: string; text: string };
    if (!wanted.has(doc.id)) continue;
    await writeFile(path.join(dir, `${doc.id}.md`), `# ${doc.title}\n\n${doc.text}\n`);
  }
  return dir;
}
