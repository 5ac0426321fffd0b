import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_KEY, type PickKind } from '../../shared/bridge.js';
import { RpcClient } from '../../shared/client.js';
import { ERRORS } from '../../shared/errors.js';
import type { CallName, EventName, EventPayload } from '../../shared/contract.js';
import type { KbAnswerOutput } from '../../shared/knowledge.js';
import { decodeRequest, encodeEvent, encodeResponse } from '../../shared/protocol.js';
import type { Result } from '../../shared/result.js';
import { markTerms, queryTerms, snippet } from './highlight.js';
import { KnowledgeView } from './KnowledgeView.js';

afterEach(cleanup);
beforeAll(() => {
  Element.prototype.scrollIntoView = () => undefined; // jsdom has no layout
});

const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

const DOC_TEXT =
  'Glaucoma is a group of diseases that damage the optic nerve. Open-angle glaucoma is the most common form. Treatment lowers eye pressure.';

/** A stand-in engine on the real wire protocol: records requests, answers from `replies`, pushes events. */
function standInEngine(replies: Partial<Record<CallName, unknown>>) {
  const requests: { method: string; input: Record<string, unknown> }[] = [];
  const client: RpcClient = new RpcClient({
    send(text) {
      const request = decodeRequest(text);
      if (!request.ok) throw new Error(request.error.message);
      requests.push({ method: request.method, input: request.input as Record<string, unknown> });
      const reply = replies[request.method];
      const result =
        reply instanceof Error
          ? { ok: false as const, error: { code: reply.name, message: reply.message } }
          : { ok: true as const, value: reply ?? {} };
      queueMicrotask(() => client.receive(encodeResponse(request.seq, result)));
    },
    close: () => undefined,
  });
  return {
    client,
    calls: (method: CallName) => requests.filter((r) => r.method === method),
    push: <N extends EventName>(name: N, payload: EventPayload<N>) =>
      act(() => client.receive(encodeEvent(name, payload))),
  };
}

const citation = {
  documentId: 7,
  chunkId: 70,
  title: 'Glaucoma',
  sourcePath: '/kb/glaucoma.md',
  start: 0,
  end: 59,
  page: null,
};
const ANSWER: KbAnswerOutput = {
  answer: 'Glaucoma is a group of diseases that damage the optic nerve.',
  covered: true,
  confidence: 0.9,
  generator: 'extractive@1',
  sentences: [
    { text: 'Glaucoma is a group of diseases that damage the optic nerve.', citations: [citation] },
  ],
  sources: [{ sourcePath: '/kb/glaucoma.md', title: 'Glaucoma', page: null, score: 1 }],
};

const SOURCES = {
  sources: [
    {
      documentId: 7,
      title: 'Glaucoma',
      sourcePath: '/kb/glaucoma.md',
      kind: 'markdown',
      chunks: 3,
      ingestedAt: '2026-01-01T00:00:00Z',
      status: 'ready',
    },
    {
      documentId: null,
      title: 'broken.pdf',
      sourcePath: '/kb/broken.pdf',
      kind: 'pdf',
      chunks: 0,
      ingestedAt: null,
      status: 'failed',
      code: 'INGEST_CORRUPT',
      reason: 'The PDF is damaged.',
    },
  ],
  documents: 1,
  chunks: 3,
  ingesting: false,
};

const many = (n: number) => ({
  sources: Array.from({ length: n }, (_, i) => ({
    documentId: i + 1,
    title: `Guideline ${String(i + 1).padStart(2, '0')}`,
    sourcePath: `/kb/g${i + 1}.${i % 2 ? 'pdf' : 'md'}`,
    kind: i % 2 ? 'pdf' : 'markdown',
    chunks: i + 1,
    ingestedAt: `2026-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`,
    status: 'ready',
  })),
  documents: n,
  chunks: (n * (n + 1)) / 2,
  ingesting: false,
});

const PATH_LABEL = 'Or add a file or folder by its path on this computer';

