import { IngestSkip } from '../../store/errors.js';
import type { ParsedDocument, ParseLimits } from './types.js';

interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
}

/** Text of every page, pages separated by a blank line; `pageStarts` keeps page numbers. */
export async function parsePdf(bytes: Uint8Array, limits: ParseLimits): Promise<ParsedDocument> {
  // pdf.js (~100 MB resident once loaded) loads with the first PDF, not with the engine.
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    data: new Uint8Array(bytes), // pdf.js detaches the buffer it is given
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy();
    const name = err instanceof Error ? err.name : '';
    if (name === 'PasswordException')
      throw new IngestSkip('INGEST_ENCRYPTED', 'password-protected PDF');
    throw new IngestSkip(
      'INGEST_CORRUPT',
      `unreadable PDF (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  try {
    if (doc.numPages > limits.maxPdfPages)
      throw new IngestSkip(
        'INGEST_TOO_LARGE',
        `PDF has ${doc.numPages} pages, more than the limit of ${limits.maxPdfPages}`,
      );
    const meta = await doc.getMetadata().catch(() => undefined);
    const info: { Title?: unknown } | undefined = meta?.info;
    let text = '';
    const pageStarts: number[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      if (text.length > 0) text += '\n\n';
      pageStarts.push(text.length);
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      for (const item of content.items as TextItemLike[]) {
        if (typeof item.str !== 'string') continue;
        text += item.str;
        if (item.hasEOL) text += '\n';
      }
      page.cleanup();
    }
    if (text.trim().length === 0)
      throw new IngestSkip('INGEST_NO_TEXT', 'PDF has no text layer (scanned? it needs OCR first)');
    const title =
      typeof info?.Title === 'string' && info.Title.trim() ? info.Title.trim() : undefined;
    return { kind: 'pdf', title, text, headings: [], pageStarts };
  } catch (err) {
    if (err instanceof IngestSkip) throw err;
    throw new IngestSkip(
      'INGEST_CORRUPT',
      `damaged PDF (${err instanceof Error ? err.message : String(err)})`,
    );
  } finally {
    await doc.destroy();
  }
}
