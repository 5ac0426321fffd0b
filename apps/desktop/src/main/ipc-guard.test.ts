import { describe, expect, it } from 'vitest';
import { isTrustedSender } from './ipc-guard.js';

describe('isTrustedSender', () => {
  const contents = { id: 1 };
  const main = { url: 'app://workstation/index.html', parent: null };

  it('accepts our window, main frame, our page', () => {
    expect(isTrustedSender({ sender: contents, senderFrame: main }, contents, '/index.html')).toBe(
      true,
    );
    // a hash or query on our page is still our page
    expect(
      isTrustedSender(
        {
          sender: contents,
          senderFrame: { url: 'app://workstation/index.html#ask', parent: null },
        },
        contents,
        '/index.html',
      ),
    ).toBe(true);
  });

  it('refuses another window, a sub-frame, a missing frame, another page or origin', () => {
    const other = { id: 2 };
    const check = (event: Parameters<typeof isTrustedSender>[0]): boolean =>
      isTrustedSender(event, contents, '/index.html');
    expect(check({ sender: other, senderFrame: main })).toBe(false);
    expect(check({ sender: contents, senderFrame: { ...main, parent: {} } })).toBe(false);
    expect(check({ sender: contents, senderFrame: null })).toBe(false);
    expect(check({ sender: contents })).toBe(false);
    for (const url of [
      'app://workstation/overlay/index.html',
      'app://evil/index.html',
      'https://workstation/index.html',
      'file:///index.html',
      'not a url',
    ])
      expect(check({ sender: contents, senderFrame: { url, parent: null } }), url).toBe(false);
    expect(
      isTrustedSender({ sender: undefined, senderFrame: main }, undefined, '/index.html'),
    ).toBe(false);
  });
});
