import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../shared/knowledge.js';
import { profileHandleFromEnv, type ProfileHandle } from '../profile-handle.js';
import { safeName } from './manager-rpc.js';
import { KnowledgeRpc } from './rpc.js';

let dir: string;
let rpc: KnowledgeRpc | undefined;
let profiles: ProfileHandle | undefined;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-kb-manager-'));
});
afterEach(async () => {
  await rpc?.close();
  await profiles?.close();
  rpc = undefined;
  profiles = undefined;
  await fs.rm(dir, { recursive: true, force: true });
});

const ctx = { connectionId: 'test' };

/** The knowledge RPC over a real encrypted profile store; `run()` resolves at a run's end. */
function open() {
  let finished: (p: ProgressEvent) => void = () => undefined;
  const silent = pino({ level: 'silent' });
  profiles = profileHandleFromEnv(
    {
      VOICEASSIST_PROFILE_DIR: path.join(dir, 'profile'),
      VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
      VOICEASSIST_EMBED_MODEL: 'hashing-bow',
    },
    silent,
  );
  rpc = new KnowledgeRpc(profiles, silent, (name, payload) => {
    const p = payload as ProgressEvent;
    if (name === 'knowledge.progress' && ['done', 'cancelled', 'failed'].includes(p.phase))
      finished(p);
  });
  const h = rpc.handlers();
  const run = async (start: () => unknown): Promise<ProgressEvent> => {
    const end = new Promise<ProgressEvent>((resolve) => (finished = resolve));
    await start();
    return end;
  };
  return { h, run };
}

describe('knowledge manager calls', () => {
  it('a missing path is refused before anything starts (KB_PATH_NOT_FOUND)', async () => {
    const { h } = open();
    await expect(
      Promise.resolve(h['knowledge.ingest']({ paths: [path.join(dir, 'nowhere')] }, ctx)),
    ).rejects.toMatchObject({ code: 'KB_PATH_NOT_FOUND' });
  });

  it('removes and re-indexes sources; a duplicate is not listed as a failed source', async () => {
    const { h, run } = open();
    const docs = path.join(dir, 'docs');
    await fs.mkdir(docs);
    await fs.writeFile(path.join(docs, 'a.md'), '# Asthma\n\nSalbutamol relieves wheeze.\n');
    await fs.writeFile(path.join(docs, 'b.md'), '# Gout\n\nColchicine treats gout attacks.\n');
    await fs.writeFile(path.join(docs, 'copy.md'), '# Gout\n\nColchicine treats gout attacks.\n');
    const end = await run(() => h['knowledge.ingest']({ paths: [docs] }, ctx));
    expect(end.filesDone).toBeLessThanOrEqual(end.filesTotal);
    expect(end.errors.map((e) => e.code)).toEqual(['INGEST_DUPLICATE']);
    let sources = await h['knowledge.sources']({}, ctx);
    expect(sources.sources.map((s) => s.status)).toEqual(['ready', 'ready']);

    const asthma = sources.sources.find((s) => s.title === 'Asthma')!;
    await fs.writeFile(path.join(docs, 'a.md'), '# Asthma\n\nSalbutamol relieves acute wheeze.\n');
    await run(() => h['knowledge.reindex']({ documentIds: [asthma.documentId!] }, ctx));
    const read = await h['knowledge.document'](
      {
        documentId: (await h['knowledge.sources']({}, ctx)).sources.find(
          (s) => s.title === 'Asthma',
        )!.documentId!,
      },
      ctx,
    );
    expect(read.text).toContain('acute wheeze');

    sources = await h['knowledge.sources']({}, ctx);
    const removed = await h['knowledge.remove'](
      { documentIds: sources.sources.map((s) => s.documentId!) },
      ctx,
    );
    expect(removed.removed).toBe(2);
    expect((await h['knowledge.sources']({}, ctx)).documents).toBe(0);
    expect(await fs.readFile(path.join(docs, 'a.md'), 'utf8')).toContain('Asthma'); // files stay
  });

  it('adds a file given by content, in pieces, and refuses unsupported types', async () => {
    const { h, run } = open();
    const text = Buffer.from(
      '# Sepsis\n\nGive antibiotics within one hour of recognising sepsis.\n',
    );
    const half = Math.floor(text.length / 2);
    const first = await h['knowledge.upload'](
      {
        uploadId: 'upload-0001',
        name: '../../sepsis.md',
        offset: 0,
        data: text.subarray(0, half).toString('base64'),
        last: false,
      },
      ctx,
    );
    expect(first).toEqual({ received: half, path: null });
    const second = await h['knowledge.upload'](
      {
        uploadId: 'upload-0001',
        name: '../../sepsis.md',
        offset: half,
        data: text.subarray(half).toString('base64'),
        last: true,
      },
      ctx,
    );
    expect(second.received).toBe(text.length);
    await run(() => h['knowledge.ingest']({ paths: [second.path!] }, ctx));
    const sources = await h['knowledge.sources']({}, ctx);
    expect(sources.sources[0]).toMatchObject({ title: 'Sepsis', status: 'ready' });
    expect(sources.sources[0]?.sourcePath).toBe(
      path.join(dir, 'profile', 'uploads', 'upload-0001', 'sepsis.md'),
    );
    await expect(
      Promise.resolve(
        h['knowledge.upload'](
          { uploadId: 'upload-0002', name: 'photo.jpg', offset: 0, data: '', last: true },
          ctx,
        ),
      ),
    ).rejects.toMatchObject({ code: 'INGEST_UNSUPPORTED' });
    expect(safeName('..\\..\\x/.hidden.md')).toBe('hidden.md');
  });
});
