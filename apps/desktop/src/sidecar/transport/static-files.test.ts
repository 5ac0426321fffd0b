import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStaticFile } from './static-files.js';

let dir: string;
let root: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'va-static-'));
  root = path.join(dir, 'renderer');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), 'ok');
  await writeFile(path.join(root, 'assets', 'app.js'), 'ok');
  await writeFile(path.join(dir, 'secret.txt'), 'secret');
  await symlink(path.join(dir, 'secret.txt'), path.join(root, 'link-out.txt'));
  await symlink(path.join(root, 'assets', 'app.js'), path.join(root, 'link-in.js'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('resolveStaticFile', () => {
  it('serves files inside the folder, the root as index.html', async () => {
    expect(await resolveStaticFile(root, '/')).toBe(path.join(root, 'index.html'));
    expect(await resolveStaticFile(root, '/assets/app.js')).toBe(
      path.join(root, 'assets', 'app.js'),
    );
    expect(await resolveStaticFile(root, '/link-in.js')).toBe(path.join(root, 'assets', 'app.js'));
  });

  it('refuses traversal, links out of the folder, folders and missing files', async () => {
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/link-out.txt',
      '/assets',
      '/missing.js',
    ])
      expect(await resolveStaticFile(root, p), p).toBeNull();
  });
});
