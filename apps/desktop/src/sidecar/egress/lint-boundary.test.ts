import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const RULES = new Set([
  'no-restricted-imports',
  'no-restricted-globals',
  'no-restricted-properties',
]);

// The real eslint.config.js, only the rules that fence the network, without type information so
// probe files need not exist on disk.
const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => RULES.has(ruleId),
});

async function errors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(REPO_ROOT, file) });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('egress boundary (only sidecar/egress reaches providers)', () => {
  it.each([
    "import OpenAI from 'openai';",
    "import { createClient } from '@deepgram/sdk';",
    "import { ElevenLabsClient } from '@elevenlabs/elevenlabs-js';",
    "import https from 'node:https';",
    "import http from 'http';",
    "import net from 'node:net';",
    "import tls from 'node:tls';",
    "import { request } from 'undici';",
    "import WebSocket from 'ws';",
    "export const r = await fetch('https://api.openai.com/v1/models');",
    "export const r = await globalThis.fetch('https://api.openai.com/v1/models');",
    "export const s = new WebSocket('wss://api.deepgram.com/v1/listen');",
  ])('sidecar code outside egress/ may not: %s', async (source) => {
    const found = await errors('apps/desktop/src/sidecar/voice/probe.ts', source);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/egress guard/);
  });

  it.each([
    ['apps/desktop/src/sidecar/egress/probe.ts', "import WebSocket from 'ws';"],
    ['apps/desktop/src/sidecar/egress/probe.ts', 'export const f = fetch;'],
    ['apps/desktop/src/sidecar/transport/probe.ts', "import { WebSocketServer } from 'ws';"],
    ['apps/desktop/src/sidecar/transport/probe.ts', "import { createServer } from 'node:http';"],
    [
      'apps/desktop/src/sidecar/voice/probe.ts',
      "import type { IncomingMessage } from 'node:http';",
    ],
    ['apps/desktop/src/sidecar/voice/probe.ts', "import fs from 'node:fs';"],
  ])('%s may: %s', async (file, source) => {
    expect(await errors(file, source)).toEqual([]);
  });

  it('keeps the sidecar layer rule in the egress block', async () => {
    const found = await errors(
      'apps/desktop/src/sidecar/voice/probe.ts',
      "import { app } from 'electron';",
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/plain Node/);
  });
});
