import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { definedBefore, spellOut } from './acronyms.js';
import { HashingEmbedder } from './hashing-embedder.js';
import { KnowledgeBase } from './kb.js';

describe('abbreviations the sources define', () => {
  it('finds the long form whose initials spell the abbreviation, small words allowed between', () => {
    expect(definedBefore('Chronic kidney disease', 'CKD')).toBe('Chronic kidney disease');
    expect(definedBefore('people with chronic obstructive pulmonary disease', 'COPD')).toBe(
      'chronic obstructive pulmonary disease',
    );
    expect(definedBefore('the Centers for Disease Control', 'CDC')).toBe(
      'Centers for Disease Control',
    );
    expect(definedBefore('something else entirely', 'CKD')).toBeUndefined();
  });

  it('spells out a question’s abbreviations as the given texts define them', () => {
    const texts = ['Chronic kidney disease (CKD) means that your kidneys are damaged.'];
    expect(spellOut('How is CKD treated?', texts)).toBe('How is Chronic kidney disease treated?');
    expect(spellOut('How is COPD treated?', texts)).toBe('How is COPD treated?');
  });
});

describe('search with an abbreviation the titles never use', () => {
  it('ranks the documents about the spelled-out condition above pages that only share a common title word', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-abbr-'));
    const kb = KnowledgeBase.open({
      file: path.join(dir, 'knowledge.db'),
      key: Buffer.alloc(32, 5),
      embedder: new HashingEmbedder(),
    });
    try {
      await fs.mkdir(path.join(dir, 'docs'));
      const docs: Record<string, string> = {
        'ckd.md':
          '# Chronic Kidney Disease\n\nChronic kidney disease (CKD) means that your kidneys are damaged. Treatment may include medicines to lower blood pressure.\n',
        'ckd-diet.md':
          '# Nutrition for Chronic Kidney Disease\n\nPeople with chronic kidney disease should eat moderate amounts of protein.\n',
        'lung.md':
          '# Lung Cancer -- stages\n\nStage 3 lung cancer has spread to lymph nodes. Stage 1 has not spread.\n',
        'lip.md': '# Lip Cancer -- stages\n\nIn stage 3 the tumour is larger than 4 centimetres.\n',
        'colon.md':
          '# Colon Cancer -- stages\n\nStage 3 colon cancer has reached nearby lymph nodes.\n',
      };
      for (const [name, text] of Object.entries(docs))
        await fs.writeFile(path.join(dir, 'docs', name), text);
      await kb.ingest([path.join(dir, 'docs')]);
      const top2 = async (expand: boolean) =>
        (await kb.search('CKD stage 3', { k: 2, mode: 'bm25', expandAbbreviations: expand })).hits
          .map((h) => h.title)
          .sort();
      // Without spelling out, a page about CKD that never writes "CKD" loses to cancer staging.
      expect(await top2(false)).toContain('Chronic Kidney Disease');
      expect(await top2(false)).not.toContain('Nutrition for Chronic Kidney Disease');
      expect(await top2(true)).toEqual([
        'Chronic Kidney Disease',
        'Nutrition for Chronic Kidney Disease',
      ]);
    } finally {
      await kb.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
