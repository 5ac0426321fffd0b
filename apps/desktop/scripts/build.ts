/**
 * Builds the desktop app into apps/desktop/dist for electron-builder:
 *   dist/main/main.cjs        Electron main (CommonJS; `electron` external)
 *   dist/main/hook-process.cjs  the push-to-talk keyboard hook helper, run by main as its own
 *                             process (`uiohook-napi` external: its .node prebuild stays unpacked)
 *   dist/preload/preload.cjs  sandboxed preload (one self-contained file; only `electron` external)
 *   dist/preload/overlay-preload.cjs  the overlay window's preload (same rules)
 *   dist/sidecar/index.mjs    the engine (ESM; runtime dependencies stay in node_modules)
 *   dist/renderer/            the React UI and overlay/index.html (Vite, root vite.config.ts)
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
/**
 * Pure-JS ESM packages the engine imports at start that are many small files: Node's ESM loader
 * resolves, reads and compiles each one before the engine can run (typebox alone is ~680 modules,
 * most of the engine's start-up), so they are inlined into its bundle (one file, one parse).
 */
const INLINED_IN_ENGINE = new Set(['typebox', 'htmlparser2', 'stemmer']);
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

/** `import.meta.url` in code bundled to CommonJS: this file's own URL (esbuild leaves it empty). */
const cjsImportMeta: BuildOptions = {
  banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
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
      // Self-contained apart from Electron and Node (its few pure dependencies are inlined).
      external: ['electron'],
      ...cjsImportMeta,
    }),
    esbuild({
      ...common,
      entryPoints: [path.join(APP, 'src/main/hotkey/hook-process.ts')],
      outfile: path.join(outDir, 'main/hook-process.cjs'),
      // Plain Node (ELECTRON_RUN_AS_NODE=1 in the app); the native hook loads from node_modules.
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['uiohook-napi'],
      ...cjsImportMeta,
    }),
    ...['preload', 'overlay-preload'].map((name) =>
      esbuild({
        ...common,
        entryPoints: [path.join(APP, `src/preload/${name}.ts`)],
        outfile: path.join(outDir, `preload/${name}.cjs`),
        // A sandboxed preload can require only `electron`: everything else is bundled in.
        platform: 'browser',
        format: 'cjs',
        target: 'chrome130',
        external: ['electron'],
      }),
    ),
    esbuild({
      ...common,
      entryPoints: [path.join(APP, 'src/sidecar/index.ts')],
      outfile: path.join(outDir, 'sidecar/index.mjs'),
      platform: 'node',
      format: 'esm',
      target: 'node22',
      external: runtimeDeps.filter((d) => !INLINED_IN_ENGINE.has(d)),
      // CommonJS code bundled into this ESM file (undici, via @voiceassist/http-client) requires
      // Node built-ins: give it a real `require`, which esbuild's shim uses when one exists.
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
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
