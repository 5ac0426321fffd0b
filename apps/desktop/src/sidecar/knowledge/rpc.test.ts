import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../shared/knowledge.js';
import { profileHandleFromEnv, type ProfileHandle } from '../profile-handle.js';
import { KnowledgeRpc } from './rpc.js';

let dir: string;
let rpc: KnowledgeRpc | undefined;
let profiles: ProfileHandle | undefined;

/** What the engine does on stop: the calls first, then the profile they share. */
async function closeEngineParts(): Promise<void> {
  await rpc?.close();
  await profiles?.close();
  rpc = undefined;
  profiles = undefined;
}
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-kb-rpc-'));
});
afterEach(async () => {
  await closeEngineParts();
  await fs.rm(dir, { recursive: true, force: true });
});

const ctx = { connectionId: 'test' };
const silent = pino({ level: 'silent' });

function open(env: NodeJS.ProcessEnv) {
  const events: ProgressEvent[] = [];
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  profiles = profileHandleFromEnv(env, silent);
  rpc = new KnowledgeRpc(profiles, silent, (name, payload) => {
    if (name !== 'knowledge.progress') return;
    const p = payload as ProgressEvent;
    events.push(p);
    if (p.phase === 'done' || p.phase === 'cancelled' || p.phase === 'failed') finished();
  });
  return { h: rpc.handlers(), events, done };
}

describe('knowledge RPC handlers (real encrypted store, lexical embedder)', () => {
  it('answers KB_NOT_AVAILABLE without a profile folder and KB_PATH_INVALID for relative paths', async () => {
    const { h } = open({});
    await expect(Promise.resolve(h['knowledge.sources']({}, ctx))).rejects.toMatchObject({
      code: 'KB_NOT_AVAILABLE',
    });
    expect(profiles!.components().store.status).toBe('not-configured');
    const { h: h2 } = open({ VOICEASSIST_PROFILE_DIR: path.join(dir, 'p') });
    await expect(
      Promise.resolve(h2['knowledge.ingest']({ paths: ['docs/a.md'] }, ctx)),
    ).rejects.toMatchObject({ code: 'KB_PATH_INVALID' });
  });

  it('ingests in the background with progress events, lists sources and failures, searches, answers, returns the cited passage', async () => {
    const docs = path.join(dir, 'docs');
    await fs.mkdir(docs);
    const text =
      '# Asthma\n\nSalbutamol relieves acute wheeze in asthma. Inhaled steroids prevent asthma attacks.\n';
    await fs.writeFile(path.join(docs, 'asthma.md'), text);
    await fs.writeFile(path.join(docs, 'bad.txt'), Buffer.alloc(2048, 0));
    const { h, events, done } = open({
      VOICEASSIST_PROFILE_DIR: path.join(dir, 'profile'),
      VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
      VOICEASSIST_EMBED_MODEL: 'hashing-bow',
    });
    expect(profiles!.components()).toMatchObject({
      store: { status: 'not-ready' },
      models: { status: 'not-ready' },
    });
    expect(await h['knowledge.ingest']({ paths: [docs] }, ctx)).toEqual({
      started: true,
      paths: 1,
    });
    await expect(
      Promise.resolve(h['knowledge.ingest']({ paths: [docs] }, ctx)),
    ).rejects.toMatchObject({ code: 'KB_BUSY' });
    await done;
    expect(profiles!.components()).toMatchObject({
      store: { status: 'ready' },
      models: { status: 'ready', detail: expect.stringContaining('hashing-bow') as unknown },
    });
    expect(events[0]?.phase).toBe('scanning');
    const last = events.at(-1)!;
    expect(last).toMatchObject({ phase: 'done', filesTotal: 2, filesSkipped: 1 });
    expect(last.errors.map((e) => [e.path, e.code])).toEqual([
      [path.join(docs, 'bad.txt'), 'INGEST_BINARY'],
    ]);
    expect(last.errors[0]?.reason.length).toBeGreaterThan(0);

    const sources = await h['knowledge.sources']({}, ctx);
    expect(sources).toMatchObject({ documents: 1, ingesting: false });
    expect(sources.sources.map((s) => [s.title, s.status, s.code])).toEqual([
      ['Asthma', 'ready', undefined],
      ['bad.txt', 'failed', 'INGEST_BINARY'],
    ]);

    const found = await h['knowledge.search']({ query: 'salbutamol wheeze' }, ctx);
    expect(found.hits[0]?.sourcePath).toBe(path.join(docs, 'asthma.md'));

    const answer = await h['knowledge.ask'](
      { question: 'What relieves acute wheeze in asthma?' },
      ctx,
    );
    expect(answer.covered).toBe(true);
    const cite = answer.sentences[0]!.citations[0]!;
    const passage = await h['knowledge.passage'](
      { documentId: cite.documentId, start: cite.start, end: cite.end },
      ctx,
    );
    const span = passage.text.slice(
      passage.start - passage.textStart,
      passage.end - passage.textStart,
    );
    expect(span).toContain('Salbutamol relieves acute wheeze');
    const byPath = await h['knowledge.passage'](
      { sourcePath: cite.sourcePath, start: cite.start, end: cite.end },
      ctx,
    );
    expect(byPath.documentId).toBe(cite.documentId);
    await expect(
      Promise.resolve(
        h['knowledge.passage']({ documentId: cite.documentId, start: 0, end: 10_000_000 }, ctx),
      ),
    ).rejects.toMatchObject({ code: 'KB_SPAN_INVALID' });
    await expect(
      Promise.resolve(h['knowledge.passage']({ documentId: 999, start: 0, end: 1 }, ctx)),
    ).rejects.toMatchObject({ code: 'KB_NOT_FOUND' });
    expect(h['knowledge.cancelIngest']({}, ctx)).toEqual({ cancelled: false });
  });

  it('reports STORE_WRONG_KEY when the profile store was made with another key', async () => {
    const profile = path.join(dir, 'profile');
    const first = open({
      VOICEASSIST_PROFILE_DIR: profile,
      VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
      VOICEASSIST_EMBED_MODEL: 'hashing-bow',
    });
    await first.h['knowledge.sources']({}, ctx);
    await closeEngineParts();
    const second = open({
      VOICEASSIST_PROFILE_DIR: profile,
      VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
      VOICEASSIST_EMBED_MODEL: 'hashing-bow',
    });
    await expect(Promise.resolve(second.h['knowledge.sources']({}, ctx))).rejects.toMatchObject({
      code: 'STORE_WRONG_KEY',
    });
    expect(profiles!.components().store).toEqual({
      status: 'error',
      detail: expect.stringContaining('STORE_WRONG_KEY') as unknown,
    });
  });
});
