import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL } from './app-protocol.js';
import { openLoginPageHandler } from './login-page.js';

const contents = {};
const pathname = new URL(APP_INDEX_URL).pathname;
const fromApp = { sender: contents, senderFrame: { url: APP_INDEX_URL, parent: null } };

function handler() {
  const opened: string[] = [];
  const refused: string[] = [];
  const h = openLoginPageHandler({
    contents,
    pathname,
    openExternal: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
    onRefused: (why) => refused.push(why),
  });
  return { h, opened, refused };
}

describe('openLoginPageHandler', () => {
  it("opens an https login page (or http on this machine) asked for by the app's page", () => {
    const { h, opened } = handler();
    h(fromApp, 'https://cloud.clinic.example/apps/oidc/authorize?client_id=x&state=y');
    h(fromApp, 'http://127.0.0.1:4567/auth?state=y');
    h(fromApp, 'http://localhost:8080/auth');
    expect(opened).toEqual([
      'https://cloud.clinic.example/apps/oidc/authorize?client_id=x&state=y',
      'http://127.0.0.1:4567/auth?state=y',
      'http://localhost:8080/auth',
    ]);
  });

  it('drops plain http elsewhere, other schemes, non-strings and oversized URLs', () => {
    const { h, opened, refused } = handler();
    for (const url of [
      'http://cloud.clinic.example/auth',
      'http://127.0.0.1.evil.example/auth',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://workstation/index.html',
      42,
      { url: 'https://x.example' },
      `https://x.example/${'a'.repeat(5000)}`,
    ])
      h(fromApp, url);
    expect(opened).toEqual([]);
    expect(refused.every((r) => r === 'url')).toBe(true);
    expect(refused).toHaveLength(8);
  });

  it('drops a request from another window, a sub-frame or another page', () => {
    const { h, opened, refused } = handler();
    const url = 'https://cloud.clinic.example/auth';
    h({ sender: {}, senderFrame: { url: APP_INDEX_URL, parent: null } }, url);
    h({ sender: contents, senderFrame: { url: APP_INDEX_URL, parent: {} } }, url);
    h({ sender: contents, senderFrame: { url: 'https://evil.example/', parent: null } }, url);
    expect(opened).toEqual([]);
    expect(refused).toEqual(['sender', 'sender', 'sender']);
  });
});
