import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_KEY, type PickKind } from '../../shared/bridge.js';
import { RpcClient } from '../../shared/client.js';
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

describe('KnowledgeView', () => {
  it('adds a folder: sends the path, shows progress with ETA and cancel, then per-file errors and refreshed sources', async () => {
    const engine = standInEngine({
      'knowledge.sources': { sources: [], documents: 0, chunks: 0, ingesting: false },
      'knowledge.ingest': { started: true, paths: 1 },
      'knowledge.cancelIngest': { cancelled: true },
    });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    expect(screen.getByText(/No sources yet/)).toBeTruthy();

    fireEvent.change(screen.getByLabelText('File or folder path on this computer'), {
      target: { value: '/kb' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await flush();
    expect(engine.calls('knowledge.ingest')[0]?.input).toEqual({ paths: ['/kb'] });

    engine.push('knowledge.progress', {
      phase: 'ingesting',
      filesTotal: 4,
      filesDone: 1,
      filesSkipped: 0,
      chunksDone: 12,
      etaMs: 9000,
      currentFile: '/kb/glaucoma.md',
      errors: [],
    });
    const progress = screen.getByTestId('kb-progress');
    expect(progress.textContent).toContain('1 of 4 files · 12 chunks · about 9 s left');
    expect(progress.textContent).toContain('Reading glaucoma.md');
    expect(within(progress).getByRole('progressbar').getAttribute('value')).toBe('1');
    fireEvent.click(within(progress).getByRole('button', { name: 'Cancel' }));
    await flush();
    expect(engine.calls('knowledge.cancelIngest')).toHaveLength(1);

    engine.push('knowledge.progress', {
      phase: 'done',
      filesTotal: 4,
      filesDone: 3,
      filesSkipped: 1,
      chunksDone: 30,
      etaMs: 0,
      currentFile: null,
      errors: [{ path: '/kb/broken.pdf', code: 'INGEST_CORRUPT', reason: 'The PDF is damaged.' }],
    });
    expect(screen.getByText(/Done: 3 of 4 files/)).toBeTruthy();
    expect(screen.getByText('Files not added')).toBeTruthy();
    expect(screen.getByText(/The PDF is damaged\./)).toBeTruthy();
    expect(engine.calls('knowledge.sources')).toHaveLength(2); // on mount and after the run
  });

  it('shows a coded error when the engine refuses the path', async () => {
    const engine = standInEngine({
      'knowledge.sources': { sources: [], documents: 0, chunks: 0, ingesting: false },
      'knowledge.ingest': Object.assign(new Error('Give full paths.'), { name: 'KB_PATH_INVALID' }),
    });
    render(<KnowledgeView client={engine.client} />);
    fireEvent.change(screen.getByLabelText('File or folder path on this computer'), {
      target: { value: 'relative' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await flush();
    expect(screen.getByRole('alert').textContent).toContain('KB_PATH_INVALID');
    expect(screen.getByRole('button', { name: 'Add' }).hasAttribute('disabled')).toBe(false);
  });

  it('lists sources with chunk counts and status, and searches with marked snippets', async () => {
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
    const table = screen.getByTestId('kb-sources');
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]?.textContent).toContain('Glaucoma');
    expect(rows[1]?.textContent).toContain('3');
    expect(rows[1]?.textContent).toContain('Ready');
    expect(rows[2]?.textContent).toContain('Not added: The PDF is damaged.');

    fireEvent.change(screen.getByLabelText('Search your sources'), {
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

  it('answers sentence by sentence; a citation opens the passage with the span marked; Escape returns focus', async () => {
    const engine = standInEngine({
      'knowledge.sources': SOURCES,
      'knowledge.ask': ANSWER,
      'knowledge.passage': {
        documentId: 7,
        title: 'Glaucoma',
        sourcePath: '/kb/glaucoma.md',
        text: DOC_TEXT,
        textStart: 0,
        start: 0,
        end: 59,
        documentLength: DOC_TEXT.length,
      },
    });
    render(<KnowledgeView client={engine.client} />);
    fireEvent.change(screen.getByLabelText('Question'), {
      target: { value: 'What is glaucoma?' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Ask' }));
    await flush();
    const sentences = screen.getByRole('list', { name: 'Answer, sentence by sentence' });
    expect(within(sentences).getAllByRole('listitem')).toHaveLength(1);
    const cite = within(sentences).getByRole('button', { name: 'Citation 1: Glaucoma' });
    cite.focus();
    fireEvent.click(cite);
    await flush();
    const panel = screen.getByRole('dialog', { name: 'Source [1]: Glaucoma' });
    expect(document.activeElement).toBe(within(panel).getByRole('heading', { level: 2 }));
    expect(engine.calls('knowledge.passage')[0]?.input).toEqual({
      documentId: 7,
      start: 0,
      end: 59,
    });
    const marked = within(panel).getByTestId('citation-passage').querySelector('mark');
    expect(marked?.textContent).toBe(DOC_TEXT.slice(0, 59));
    expect(panel.textContent).toContain('characters 0–59');

    fireEvent.keyDown(panel, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(cite);
  });

  it('a citation whose document cannot be read says so, with the code, the sentence and the range; Close returns focus', async () => {
    const engine = standInEngine({
      'knowledge.sources': SOURCES,
      'knowledge.ask': ANSWER,
      'knowledge.passage': Object.assign(new Error('The document is no longer in the store.'), {
        name: 'KB_NOT_FOUND',
      }),
    });
    render(<KnowledgeView client={engine.client} />);
    fireEvent.change(screen.getByLabelText('Question'), { target: { value: 'What is glaucoma?' } });
    fireEvent.click(screen.getByRole('button', { name: 'Ask' }));
    await flush();
    const cite = screen.getByRole('button', { name: 'Citation 1: Glaucoma' });
    cite.focus();
    fireEvent.click(cite);
    await flush();
    const panel = screen.getByRole('dialog', { name: 'Source [1]: Glaucoma' });
    expect(within(panel).queryByTestId('citation-passage')).toBeNull();
    const fallback = within(panel).getByTestId('citation-fallback');
    expect(fallback.textContent).toContain('could not be read');
    expect(fallback.textContent).toContain('KB_NOT_FOUND');
    expect(fallback.textContent).toContain(ANSWER.sentences[0]!.text);
    expect(panel.textContent).toContain('/kb/glaucoma.md · characters 0–59');

    fireEvent.click(within(panel).getByRole('button', { name: 'Close source' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(cite);
  });

  it('says honestly when the sources do not cover the question and lists the nearest', async () => {
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
    fireEvent.change(screen.getByLabelText('Question'), { target: { value: 'Dose of X?' } });
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

  it('"Add folder…" ingests the chosen paths with the same progress and cancel as the form', async () => {
    const picked = fakeBridge({ ok: true, value: ['/home/me/guidelines', '/home/me/notes'] });
    const engine = standInEngine({
      'knowledge.sources': EMPTY,
      'knowledge.ingest': { started: true, paths: 2 },
      'knowledge.cancelIngest': { cancelled: true },
    });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    expect(screen.getByText(/PDF, Word, HTML/).textContent).not.toContain('no file dialog');

    fireEvent.click(screen.getByRole('button', { name: 'Add folder…' }));
    await flush();
    expect(picked).toEqual(['folder']);
    expect(engine.calls('knowledge.ingest').map((c) => c.input)).toEqual([
      { paths: ['/home/me/guidelines', '/home/me/notes'] },
    ]);
    // While it runs, neither the dialog nor the form can start another run.
    expect(screen.getByRole('button', { name: 'Add files…' }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Add folder…' }).hasAttribute('disabled')).toBe(true);

    engine.push('knowledge.progress', {
      phase: 'ingesting',
      filesTotal: 2,
      filesDone: 1,
      filesSkipped: 0,
      chunksDone: 5,
      etaMs: null,
      currentFile: '/home/me/notes/a.md',
      errors: [],
    });
    const progress = screen.getByTestId('kb-progress');
    expect(progress.textContent).toContain('1 of 2 files · 5 chunks');
    fireEvent.click(within(progress).getByRole('button', { name: 'Cancel' }));
    await flush();
    expect(engine.calls('knowledge.cancelIngest')).toHaveLength(1);
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
    expect(engine.calls('knowledge.sources')).toHaveLength(2); // on mount and after the run
    expect(screen.getByRole('button', { name: 'Add folder…' }).hasAttribute('disabled')).toBe(
      false,
    );
  });

  it('a cancelled dialog (no paths) starts nothing; a dialog error is shown with its code', async () => {
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
    expect(screen.queryByTestId('kb-progress')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Add files…' }).hasAttribute('disabled')).toBe(false);

    fireEvent.click(screen.getByRole('button', { name: 'Add files…' }));
    await flush();
    expect(engine.calls('knowledge.ingest')).toHaveLength(0);
    expect(screen.getByRole('alert').textContent).toContain('PICK_BUSY');
  });

  it('without the bridge (web mode) there are no dialog buttons and the help says to type a path', async () => {
    const engine = standInEngine({ 'knowledge.sources': EMPTY });
    render(<KnowledgeView client={engine.client} />);
    await flush();
    expect(screen.queryByRole('button', { name: 'Add files…' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add folder…' })).toBeNull();
    const input = screen.getByLabelText('File or folder path on this computer');
    const help = document.getElementById(input.getAttribute('aria-describedby') ?? '');
    expect(help?.textContent).toContain('no file dialog: type the full path');
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
