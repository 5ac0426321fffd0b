import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import {
  startNextcloudStandin,
  type NextcloudStandin,
} from '@voiceassist/tests/harness/nextcloud.js';
import { NextcloudClient } from '../calendar/nextcloud-client.js';
import { HashingEmbedder } from '../knowledge/hashing-embedder.js';
import { KnowledgeBase } from '../knowledge/kb.js';
import { syncFolders, type FolderSyncOptions } from './sync.js';

/** Nextcloud folders into the encrypted store: real server, Apache mod_dav, real SQLCipher store. */
let dir: string;
let nc: NextcloudStandin;
let gw: GatewayFixture;
let client: NextcloudClient;
let kb: KnowledgeBase;
let opts: FolderSyncOptions;

const put = async (rel: string, text: string) => {
  const p = path.join(nc.filesDir('alice'), rel);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, text);
  nc.fixPermissions();
};
const found = async (q: string) =>
  (await kb.search(q, { mode: 'bm25' })).hits.map((h) => path.basename(h.sourcePath));

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-files-sync-'));
  nc = await startNextcloudStandin([{ name: 'alice', password: 'alice-app-password' }]);
  gw = await startGateway({
    env: { NEXTCLOUD_URL: nc.url, NEXTCLOUD_KEYS_FILE: path.join(dir, 'keys.json') },
  });
  client = new NextcloudClient({ serverUrl: gw.url, token: () => gw.deviceKey });
  const { flowId, loginUrl } = await client.loginStart();
  nc.loginFlow.grant(loginUrl, 'alice', 'alice-app-password');
  await client.loginPoll(flowId);
  kb = KnowledgeBase.open({
    file: path.join(dir, 'kb.db'),
    key: Buffer.alloc(32, 0x42),
    embedder: new HashingEmbedder(),
  });
  opts = {
    roots: ['/Guidelines'],
    stateFile: path.join(dir, 'nextcloud-sync.json'),
    stagingDir: path.join(dir, 'staging'),
    folderEtagsCoverSubtree: false,
  };
}, 120_000);
afterAll(async () => {
  await kb.close();
  await gw.close();
  await nc.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('syncFolders', () => {
  it('ingests the chosen folder; a second sync fetches nothing', async () => {
    await put(
      'Guidelines/sepsis.md',
      '# Sepsis\n\nGive intravenous fluids early in septic shock.\n',
    );
    await put('Guidelines/Peds/fever.md', '# Fever\n\nParacetamol for fever in children.\n');
    await put('Private/notes.md', '# Not chosen\n\nNever indexed.\n');
    const first = await syncFolders(client, kb, opts);
    expect(first.downloaded).toBe(2);
    expect(first.ingest?.added).toBe(2);
    expect(await found('intravenous fluids')).toEqual(['sepsis.md']);
    expect(await found('never indexed')).toEqual([]);
    const again = await syncFolders(client, kb, opts);
    expect(again.downloaded).toBe(0);
    expect(again.ingest).toBeNull();
    // Nothing stays in plain text on disk once ingested.
    expect(
      await fs
        .readdir(opts.stagingDir, { recursive: true })
        .then((x) => x.filter((f) => f.endsWith('.md'))),
    ).toEqual([]);
  });

  it('a change re-ingests only that file; a deletion removes it from the store', async () => {
    await put(
      'Guidelines/Peds/fever.md',
      '# Fever\n\nIbuprofen for fever in children over three months.\n',
    );
    const changed = await syncFolders(client, kb, opts);
    expect(changed.downloaded).toBe(1);
    expect(changed.ingest?.files.map((f) => [path.basename(f.path), f.outcome])).toEqual([
      ['fever.md', 'updated'],
    ]);
    expect(await found('ibuprofen')).toEqual(['fever.md']);
    await fs.rm(path.join(nc.filesDir('alice'), 'Guidelines/sepsis.md'));
    const deleted = await syncFolders(client, kb, opts);
    expect(deleted.removed).toBe(1);
    expect(await found('intravenous fluids')).toEqual([]);
    expect(kb.stats().documents).toBe(1);
  });

  it('a sync that did not get to remember its walk is redone without duplicates', async () => {
    await put('Guidelines/stroke.md', '# Stroke\n\nThrombolysis within four and a half hours.\n');
    const state = await fs.readFile(opts.stateFile, 'utf8');
    await syncFolders(client, kb, opts);
    // As if killed after ingesting but before the walk was written: the old state comes back.
    await fs.writeFile(opts.stateFile, state);
    const redo = await syncFolders(client, kb, opts);
    expect(redo.ingest?.files.map((f) => f.outcome)).toEqual(['unchanged']);
    expect(kb.stats().documents).toBe(2);
    expect(await found('thrombolysis')).toEqual(['stroke.md']);
  });

  it('a renamed and moved file is renamed in the store: not downloaded, parsed or embedded again', async () => {
    await put('Guidelines/rename-me.md', '# Burns\n\nCool running water for twenty minutes.\n');
    await syncFolders(client, kb, opts);
    const before = kb.stats();
    await fs.mkdir(path.join(nc.filesDir('alice'), 'Guidelines/First aid'), { recursive: true });
    await fs.rename(
      path.join(nc.filesDir('alice'), 'Guidelines/rename-me.md'),
      path.join(nc.filesDir('alice'), 'Guidelines/First aid/burns.md'),
    );
    nc.fixPermissions();
    const r = await syncFolders(client, kb, opts);
    expect(r.changes.renamed).toHaveLength(1);
    expect(r).toMatchObject({ downloaded: 0, renamed: 1, removed: 0, ingest: null });
    expect(kb.stats()).toMatchObject({ documents: before.documents, chunks: before.chunks });
    expect(await found('running water')).toEqual(['burns.md']);
    expect((await syncFolders(client, kb, opts)).downloaded).toBe(0);
  });

  it('a file with patient identifiers is flagged (counts by kind, never the identifiers); the flag stays until it changes', async () => {
    await put(
      'Guidelines/handover-note.txt',
      'Patient John Smith, MRN 84736251, born 03/04/1950, phone 555-867-5309, admitted with sepsis.\n',
    );
    const r = await syncFolders(client, kb, opts);
    const flag = r.phi['/Guidelines/handover-note.txt'];
    expect(Object.keys(flag ?? {}).length).toBeGreaterThan(0);
    expect(JSON.stringify(r.phi)).not.toMatch(/John|Smith|84736251|555-867/);
    expect(r.phi['/Guidelines/Peds/fever.md']).toBeUndefined();
    expect((await syncFolders(client, kb, opts)).phi['/Guidelines/handover-note.txt']).toEqual(
      flag,
    );
    await put(
      'Guidelines/handover-note.txt',
      'Handover checklist: sepsis bundle within one hour.\n',
    );
    expect((await syncFolders(client, kb, opts)).phi).toEqual({});
  });

  it('kill -9 mid-sync, then sync again: the store matches the folder, nothing duplicated', async () => {
    const FILES = 30;
    for (let i = 0; i < FILES; i++) {
      const body = Array.from(
        { length: 20 },
        (_, k) => `Item ${k} of protocol ${i} about drug${i}.`,
      );
      await put(
        `Protocols/p${String(i).padStart(2, '0')}.md`,
        `# Protocol ${i}\n\n${body.join(' ')}\n`,
      );
    }
    const file = path.join(dir, 'crash.db');
    const key = Buffer.alloc(32, 0x17);
    const crash = {
      ...opts,
      roots: ['/Protocols'],
      stateFile: path.join(dir, 'crash-state.json'),
      stagingDir: path.join(dir, 'crash-staging'),
    };
    const doneAtKill = await new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(import.meta.dirname, '../../../test-support/files/sync-child.ts'),
          gw.url,
          gw.deviceKey,
          file,
          key.toString('hex'),
          crash.stateFile,
          crash.stagingDir,
          '/Protocols',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let seen = 0;
      let buf = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          seen = Math.max(seen, (JSON.parse(line) as { filesDone: number }).filesDone);
          if (seen >= 5 && child.exitCode === null) child.kill('SIGKILL');
        }
      });
      child.on('exit', (code, signal) => {
        if (signal === 'SIGKILL') resolve(seen);
        else reject(new Error(`child exited (${String(code)}) before it was killed: ${stderr}`));
      });
    });
    expect(doneAtKill).toBeGreaterThanOrEqual(5);
    const store = KnowledgeBase.open({ file, key, embedder: new HashingEmbedder() });
    try {
      expect(store.stats().documents).toBeLessThan(FILES);
      await syncFolders(client, store, crash);
      const stats = store.stats();
      expect(stats.documents).toBe(FILES);
      expect(stats.unfinishedJobs).toBe(0);
      const paths = store.db.prepare('SELECT source_path FROM documents').all() as {
        source_path: string;
      }[];
      expect(new Set(paths.map((p) => p.source_path)).size).toBe(FILES);
      expect((await store.search('drug29', { mode: 'bm25' })).hits[0]?.title).toBe('Protocol 29');
      const again = await syncFolders(client, store, crash);
      expect(again.downloaded).toBe(0);
    } finally {
      await store.close();
    }
  });
});
