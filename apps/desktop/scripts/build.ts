/**
 * Builds the desktop app into apps/desktop/dist for electron-builder:
 *   dist/main/main.cjs        Electron main (CommonJS; `electron` external)
 *   dist/preload/preload.cjs  sandboxed preload (one self-contained file; only `electron` external)
 *   dist/sidecar/index.mjs    the engine (ESM; runtime dependencies stay in node_modules)
 *   dist/renderer/            the React UI (Vite, root vite.config.ts)
 * Run: `npm run build -w @voiceassist/desktop` (= `tsx scripts/build.ts [--skip-renderer]`)
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build as esbuild, type BuildOptions } from 'esbuild';
import { build as viteBuild } from 'vite';

const APP = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(APP, '..', '..');
const DIST = path.join(APP, 'dist');
const pkg = JSON.parse(readFileSync(path.join(APP, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};
/** Runtime deps ship as node_modules (native addons cannot be bundled); workspace packages are inlined. */
const runtimeDeps = Object.keys(pkg.dependencies ?? {}).filter(
  (d) => !d.startsWith('@voiceassist/'),
);

const common: BuildOptions = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
};

export async function buildDesktop({ outDir = DIST, renderer = true } = {}): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await Promise.all([
    esbuild({
      ...common,
      entryPoints: [path.join(APP, 'src/main/main.ts')],
      outfile: path.join(outDir, 'main/main.cjs'),
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['electron', ...runtimeDeps],
    }),
    esbuild({
      ...common,
      entryPoints: [path.join(APP, 'src/preload/preload.ts')],
      outfile: path.join(outDir, 'preload/preload.cjs'),
      // A sandboxed preload can require only `electron`: everything else is bundled in.
      platform: 'browser',
      format: 'cjs',
      target: 'chrome130',
      external: ['electron'],
    }),
    esbuild({
      ...common,
      entryPoints: [path.join(APP, 'src/sidecar/index.ts')],
      outfile: path.join(outDir, 'sidecar/index.mjs'),
      platform: 'node',
      format: 'esm',
      target: 'node22',
      external: runtimeDeps,
    }),
  ]);
  if (renderer)
    await viteBuild({
      configFile: path.join(REPO, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: path.join(outDir, 'renderer') },
    });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildDesktop({ renderer: !process.argv.includes('--skip-renderer') })
    .then(() => console.log(`built ${path.relative(REPO, DIST)}`))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