describe('KnowledgeView', () => {
  it('puts ask and search first, above the sources', async () => {
    const engine = standInEngine({ 'knowledge.sources': SOURCES });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(headings.slice(0, 2)).toEqual(['Ask or search your sources', 'Sources']);
  });

  it('adds a folder by path: progress never passes its total, duplicates are information, failures in words', async () => {
    const engine = standInEngine({
      'knowledge.sources': { sources: [], documents: 0, chunks: 0, ingesting: false },
      'knowledge.ingest': { started: true, paths: 1 },
      'knowledge.cancelIngest': { cancelled: true },
    });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    expect(screen.getByText(/No sources yet/)).toBeTruthy();

    fireEvent.change(screen.getByLabelText(PATH_LABEL), { target: { value: '/kb' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await flush();
    expect(engine.calls('knowledge.ingest')[0]?.input).toEqual({ paths: ['/kb'] });

    engine.push('knowledge.progress', {
      phase: 'ingesting',
      filesTotal: 4,
      filesDone: 5, // skipped files counted twice by an engine: still never "5 of 4"
      filesSkipped: 1,
      chunksDone: 12,
      etaMs: 9000,
      currentFile: '/kb/glaucoma.md',
      errors: [],
    });
    const progress = screen.getByTestId('kb-progress');
    expect(progress.textContent).toContain('4 of 4 files · about 9 s left');
    expect(progress.textContent).toContain('Reading glaucoma.md');
    fireEvent.click(within(progress).getByRole('button', { name: 'Cancel' }));
    await flush();
    expect(engine.calls('knowledge.cancelIngest')).toHaveLength(1);

    engine.push('knowledge.progress', {
      phase: 'done',
      filesTotal: 4,
      filesDone: 2,
      filesSkipped: 2,
      chunksDone: 30,
      etaMs: 0,
      currentFile: null,
      errors: [
        { path: '/kb/broken.pdf', code: 'INGEST_CORRUPT', reason: 'bad xref table' },
        { path: '/kb/copy.md', code: 'INGEST_DUPLICATE', reason: 'same content as /kb/a.md' },
      ],
    });
    expect(
      screen.getByText(/Done: 2 of 4 files added or up to date, 1 already there\./),
    ).toBeTruthy();
    const duplicate = screen.getByTestId('kb-duplicates');
    expect(duplicate.getAttribute('role')).toBe('status'); // information, not an alarm
    expect(duplicate.textContent).toContain('1 file is already in your sources');
    const failures = screen.getByText('Files not added').parentElement!;
    expect(failures.textContent).toContain('/kb/broken.pdf');
    expect(failures.textContent).toContain(ERRORS.INGEST_CORRUPT);
    expect(failures.textContent).not.toContain('copy.md');
    expect(engine.calls('knowledge.sources')).toHaveLength(2); // on mount and after the run
  });

  it('a missing path is a form error on the field, with no progress bar', async () => {
    const engine = standInEngine({
      'knowledge.sources': { sources: [], documents: 0, chunks: 0, ingesting: false },
      'knowledge.ingest': Object.assign(new Error('Nothing was found at /nope.'), {
        name: 'KB_PATH_NOT_FOUND',
      }),
    });
    render(<KnowledgeView client={engine.client} />);
    const field = screen.getByLabelText(PATH_LABEL);
    fireEvent.change(field, { target: { value: '/nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await flush();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('kb-path-error').textContent).toBe(ERRORS.KB_PATH_NOT_FOUND);
    expect(screen.queryByTestId('kb-progress')).toBeNull();
    expect(screen.getByRole('button', { name: 'Add' }).hasAttribute('disabled')).toBe(false);
    fireEvent.change(field, { target: { value: '/nope2' } });
    expect(screen.queryByTestId('kb-path-error')).toBeNull(); // cleared when the cause is
  });

  // 45 rows rendered several times: slow on a loaded machine, so a generous 60 s bound (no timing asserted).
  it('filters, sorts and pages the sources; remove asks first; re-index calls the engine', async () => {
    const engine = standInEngine({
      'knowledge.sources': many(45),
      'knowledge.remove': { removed: 1 },
      'knowledge.reindex': { started: true, paths: 1 },
    });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    const table = () => screen.getByTestId('kb-sources');
    const titles = () =>
      within(table())
        .getAllByRole('rowheader')
        .map((r) => r.querySelector('.kb-title')?.textContent);
    expect(within(table()).getAllByRole('row')).toHaveLength(21); // header + 20 per page
    expect(screen.getByTestId('kb-range').textContent).toBe('1–20 of 45');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getByTestId('kb-range').textContent).toBe('21–40 of 45');

    fireEvent.click(within(table()).getByRole('button', { name: /^Title/ }));
    expect(titles()[0]).toBe('Guideline 01');
    fireEvent.click(within(table()).getByRole('button', { name: /^Title/ }));
    expect(titles()[0]).toBe('Guideline 45');
    expect(
      within(table()).getByRole('columnheader', { name: /Title/ }).getAttribute('aria-sort'),
    ).toBe('descending');

    fireEvent.change(screen.getByTestId('kb-filter'), { target: { value: 'guideline 4' } });
    expect(titles()).toEqual(
      ['45', '44', '43', '42', '41', '40', '34', '24', '14', '04'].map((n) => `Guideline ${n}`),
    );
    expect(screen.getByTestId('kb-range').textContent).toBe('1–10 of 10');
    fireEvent.change(screen.getByRole('combobox', { name: 'Type' }), { target: { value: 'pdf' } });
    expect(titles().every((t) => Number(t?.slice(-2)) % 2 === 0)).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Re-index Guideline 44' }));
    await flush();
    expect(engine.calls('knowledge.reindex')[0]?.input).toEqual({ documentIds: [44] });
    fireEvent.click(screen.getByRole('button', { name: 'Remove Guideline 42' }));
    expect(engine.calls('knowledge.remove')).toHaveLength(0); // asks first
    const confirm = screen.getByRole('group', { name: 'Remove Guideline 42?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Remove' }));
    await flush();
    expect(engine.calls('knowledge.remove')[0]?.input).toEqual({ documentIds: [42] });
    expect(engine.calls('knowledge.sources').length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('lists files that could not be added apart from the table, in words', async () => {
    const engine = standInEngine({ 'knowledge.sources': SOURCES });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    expect(within(screen.getByTestId('kb-sources')).getAllByRole('row')).toHaveLength(2);
    const failed = screen.getByTestId('kb-failed');
    expect(failed.textContent).toContain('1 file could not be added');
    expect(failed.textContent).toContain(ERRORS.INGEST_CORRUPT);
  });

  it('searches with marked snippets', async () => {
    const engine = standInEngine({
      'knowledge.sources': SOURCES,
      'knowledge.search': {
        vectorSearch: 'full',
        hits: [
          {
            documentId: 7,
            chunkId: 70,
            title: 'Glaucoma',
            sourcePath: '/kb/glaucoma.md',
            heading: '',
            page: 4,
            start: 0,
            end: DOC_TEXT.length,
            text: DOC_TEXT,
            score: 0.9,
          },
        ],
      },
    });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    fireEvent.change(screen.getByLabelText('Question or search words'), {
      target: { value: 'optic nerve' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await flush();
    expect(engine.calls('knowledge.search')[0]?.input).toEqual({ query: 'optic nerve', k: 10 });
    const results = screen.getByRole('list', { name: 'Search results' });
    expect(results.textContent).toContain('page 4');
    expect([...results.querySelectorAll('mark')].map((m) => m.textContent)).toEqual([
      'optic',
      'nerve',
    ]);
  });

  it('answers with a confidence; a citation opens the source drawer with title, section and rendered text; Escape returns focus', async () => {
    const text = `# Glaucoma\n\n## Overview\n\n${DOC_TEXT}\n\n- **eye drops**\n- laser`;
    const engine = standInEngine({
      'knowledge.sources': SOURCES,
      'knowledge.ask': ANSWER,
      'knowledge.passage': {
        documentId: 7,
        title: 'Glaucoma',
        heading: 'Glaucoma › Overview',
        sourcePath: '/kb/glaucoma.md',
        text,
        textStart: 0,
        start: 25,
        end: 84,
        documentLength: text.length,
      },
      'knowledge.document': {
        documentId: 7,
        title: 'Glaucoma',
        sourcePath: '/kb/glaucoma.md',
        kind: 'markdown',
        text,
        truncated: false,
      },
    });
    render(<KnowledgeView client={engine.client} />);
    fireEvent.change(screen.getByLabelText('Question or search words'), {
      target: { value: 'What is glaucoma?' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Ask' }));
    await flush();
    expect(screen.getByTestId('kb-confidence').textContent).toBe('High confidence');
    const sentences = screen.getByRole('list', { name: 'Answer, sentence by sentence' });
    const cite = within(sentences).getByRole('button', { name: 'Citation 1: Glaucoma' });
    cite.focus();
    fireEvent.click(cite);
    await flush();
    const panel = screen.getByRole('dialog', { name: 'Glaucoma' });
    expect(document.activeElement).toBe(within(panel).getByRole('heading', { level: 2 }));
    expect(within(panel).getByTestId('citation-section').textContent).toBe('Overview');
    const passage = within(panel).getByTestId('citation-passage');
    expect(passage.querySelector('mark')?.textContent).toBe(DOC_TEXT.slice(0, 59));
    expect(passage.textContent).not.toContain('#'); // Markdown rendered, not shown raw
    expect(passage.textContent).not.toContain('**');
    expect(passage.querySelectorAll('li')).toHaveLength(2);
    expect(panel.textContent).not.toMatch(/characters \d/);

    fireEvent.click(within(panel).getByRole('button', { name: 'Open source' }));
    await flush();
    expect(engine.calls('knowledge.document')[0]?.input).toEqual({ documentId: 7 });
    expect(panel.dataset.whole).toBe('true');

    fireEvent.keyDown(panel, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(cite);
  });

  it('a citation whose document cannot be read says so in words, with the sentence; Close returns focus', async () => {
    const engine = standInEngine({
      'knowledge.sources': SOURCES,
      'knowledge.ask': ANSWER,
      'knowledge.passage': Object.assign(new Error('The document is no longer in the store.'), {
        name: 'KB_NOT_FOUND',
      }),
    });
    render(<KnowledgeView client={engine.client} />);
    fireEvent.change(screen.getByLabelText('Question or search words'), {
      target: { value: 'What is glaucoma?' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Ask' }));
    await flush();
    const cite = screen.getByRole('button', { name: 'Citation 1: Glaucoma' });
    cite.focus();
    fireEvent.click(cite);
    await flush();
    const panel = screen.getByRole('dialog', { name: 'Glaucoma' });
    expect(within(panel).queryByTestId('citation-passage')).toBeNull();
    const fallback = within(panel).getByTestId('citation-fallback');
    expect(fallback.querySelector('.problem__text')?.textContent).toBe(ERRORS.KB_NOT_FOUND);
    expect(fallback.querySelector('code')?.textContent).toBe('KB_NOT_FOUND');
    expect(fallback.textContent).toContain(ANSWER.sentences[0]!.text);

    fireEvent.click(within(panel).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(cite);
  });

  it('says honestly when the sources do not cover the question, with the notice and the nearest', async () => {
    const engine = standInEngine({
      'knowledge.sources': SOURCES,
      'knowledge.ask': {
        ...ANSWER,
        covered: false,
        confidence: 0.1,
        sentences: [],
        answer: 'Your sources do not cover this question.',
      },
    });
    render(<KnowledgeView client={engine.client} />);
    fireEvent.change(screen.getByLabelText('Question or search words'), {
      target: { value: 'Dose of X?' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Ask' }));
    await flush();
    expect(screen.getByText('Your sources do not cover this question.')).toBeTruthy();
    expect(screen.getByRole('list', { name: 'Nearest sources' }).textContent).toContain('Glaucoma');
    expect(screen.queryByRole('button', { name: /Citation/ })).toBeNull();
  });
});

describe('KnowledgeView with the native file dialog (Electron bridge)', () => {
  const EMPTY = { sources: [], documents: 0, chunks: 0, ingesting: false };

  /** `window.voiceassist` with only the dialog: answers each pick with the next reply. */
  function fakeBridge(...replies: Result<readonly string[]>[]) {
    const picked: PickKind[] = [];
    Object.assign(window, {
      [BRIDGE_KEY]: {
        pickPaths: (kind: PickKind) => {
          picked.push(kind);
          return Promise.resolve(replies.shift() ?? { ok: true, value: [] });
        },
      },
    });
    return picked;
  }
  afterEach(() => {
    Reflect.deleteProperty(window, BRIDGE_KEY);
  });

  it('"Add folder…" ingests the chosen paths; while it runs nothing else can start', async () => {
    const picked = fakeBridge({ ok: true, value: ['/home/me/guidelines', '/home/me/notes'] });
    const engine = standInEngine({
      'knowledge.sources': EMPTY,
      'knowledge.ingest': { started: true, paths: 2 },
    });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: 'Add folder…' }));
    await flush();
    expect(picked).toEqual(['folder']);
    expect(engine.calls('knowledge.ingest').map((c) => c.input)).toEqual([
      { paths: ['/home/me/guidelines', '/home/me/notes'] },
    ]);
    expect(screen.getByRole('button', { name: 'Add files…' }).hasAttribute('disabled')).toBe(true);
    engine.push('knowledge.progress', {
      phase: 'cancelled',
      filesTotal: 2,
      filesDone: 1,
      filesSkipped: 0,
      chunksDone: 5,
      etaMs: null,
      currentFile: null,
      errors: [],
    });
    expect(screen.getByText(/Cancelled after 1 of 2 files/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add folder…' }).hasAttribute('disabled')).toBe(
      false,
    );
  });

  it('a cancelled dialog starts nothing; a dialog error is shown in words, its code under Details', async () => {
    const picked = fakeBridge(
      { ok: true, value: [] },
      { ok: false, error: { code: 'PICK_BUSY', message: 'A file dialog is already open.' } },
    );
    const engine = standInEngine({ 'knowledge.sources': EMPTY });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    fireEvent.click(screen.getByRole('button', { name: 'Add files…' }));
    await flush();
    expect(picked).toEqual(['files']);
    expect(engine.calls('knowledge.ingest')).toHaveLength(0);
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Add files…' }));
    await flush();
    const alert = screen.getByRole('alert');
    expect(alert.querySelector('.problem__text')?.textContent).toBe(
      'A file dialog is already open.',
    );
    expect(alert.querySelector('code')?.textContent).toBe('PICK_BUSY');
  });

  it('without the bridge (web mode) files are chosen by content and sent in pieces', async () => {
    const engine = standInEngine({
      'knowledge.sources': EMPTY,
      'knowledge.upload': { received: 11, path: '/profile/uploads/x/a.md' },
      'knowledge.ingest': { started: true, paths: 1 },
    });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    expect(screen.queryByRole('button', { name: 'Add files…' })).toBeNull();
    const input = screen.getByTestId('kb-file-input');
    const file = new File(['# A\n\nText.'], 'a.md', { type: 'text/markdown' });
    fireEvent.change(input, { target: { files: [file] } });
    await flush();
    await flush();
    const upload = engine.calls('knowledge.upload')[0]?.input;
    expect(upload).toMatchObject({ name: 'a.md', offset: 0, last: true });
    expect(atob(String(upload?.data))).toBe('# A\n\nText.');
    expect(engine.calls('knowledge.ingest')[0]?.input).toEqual({
      paths: ['/profile/uploads/x/a.md'],
    });
  });
});

describe('highlight helpers', () => {
  it('marks query words at word starts and cuts snippets around the first match', () => {
    const terms = queryTerms('What is the optic nerve?');
    expect(terms).toEqual(['optic', 'nerve']);
    expect(markTerms('the optic nerves; synoptic', terms).filter((s) => s.mark)).toEqual([
      { text: 'optic', mark: true },
      { text: 'nerves', mark: true },
    ]);
    const long = `${'filler words here '.repeat(40)}the optic nerve is damaged ${'tail '.repeat(40)}`;
    const cut = snippet(long, terms, 120);
    expect(cut.startsWith('… ')).toBe(true);
    expect(cut).toContain('optic nerve');
    expect(cut.endsWith(' …')).toBe(true);
  });
});
