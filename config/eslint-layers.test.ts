import { ESLint } from 'eslint';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// The real eslint.config.js, restricted to the layer rule, without type information so probe
// files need not exist on disk.
const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

async function importErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(REPO_ROOT, file) });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('layer rules (DESIGN.md dependency direction)', () => {
  it.each([
    ['apps/desktop/src/renderer/probe.ts', "import fs from 'node:fs';", /bridge/],
    ['apps/desktop/src/renderer/probe.ts', "import fs from 'fs';", /bridge/],
    [
      'apps/desktop/src/renderer/probe.ts',
      "import { ipcRenderer } from 'electron';",
      /window\.voiceassist/,
    ],
    [
      'apps/desktop/src/renderer/probe.ts',
      "import { x } from '../sidecar/index.js';",
      /RPC contract/,
    ],
    ['apps/desktop/src/shared/probe.ts', "import path from 'node:path';", /Isomorphic/],
    ['packages/phi/src/probe.ts', "import React from 'react';", /no UI/],
    [
      'apps/desktop/src/main/probe.ts',
      "import Database from 'better-sqlite3-multiple-ciphers';",
      /Main stays thin/,
    ],
    ['apps/desktop/src/main/probe.ts', "import { x } from '../sidecar/index.js';", /by path/],
    ['apps/desktop/src/sidecar/probe.ts', "import { app } from 'electron';", /plain Node/],
    ['apps/desktop/src/preload/probe.ts', "import { shell } from 'electron';", /contextBridge/],
    ['apps/desktop/src/preload/probe.ts', "import fs from 'node:fs';", /sandboxed/],
    [
      'apps/sync-server/src/probe.ts',
      "import { x } from '../../desktop/src/shared/index.js';",
      /packages/,
    ],
    // Test support stays out of production code.
    [
      'apps/desktop/src/sidecar/probe.ts',
      "import { x } from '../../test-support/data.js';",
      /test support/,
    ],
    [
      'apps/desktop/src/main/probe.ts',
      "import { x } from '../../test-support/wait.js';",
      /test support/,
    ],
    [
      'apps/desktop/src/renderer/probe.tsx',
      "import { x } from '../../test-support/data.js';",
      /test support/,
    ],
    [
      'apps/desktop/src/sidecar/probe.ts',
      "import { startGateway } from '@voiceassist/tests/harness/gateway.js';",
      /test support/,
    ],
    [
      'apps/sync-server/src/probe.ts',
      "import { x } from '../test-support/helper.js';",
      /test support/,
    ],
    // The desktop never imports the server, not even in tests: the harness starts it.
    [
      'apps/desktop/src/sidecar/probe.ts',
      "import { buildApp } from '@voiceassist/sync-server/src/app.js';",
      /never imports the sync server/,
    ],
    [
      'apps/desktop/src/sidecar/assistant/probe.test.ts',
      "import { buildApp } from '../../../../sync-server/src/app.js';",
      /never imports the sync server/,
    ],
    [
      'apps/desktop/e2e/probe.test.ts',
      "import { startOpenAiStandin } from '@voiceassist/sync-server/test-support/standins/index.js';",
      /never imports the sync server/,
    ],
    [
      'apps/desktop/test-support/probe.ts',
      "import { buildApp } from '../../sync-server/src/app.js';",
      /never imports the sync server/,
    ],
    // The layers cover plain JavaScript modules too.
    ['apps/desktop/src/sidecar/probe.mjs', "import { app } from 'electron';", /plain Node/],
    ['apps/desktop/src/renderer/probe.mjs', "import fs from 'node:fs';", /bridge/],
    ['packages/phi/src/probe.mjs', "import fs from 'node:fs';", /Isomorphic/],
  ])('%s rejects `%s`', async (file, source, message) => {
    const errors = await importErrors(file, source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['apps/desktop/src/renderer/probe.ts', "import { x } from '../shared/index.js';"],
    ['apps/desktop/src/preload/probe.ts', "import { contextBridge, ipcRenderer } from 'electron';"],
    ['apps/desktop/src/sidecar/probe.ts', "import fs from 'node:fs';"],
    ['apps/desktop/src/main/probe.ts', "import path from 'node:path';"],
    ['apps/sync-server/src/probe.ts', "import { detectPhi } from '@voiceassist/phi';"],
    ['apps/desktop/src/sidecar/probe.test.ts', "import { x } from '../../test-support/data.js';"],
    [
      'apps/desktop/src/sidecar/probe.test.ts',
      "import { startGateway } from '@voiceassist/tests/harness/gateway.js';",
    ],
    ['apps/desktop/src/renderer/probe.test.tsx', "import { x } from '../../test-support/data.js';"],
    ['apps/sync-server/src/probe.test.ts', "import { x } from '../test-support/helper.js';"],
    ['tests/harness/probe.ts', "import { buildApp } from '@voiceassist/sync-server/src/app.js';"],
  ])('%s allows `%s`', async (file, source) => {
    expect(await importErrors(file, source)).toEqual([]);
  });
});

describe('import cycles', () => {
  // The real config's cycle rule over two probe modules written to disk (the resolver reads files).
  const cycles = new ESLint({
    cwd: REPO_ROOT,
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false, project: null } },
    },
    ruleFilter: ({ ruleId }) => ruleId === 'import-x/no-cycle',
  });

  it('reports a cycle between two modules, and none when the import goes one way', async () => {
    const dir = await mkdtemp(path.join(REPO_ROOT, 'config', '.cycle-probe-'));
    try {
      const a = path.join(dir, 'a.ts');
      const b = path.join(dir, 'b.ts');
      await writeFile(a, "import { b } from './b.js';\nexport const a = (): number => b + 1;\n");
      await writeFile(b, "import { a } from './a.js';\nexport const b = 1;\nexport const c = a;\n");
      const [withCycle] = await cycles.lintFiles([a]);
      expect(withCycle?.messages.map((m) => m.ruleId)).toEqual(['import-x/no-cycle']);
      await writeFile(b, 'export const b = 1;\n');
      const [oneWay] = await new ESLint({
        cwd: REPO_ROOT,
        overrideConfig: {
          languageOptions: { parserOptions: { projectService: false, project: null } },
        },
        ruleFilter: ({ ruleId }) => ruleId === 'import-x/no-cycle',
      }).lintFiles([a]);
      expect(oneWay?.messages).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
