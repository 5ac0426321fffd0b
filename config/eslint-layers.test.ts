import { ESLint } from 'eslint';
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
  ])('%s allows `%s`', async (file, source) => {
    expect(await importErrors(file, source)).toEqual([]);
  });
});
