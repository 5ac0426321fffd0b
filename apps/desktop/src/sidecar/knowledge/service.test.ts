import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProfile } from '../profile.js';
import { profileKeyStores } from '../store/key-stores.js';
import type { IngestProgress } from './ingest.js';
import { KnowledgeService } from './service.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-service-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('KnowledgeService', () => {
  it('orders key stores env → keychain → safeStorage → key file, the same for engine and CLI', () => {
    const kinds = profileKeyStores(path.join(dir, 'default'), {}).map((s) => s.kind);
    expect(kinds).toEqual(['env', 'keytar', 'key-file']);
  });

  it('opens the profile store on first use, ingests with progress, lists sources, refuses a second concurrent run', async () => {
    const lines: string[] = [];
    const events: IngestProgress[] = [];
    const profile = path.join(dir, 'profile');
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    const opened = openProfile({
      dir: profile,
      env: { VOICEASSIST_EMBED_MODEL: 'hashing-bow' },
      log,
    });
    const service = new KnowledgeService({
      open: async () => (await opened).knowledge,
      log,
      onProgress: (p) => events.push(p),
    });
    try {
      await fs.writeFile(path.join(dir, 'a.md'), '# Asthma\n\nSalbutamol relieves wheeze.');
      const first = service.ingest([path.join(dir, 'a.md')], { tags: ['resp'] });
      await expect(service.ingest([path.join(dir, 'a.md')])).rejects.toThrow(/already running/);
      expect((await first).added).toBe(1);
      expect(events.at(-1)?.phase).toBe('done');
      const kb = await service.open();
      expect(kb.sources()).toEqual([
        expect.objectContaining({ title: 'Asthma', kind: 'markdown', chunks: 1, tags: ['resp'] }),
      ]);
      expect(lines.join('\n')).toMatch(/database key: created a new random key in key-file/);
      expect(service.cancelIngestion()).toBe(false);
    } finally {
      await service.close();
      await (await opened).close();
    }
  });
});
