import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashingEmbedder } from './hashing-embedder.js';
import type { IngestProgress } from './ingest.js';
import { KnowledgeBase } from './kb.js';
import { makeDocx, makePdf } from '../../../test-support/knowledge/documents.js';

const KEY = Buffer.alloc(32, 0x11);
let dir: string;
let kb: KnowledgeBase;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-ingest-'));
  kb = KnowledgeBase.open({
    file: path.join(dir, 'knowledge.db'),
    key: KEY,
    embedder: new HashingEmbedder(),
  });
});
afterEach(async () => {
  await kb.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(rel: string, data: string | Buffer): Promise<string> {
  const file = path.join(dir, 'docs', rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
  return file;
}

const LONG_SECTION = Array.from(
  { length: 12 },
  (_, i) =>
    `Sentence ${i + 1} explains how metformin lowers hepatic glucose output in adults with type 2 diabetes.`,
).join(' ');

describe('ingestion', () => {
  it('ingests PDF (with pages), DOCX, HTML, Markdown and text; chunks point at exact source spans', async () => {
    await write(
      'guide.pdf',
      makePdf(['Warfarin dosing starts at 5 mg daily.', 'Page two: monitor the INR weekly.'], {
        title: 'Warfarin guide',
      }),
    );
    await write(
      'memo.docx',
      makeDocx([
        '# Asthma plan',
        'Use the blue inhaler for acute wheeze.',
        '## Controller',
        'Inhaled steroids prevent attacks.',
      ]),
    );
    await write(
      'flu.html',
      '<html><head><title>Flu</title></head><body><h1>Influenza</h1><p>A yearly vaccine prevents flu.</p><script>evil()</script></body></html>',
    );
    await write(
      'dm.md',
      `# Diabetes\n\n## Metformin\n\n${LONG_SECTION}\n\n## Insulin\n\nInsulin is started when HbA1c stays high.\n`,
    );
    await write('notes.txt', 'Plain note about hypertension follow-up in two weeks.');
    const report = await kb.ingest([path.join(dir, 'docs')]);
    expect(report.skipped).toBe(0);
    expect(report.added).toBe(5);

    const inr = (await kb.search('monitor INR weekly')).hits[0];
    expect(inr?.title).toBe('Warfarin guide');
    expect(inr?.page).toBe(1);
    const pdfText = kb.documentText(inr?.documentId ?? -1)?.text ?? '';
    const page2 = pdfText.indexOf('Page two');
    const hits = (await kb.search('Page two monitor INR', { k: 20 })).hits.filter(
      (h) => h.title === 'Warfarin guide',
    );
    expect(hits.length).toBeGreaterThan(0);
    expect(page2).toBeGreaterThan(0);

    const steroid = (await kb.search('inhaled steroids prevent attacks')).hits[0];
    expect(steroid?.sourcePath).toMatch(/memo\.docx$/);
    expect(steroid?.heading).toContain('Asthma plan');

    const flu = (await kb.search('yearly vaccine')).hits[0];
    expect(flu?.title).toBe('Flu');
    expect(flu?.text).not.toContain('evil');

    // Markdown: offsets are into the file itself; chunks respect headings and sentences.
    const mdFile = path.join(dir, 'docs', 'dm.md');
    const md = await fs.readFile(mdFile, 'utf8');
    const mdHits = (await kb.search('metformin insulin HbA1c', { k: 20 })).hits.filter(
      (h) => h.sourcePath === mdFile,
    );
    expect(mdHits.length).toBeGreaterThanOrEqual(2);
    for (const h of mdHits) {
      expect(md.slice(h.start, h.end)).toBe(h.text);
      expect(h.text.trimEnd()).toMatch(/[.!?]$|^#|HbA1c stays high\.$/);
    }
    expect(mdHits.find((h) => h.text.includes('Insulin is started'))?.heading).toBe(
      'Diabetes › Insulin',
    );
  });

  it('reports bad inputs with their reason and still ingests the good ones', async () => {
    await write('good.md', '# Good\n\nAmoxicillin treats otitis media in children.');
    await write('empty.pdf', Buffer.alloc(0));
    await write(
      'corrupt.pdf',
      Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage garbage'),
    );
    await write('locked.pdf', makePdf(['top secret'], { encrypted: true }));
    await write('huge.pdf', makePdf(Array.from({ length: 30 }, (_, i) => `page ${i}`)));
    await write('big.txt', 'x'.repeat(4096));
    await write(
      'image.txt',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]),
    );
    await write('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xff, 0xfe]));
    await write('fake.docx', Buffer.from('this is not a zip'));
    // A deep folder tree: the file below the depth limit is reported, the one above is ingested.
    let deep = 'deep';
    for (let i = 0; i < 8; i++) deep = path.join(deep, `d${i}`);
    await write(
      path.join('deep', 'd0', 'shallow.md'),
      '# Shallow\n\nLisinopril lowers blood pressure.',
    );
    await write(path.join(deep, 'toodeep.md'), '# Deep\n\nNever reached.');
    // Symlink loops: a folder linking to its parent, and two links pointing at each other.
    await fs.mkdir(path.join(dir, 'docs', 'loop'), { recursive: true });
    await fs.symlink(path.join(dir, 'docs'), path.join(dir, 'docs', 'loop', 'up'));
    await fs.symlink(path.join(dir, 'docs', 'b.md'), path.join(dir, 'docs', 'a.md'));
    await fs.symlink(path.join(dir, 'docs', 'a.md'), path.join(dir, 'docs', 'b.md'));

    const report = await kb.ingest([path.join(dir, 'docs')], {
      limits: { maxFileBytes: 2048, maxPdfPages: 10, maxDepth: 4 },
    });
    const byName = new Map(report.files.map((f) => [path.basename(f.path), f]));
    expect(byName.get('good.md')?.outcome).toBe('added');
    expect(byName.get('shallow.md')?.outcome).toBe('added');
    expect(byName.get('empty.pdf')?.code).toBe('INGEST_EMPTY');
    expect(byName.get('corrupt.pdf')?.code).toBe('INGEST_CORRUPT');
    expect(byName.get('locked.pdf')?.code).toBe('INGEST_ENCRYPTED');
    expect(byName.get('huge.pdf')?.code).toBe('INGEST_TOO_LARGE');
    expect(byName.get('big.txt')?.code).toBe('INGEST_TOO_LARGE');
    expect(byName.get('image.txt')?.code).toBe('INGEST_BINARY');
    expect(byName.get('latin1.txt')?.code).toBe('INGEST_BINARY');
    expect(byName.get('fake.docx')?.code).toBe('INGEST_CORRUPT');
    expect(byName.get('a.md')?.code).toBe('INGEST_SYMLINK_LOOP');
    expect(byName.get('up')?.code).toBe('INGEST_SYMLINK_LOOP');
    // docs is depth 0, so with maxDepth 4 the folder docs/deep/d0/d1/d2/d3 (depth 5) is not descended.
    expect(report.files.find((f) => f.code === 'INGEST_TOO_DEEP')?.path).toBe(
      path.join(dir, 'docs', 'deep', 'd0', 'd1', 'd2', 'd3'),
    );
    expect(byName.has('toodeep.md')).toBe(false);
    for (const f of report.files.filter((x) => x.outcome === 'skipped'))
      expect(f.reason).toBeTruthy();
    expect(kb.stats().documents).toBe(2);
    expect((await kb.search('amoxicillin otitis')).hits[0]?.title).toBe('Good');
  });

  it('dedupes by content hash and replaces a changed file’s chunks atomically', async () => {
    const a = await write('a.md', '# Statins\n\nAtorvastatin lowers LDL cholesterol.');
    await write('copy-of-a.md', '# Statins\n\nAtorvastatin lowers LDL cholesterol.');
    const first = await kb.ingest([path.join(dir, 'docs')]);
    expect(first.added).toBe(1);
    expect(first.files.find((f) => f.path.endsWith('copy-of-a.md'))?.code).toBe('INGEST_DUPLICATE');

    const again = await kb.ingest([a]);
    expect(again.unchanged).toBe(1);

    await fs.writeFile(a, '# Statins\n\nRosuvastatin is dosed once daily in the evening.');
    const changed = await kb.ingest([a]);
    expect(changed.updated).toBe(1);
    expect((await kb.search('atorvastatin', { mode: 'bm25' })).hits).toHaveLength(0);
    expect((await kb.search('rosuvastatin evening')).hits[0]?.sourcePath).toBe(a);
    const s = kb.stats();
    expect(s.documents).toBe(1);
    expect(s.models[0]?.vectors).toBe(s.chunks);
  });

  it('reports progress with an ETA and stops cleanly when cancelled', async () => {
    for (let i = 0; i < 12; i++)
      await write(`n${i}.md`, `# Note ${i}\n\nTopic number ${i} about renal dosing.`);
    const events: IngestProgress[] = [];
    const abort = new AbortController();
    const report = await kb.ingest([path.join(dir, 'docs')], {
      signal: abort.signal,
      onProgress: (p) => {
        events.push(p);
        if (p.filesDone === 5) abort.abort();
      },
    });
    expect(report.cancelled).toBe(true);
    expect(events[0]?.filesTotal).toBe(12);
    expect(events.some((e) => e.etaMs !== null && e.etaMs >= 0)).toBe(true);
    expect(events.at(-1)?.phase).toBe('cancelled');
    const done = events.map((e) => e.filesDone);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    const s = kb.stats();
    expect(s.documents).toBe(5);
    expect(s.unfinishedJobs).toBe(0); // a cancelled job is not resumed behind the user's back
  });
});
