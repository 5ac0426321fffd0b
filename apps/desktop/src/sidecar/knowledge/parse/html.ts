import { Parser } from 'htmlparser2';
import type { Heading, ParsedDocument } from './types.js';

const BLOCK = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'aside',
  'li',
  'ul',
  'ol',
  'table',
  'tr',
  'td',
  'th',
  'br',
  'hr',
  'blockquote',
  'pre',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'dt',
  'dd',
  'figcaption',
  'caption',
  'body',
  'html',
]);
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head', 'nav']);
const HEADING = /^h([1-6])$/;

/** Extracts readable text from HTML with block structure kept as line breaks and h1-h6 as headings. */
export function htmlToDocument(html: string, kind: 'html' | 'docx'): ParsedDocument {
  let text = '';
  let skipDepth = 0;
  let preDepth = 0;
  let inTitle = false;
  let docTitle = '';
  let heading: { level: number; offset: number } | undefined;
  const headings: Heading[] = [];

  const breakBlock = (): void => {
    text = text.replace(/[ \t]+$/, '');
    if (text.length > 0 && !text.endsWith('\n\n')) text += text.endsWith('\n') ? '\n' : '\n\n';
  };

  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'title') inTitle = true;
        if (SKIP.has(name)) skipDepth++;
        if (skipDepth > 0) return;
        if (name === 'pre') preDepth++;
        if (BLOCK.has(name)) breakBlock();
        const h = HEADING.exec(name);
        if (h) heading = { level: Number(h[1]), offset: text.length };
      },
      ontext(raw) {
        if (inTitle) docTitle += raw;
        if (skipDepth > 0) return;
        const chunk = preDepth > 0 ? raw : raw.replace(/\s+/g, ' ');
        if (chunk === ' ' && (text.length === 0 || /\s$/.test(text))) return;
        text += text.length === 0 || /\s$/.test(text) ? chunk.replace(/^ /, '') : chunk;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        if (SKIP.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
        const h = HEADING.exec(name);
        if (h && heading) {
          const headingText = text.slice(heading.offset).trim();
          if (headingText) headings.push({ ...heading, text: headingText });
          heading = undefined;
        }
        if (BLOCK.has(name)) breakBlock();
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  text = text.trimEnd();
  const title =
    docTitle.replace(/\s+/g, ' ').trim() ||
    (headings.find((h) => h.level === 1)?.text ?? headings[0]?.text);
  return { kind, title: title === '' ? undefined : title, text, headings };
}
