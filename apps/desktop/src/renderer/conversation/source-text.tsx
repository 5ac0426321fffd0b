import type { ReactNode, Ref } from 'react';

/**
 * Source text as a reader sees it: Markdown headings, lists, tables and paragraphs rendered (as
 * React elements, never as HTML), emphasis and link markup dropped, and the cited span
 * [markStart, markEnd) highlighted wherever it falls. Offsets are into `text`.
 */
export interface Block {
  readonly kind: 'heading' | 'item' | 'row' | 'para';
  readonly start: number;
  readonly end: number;
  /** Where the block's content starts (after "# ", "- ", "| "). */
  readonly contentStart: number;
  readonly ordered?: boolean;
}

const HEADING = /^(\s{0,3}#{1,6}\s+)/;
const ITEM = /^(\s*(?:[-*+•]|(\d{1,3})[.)])\s+)/;
const ROW = /^\s*\|/;
const RULE = /^\s*\|?\s*:?-{3,}/;

export function blocks(text: string): Block[] {
  const out: Block[] = [];
  let at = 0;
  let para: { start: number; end: number } | undefined;
  const flush = (): void => {
    if (para) out.push({ kind: 'para', ...para, contentStart: para.start });
    para = undefined;
  };
  for (const line of text.split('\n')) {
    const start = at;
    const end = at + line.length;
    at = end + 1;
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    const item = ITEM.exec(line);
    if (heading?.[1]) {
      flush();
      out.push({ kind: 'heading', start, end, contentStart: start + heading[1].length });
    } else if (item?.[1]) {
      flush();
      out.push({
        kind: 'item',
        start,
        end,
        contentStart: start + item[1].length,
        ordered: item[2] !== undefined,
      });
    } else if (ROW.test(line)) {
      flush();
      if (!RULE.test(line)) out.push({ kind: 'row', start, end, contentStart: start });
    } else if (para) para.end = end;
    else para = { start, end };
  }
  flush();
  return out;
}

/** Drops inline Markdown: **bold**, _em_, `code`, [text](url) → text. */
export function plain(s: string): string {
  return s
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/(^|\s)[*_](\S)/g, '$1$2')
    .replace(/(\S)[*_](\s|$)/g, '$1$2');
}

interface Props {
  readonly text: string;
  readonly markStart: number;
  readonly markEnd: number;
  readonly markRef?: Ref<HTMLElement>;
}

export function SourceText({ text, markStart, markEnd, markRef }: Props) {
  const all = blocks(text);
  // The ref goes on the first highlighted piece (the span may start between two blocks).
  const firstMark = Math.min(
    ...all
      .filter((b) => b.end > markStart && b.contentStart < markEnd)
      .map((b) => Math.max(b.contentStart, markStart)),
  );
  const piece = (from: number, to: number): ReactNode[] => {
    const nodes: ReactNode[] = [];
    const a = Math.max(from, Math.min(to, markStart));
    const b = Math.max(a, Math.min(to, markEnd));
    if (a > from) nodes.push(plain(text.slice(from, a)));
    if (b > a) {
      nodes.push(
        <mark key={a} className="citation__span" ref={a === firstMark ? markRef : undefined}>
          {plain(text.slice(a, b))}
        </mark>,
      );
    }
    if (to > b) nodes.push(plain(text.slice(b, to)));
    return nodes;
  };
  const out: ReactNode[] = [];
  for (let i = 0; i < all.length; i++) {
    const b = all[i];
    if (!b) continue;
    if (b.kind === 'heading')
      out.push(
        <p key={b.start} className="source__heading">
          {piece(b.contentStart, b.end)}
        </p>,
      );
    else if (b.kind === 'para')
      out.push(
        <p key={b.start} className="source__para">
          {piece(b.contentStart, b.end)}
        </p>,
      );
    else if (b.kind === 'item') {
      const items: Block[] = [];
      for (let it = all[i]; it?.kind === 'item'; it = all[++i]) items.push(it);
      i--;
      const List = b.ordered ? 'ol' : 'ul';
      out.push(
        <List key={b.start} className="source__list">
          {items.map((it) => (
            <li key={it.start}>{piece(it.contentStart, it.end)}</li>
          ))}
        </List>,
      );
    } else {
      const rows: Block[] = [];
      for (let r = all[i]; r?.kind === 'row'; r = all[++i]) rows.push(r);
      i--;
      out.push(
        <div key={b.start} className="table-wrap">
          <table className="source__table">
            <tbody>
              {rows.map((r) => (
                <tr key={r.start}>
                  {cells(r).map(([s, e]) => (
                    <td key={s}>{piece(s, e)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
    }
  }
  return <>{out}</>;

  function cells(r: Block): [number, number][] {
    const spans: [number, number][] = [];
    let from = r.start;
    for (let k = r.start; k <= r.end; k++) {
      if (k === r.end || text.charAt(k) === '|') {
        const s = from;
        const e = k;
        if (text.slice(s, e).trim() !== '' || (s !== r.start && k !== r.end)) spans.push([s, e]);
        from = k + 1;
      }
    }
    return spans.filter(([s, e]) => text.slice(s, e).trim() !== '');
  }
}

/**
 * An answer sentence as a reader sees it: a list quoted from a source is shown as a list (its
 * "- " markers dropped), inline Markdown dropped, the words otherwise as quoted.
 */
export function SentenceText({ text }: { readonly text: string }) {
  const all = blocks(text);
  if (!all.some((b) => b.kind === 'item')) return <>{plain(text)}</>;
  const out: ReactNode[] = [];
  let items: ReactNode[] = [];
  const endList = (key: string): void => {
    if (items.length === 0) return;
    out.push(
      <ul key={key} className="answer-list">
        {items}
      </ul>,
    );
    items = [];
  };
  all.forEach((b, i) => {
    const content = plain(text.slice(b.contentStart, b.end));
    if (b.kind === 'item') items.push(<li key={i}>{content}</li>);
    else {
      endList(`list-${i}`);
      out.push(<span key={i}>{content} </span>);
    }
  });
  endList('list-end');
  return <>{out}</>;
}
