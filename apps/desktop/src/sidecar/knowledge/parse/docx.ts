import { IngestSkip } from '../../store/errors.js';
import { htmlToDocument } from './html.js';
import type { ParsedDocument } from './types.js';

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const ZIP_MAGIC = [0x50, 0x4b];

/** DOCX through mammoth's semantic HTML, so Word headings become headings here too. */
export async function parseDocx(bytes: Uint8Array): Promise<ParsedDocument> {
  // Password-protected Word files are OLE compound files, not zips (so are legacy .doc files).
  if (OLE_MAGIC.every((b, i) => bytes[i] === b))
    throw new IngestSkip('INGEST_ENCRYPTED', 'password-protected (or legacy binary) Word file');
  if (!ZIP_MAGIC.every((b, i) => bytes[i] === b))
    throw new IngestSkip('INGEST_CORRUPT', 'not a DOCX file (no zip signature)');
  let html: string;
  try {
    const { default: mammoth } = await import('mammoth'); // loads with the first DOCX
    ({ value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) }));
  } catch (err) {
    throw new IngestSkip(
      'INGEST_CORRUPT',
      `unreadable DOCX (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  return htmlToDocument(html, 'docx');
}
