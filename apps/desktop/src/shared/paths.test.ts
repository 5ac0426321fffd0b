import { describe, expect, it } from 'vitest';
import { contentTypeFor, safeRelativeSegments } from './paths.js';

describe('safeRelativeSegments', () => {
  it('maps ordinary paths, the root to index.html', () => {
    expect(safeRelativeSegments('/')).toEqual(['index.html']);
    expect(safeRelativeSegments('')).toEqual(['index.html']);
    expect(safeRelativeSegments('/assets/index-1.js')).toEqual(['assets', 'index-1.js']);
    expect(safeRelativeSegments('/./assets//a%20b.css')).toEqual(['assets', 'a b.css']);
  });

  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/%2e%2e/secret',
    '/assets/%2E%2E%2F%2E%2E%2Fsecret',
    '/..%5csecret',
    '/a\\b',
    '/index.html%00.js',
    '/C:/Windows/win.ini',
    '/%E0%A4%A',
  ])('refuses %s', (p) => {
    expect(safeRelativeSegments(p)).toBeNull();
  });
});

describe('contentTypeFor', () => {
  it('knows what the renderer build emits', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('noext')).toBe('application/octet-stream');
  });
});
