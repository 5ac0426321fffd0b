import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Health } from '../shared/contract.js';
import { decodeRequest, encodeEvent, encodeResponse } from '../shared/protocol.js';
import { App } from './App.js';
import {
  SESSION_STORAGE_KEY,
  webSocketTransport,
  type Transport,
  type TransportListener,
} from './transport.js';

afterEach(cleanup);

const HEALTH: Health = {
  version: '0.1.0',
  uptimeSeconds: 3,
  store: { status: 'not-configured', detail: 'later' },
  models: { status: 'not-configured', detail: 'later' },
  server: { url: 'http://127.0.0.1:9', status: 'ready', detail: 'Server and database ready.' },
};

/** A stand-in engine speaking the real wire protocol (decodeRequest / encodeResponse). */
function standInEngine(health: Health = HEALTH, refuse = false) {
  let listener: TransportListener | undefined;
  const transport: Transport = {
    kind: 'web',
    open(l) {
      listener = l;
      queueMicrotask(() => (refuse ? l.onClose('refused') : l.onOpen()));
    },
    send(text) {
      const request = decodeRequest(text);
      const reply = !request.ok
        ? encodeResponse(request.seq, { ok: false, error: request.error })
        : encodeResponse(request.seq, {
            ok: true,
            value: request.method === 'health' ? health : request.input,
          });
      queueMicrotask(() => listener?.onMessage(reply));
    },
    sendBinary: () => undefined, // no audio in these tests
    close: () => undefined,
  };
  return { transport, push: (h: Health) => listener?.onMessage(encodeEvent('health.changed', h)) };
}

const flush = () => act(async () => new Promise((r) => setTimeout(r, 0)));

describe('App', () => {
  it('shows engine and server status in words, not colour only', async () => {
    render(<App transport={standInEngine().transport} />);
    const engine = screen.getByTestId('engine-status');
    expect(engine.dataset.state).toBe('connecting');
    await flush();
    expect(engine.dataset.state).toBe('ready');
    expect(engine.textContent).toContain('Engine:');
    expect(engine.textContent).toContain('Ready');
    const server = screen.getByTestId('server-status');
    expect(server.dataset.state).toBe('ready');
    expect(server.textContent).toContain('Ready');
    expect(screen.getByRole('status', { name: 'System status' })).toBeTruthy();
  });

  it('follows health.changed events', async () => {
    const engine = standInEngine();
    render(<App transport={engine.transport} />);
    await flush();
    act(() =>
      engine.push({
        ...HEALTH,
        server: { url: 'http://x', status: 'unreachable', detail: 'Cannot connect.' },
      }),
    );
    expect(screen.getByTestId('server-status').dataset.state).toBe('unreachable');
    expect(screen.getByTestId('server-status').textContent).toContain('Unreachable');
  });

  it('has landmarks and moves through the navigation with the keyboard', async () => {
    render(<App transport={standInEngine().transport} />);
    await flush();
    expect(screen.getByRole('banner')).toBeTruthy();
    expect(screen.getByRole('main')).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const items = within(nav).getAllByRole('button');
    // Only what works on this workstation: no placeholders for features still to come.
    expect(items.map((b) => b.textContent)).toEqual([
      'AskAlt 1',
      'KnowledgeAlt 2',
      'CalculatorsAlt 3',
      'DiagnosticsAlt 4',
      'SettingsAlt 5',
    ]);
    expect(document.body.textContent).not.toMatch(/later release|coming soon/i);
    // One tab stop: the current view; arrows move between items.
    expect(items.filter((b) => b.tabIndex === 0)).toEqual([items[0]]);
    items[0]!.focus();
    fireEvent.keyDown(items[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[1]);
    fireEvent.keyDown(items[1]!, { key: 'End' });
    expect(document.activeElement).toBe(items[4]);
    fireEvent.keyDown(items[4]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[0]);
    fireEvent.click(items[1]!);
    expect(items[1]!.getAttribute('aria-current')).toBe('page');
    const heading = screen.getByRole('heading', { level: 1 });
    expect(heading.textContent).toBe('Knowledge');
    expect(document.activeElement).toBe(heading);
    expect(
      screen.getByRole('heading', { level: 2, name: 'Ask or search your sources' }),
    ).toBeTruthy();

    fireEvent.keyDown(window, { key: '4', altKey: true });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Diagnostics');
    expect(screen.getAllByRole('table')[0]?.textContent).toContain('Sync server');
  });

  it('explains a refused link instead of spinning', async () => {
    render(<App transport={standInEngine(HEALTH, true).transport} />);
    await flush();
    expect(screen.getByTestId('engine-status').dataset.state).toBe('refused');
    expect(screen.getByRole('alert').textContent).toContain('already used');
    expect(screen.getByTestId('server-status').dataset.state).toBe('unknown');
  });
});

describe('webSocketTransport', () => {
  it('takes the token out of the address bar and offers it as a subprotocol', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };
    const replaced: string[] = [];
    const opened: { url: string; protocols: string[] }[] = [];
    const transport = webSocketTransport(
      { host: '127.0.0.1:4000', hash: '#token=abc_DEF-123', pathname: '/', search: '' },
      storage,
      {
        replaceState: (_s: unknown, _t: string, url?: string | URL | null) =>
          void replaced.push(String(url)),
      },
      (url, protocols) => {
        opened.push({ url, protocols });
        return {} as WebSocket;
      },
    );
    expect(replaced).toEqual(['/']);
    expect(store.get(SESSION_STORAGE_KEY)).toBe('abc_DEF-123');
    const ignore = (): void => undefined;
    transport.open({ onOpen: ignore, onMessage: ignore, onClose: ignore });
    expect(opened).toEqual([
      {
        url: 'ws://127.0.0.1:4000/rpc',
        protocols: ['voiceassist.v1', 'voiceassist.token.abc_DEF-123'],
      },
    ]);
    expect(store.has(SESSION_STORAGE_KEY)).toBe(false); // spent; the server sends the next one
  });
});
