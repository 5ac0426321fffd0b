import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * Three projects, one run: `node` (unit + integration against real servers the tests start),
 * `renderer` (React components in jsdom), `e2e` (real Chromium through playwright-core, serial).
 */
export default defineConfig({
  test: {
    // Vitest's default is one worker on a 2-core machine (CPUs − 1). Most files wait on servers
    // they started (PostgreSQL, Chromium, stand-ins) rather than compute, so two keep both cores
    // busy; e2e files still run one at a time among themselves.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/eval/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'apps/*/test/**/*.test.ts',
            'apps/*/scripts/**/*.test.ts',
            'tests/**/*.test.ts',
            'bench/**/*.test.ts',
            'scripts/**/*.test.ts',
            'config/**/*.test.ts',
          ],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['apps/desktop/src/renderer/**/*.test.tsx'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['apps/desktop/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
