// Whether apps/desktop/dist is up to date with its sources, so `npm start` rebuilds only after a
// change: a SHA-256 over the path and content of every input file, kept in dist/.build-stamp.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the desktop build reads: its sources, the shared packages, the build configuration. */
const INPUTS = [
  'apps/desktop/src',
  'apps/desktop/scripts/build.ts',
  'apps/desktop/package.json',
  'packages',
  'vite.config.ts',
  'package-lock.json',
];
const SKIP = new Set(['node_modules', 'dist', '.tsbuild']);

/** Every input file under `root`, sorted, relative to it. */
export function inputFiles(root) {
  const out = [];
  for (const rel of INPUTS) {
    const full = path.join(root, rel);
    if (!existsSync(full)) continue;
    let list;
    try {
      list = readdirSync(full, { withFileTypes: true, recursive: true });
    } catch {
      out.push(rel); // a file
      continue;
    }
    for (const e of list) {
      if (!e.isFile()) continue;
      const file = path.relative(root, path.join(e.parentPath, e.name));
      if (file.split(path.sep).some((part) => SKIP.has(part))) continue;
      if (/\.test\.tsx?$/.test(file)) continue; // tests are not built
      out.push(file);
    }
  }
  return out.sort();
}

export function sourceStamp(root) {
  const hash = createHash('sha256');
  for (const file of inputFiles(root))
    hash.update(`${file}\0`).update(readFileSync(path.join(root, file)));
  return hash.digest('hex');
}

const stampFile = (root) => path.join(root, 'apps', 'desktop', 'dist', '.build-stamp');

/** True when dist was built from exactly these sources (and its outputs are there). */
export function buildIsCurrent(root, stamp = sourceStamp(root)) {
  const dist = path.join(root, 'apps', 'desktop', 'dist');
  const outputs = ['sidecar/index.mjs', 'renderer/index.html', 'main/main.cjs'];
  if (!outputs.every((o) => existsSync(path.join(dist, o)))) return false;
  try {
    return readFileSync(stampFile(root), 'utf8').trim() === stamp;
  } catch {
    return false;
  }
}

export function writeStamp(root, stamp) {
  writeFileSync(stampFile(root), `${stamp}\n`);
}
