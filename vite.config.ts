import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Builds the renderer (apps/desktop/src/renderer) into apps/desktop/dist/renderer. `base: './'`
 * keeps every URL relative, so the same build is served by Electron's app:// protocol and by web
 * mode's loopback server. No inline scripts are emitted: the CSP allows only 'self'.
 */
export const RENDERER_ROOT = path.resolve(import.meta.dirname, 'apps/desktop/src/renderer');
export const RENDERER_OUT = path.resolve(import.meta.dirname, 'apps/desktop/dist/renderer');

export default defineConfig({
  root: RENDERER_ROOT,
  base: './',
  plugins: [react()],
  build: {
    outDir: RENDERER_OUT,
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    modulePreload: { polyfill: false },
    // The main page, and the push-to-talk overlay (its own small window in Electron).
    rollupOptions: {
      input: {
        main: path.join(RENDERER_ROOT, 'index.html'),
        overlay: path.join(RENDERER_ROOT, 'overlay', 'index.html'),
      },
    },
  },
  server: { host: '127.0.0.1', strictPort: true },
});
