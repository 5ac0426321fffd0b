import { writeMedquadMarkdown } from '../data.js';

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
  await writeMedquadMarkdown(dir, ids);
  return dir;
}
