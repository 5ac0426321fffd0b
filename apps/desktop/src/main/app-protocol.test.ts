import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppUrl, resolveAppRequest } from './app-protocol.js';
import { isPermissionAllowed, secureWebPreferences } from './window-policy.js';

const ROOT = path.resolve('/opt/voiceassist/renderer');

describe('resolveAppRequest', () => {
  it('maps app URLs to files inside the renderer folder', () => {
    expect(resolveAppRequest(ROOT, 'app://workstation/')).toBe(path.join(ROOT, 'index.html'));
    expect(resolveAppRequest(ROOT, 'app://workstation/index.html')).toBe(
      path.join(ROOT, 'index.html'),
    );
    expect(resolveAppRequest(ROOT, 'app://workstation/assets/index-abc.js?x=1#y')).toBe(
      path.join(ROOT, 'assets', 'index-abc.js'),
    );
    expect(resolveAppRequest(ROOT, 'app://workstation/assets/a%20b.css')).toBe(
      path.join(ROOT, 'assets', 'a b.css'),
    );
  });

  it.each([
    'app://workstation/../secret.txt',
    'app://workstation/assets/../../etc/passwd',
    'app://workstation/%2e%2e/%2e%2e/etc/passwd',
  ])('never leaves the folder for %s (the URL parser clamps dot segments)', (url) => {
    const file = resolveAppRequest(ROOT, url);
    expect(file === null || file.startsWith(ROOT + path.sep)).toBe(true);
  });

  it.each([
    'app://workstation/assets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    'app://workstation/..%5c..%5cwindows%5cwin.ini',
    'app://workstation/assets%5c..%5c..%5csecret',
    'app://workstation/index.html%00.js',
    'app://workstation/C:/Windows/win.ini',
    'app://workstation/%E0%A4%A',
    'app://evil/index.html',
    'file:///etc/passwd',
    'https://workstation/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppRequest(ROOT, url)).toBeNull();
  });
});

describe('window policy', () => {
  it('runs the renderer isolated and sandboxed', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      preload: '/p.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('grants the microphone to our own page only, and nothing else', () => {
    const own = 'app://workstation/index.html';
    expect(
      isPermissionAllowed({ permission: 'media', requestingUrl: own, mediaTypes: ['audio'] }),
    ).toBe(true);
    expect(isPermissionAllowed({ permission: 'media', requestingUrl: own })).toBe(true);
    expect(
      isPermissionAllowed({
        permission: 'media',
        requestingUrl: own,
        mediaTypes: ['audio', 'video'],
      }),
    ).toBe(false);
    expect(
      isPermissionAllowed({ permission: 'media', requestingUrl: own, mediaTypes: ['video'] }),
    ).toBe(false);
    expect(
      isPermissionAllowed({
        permission: 'media',
        requestingUrl: 'https://evil.example/',
        mediaTypes: ['audio'],
      }),
    ).toBe(false);
    for (const permission of [
      'geolocation',
      'notifications',
      'display-capture',
      'clipboard-read',
      'openExternal',
    ])
      expect(isPermissionAllowed({ permission, requestingUrl: own })).toBe(false);
  });

  it('recognises only app://workstation as ours', () => {
    expect(isAppUrl('app://workstation/index.html')).toBe(true);
    expect(isAppUrl('app://other/')).toBe(false);
    expect(isAppUrl('http://127.0.0.1/')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });
});
