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
import { diff, EMPTY_STATE, walk, type SyncState } from './changes.js';

/** Change detection through the real sync server against Apache mod_dav at Nextcloud's path. */
let dir: string;
let nc: NextcloudStandin;
let gw: GatewayFixture;
let client: NextcloudClient;
let files: string;

const write = async (rel: string, text: string, mtime?: Date, fix = true) => {
  const p = path.join(files, rel);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, text);
  if (mtime) await fs.utimes(p, mtime, mtime);
  if (fix) nc.fixPermissions();
};
const plain = { folderEtagsCoverSubtree: false } as const;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-files-'));
  nc = await startNextcloudStandin([{ name: 'alice', password: 'alice-app-password' }]);
  files = nc.filesDir('alice');
  gw = await startGateway({
    env: { NEXTCLOUD_URL: nc.url, NEXTCLOUD_KEYS_FILE: path.join(dir, 'keys.json') },
  });
  client = new NextcloudClient({ serverUrl: gw.url, token: () => gw.deviceKey });
  const { flowId, loginUrl } = await client.loginStart();
  nc.loginFlow.grant(loginUrl, 'alice', 'alice-app-password');
  await client.loginPoll(flowId);
}, 120_000);
afterAll(async () => {
  await gw.close();
  await nc.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('walk + diff (sync server → Apache mod_dav)', () => {
  let state: SyncState = EMPTY_STATE;
  const t0 = new Date('2026-01-01T10:00:00Z');

  it('first walk: every file is added, one listing per folder', async () => {
    await write('Guidelines/sepsis.md', '# Sepsis\nGive fluids early.\n', t0);
    await write('Guidelines/Peds/fever.md', '# Fever\nParacetamol 15 mg/kg.\n', t0);
    await write('Guidelines/old.md', 'Superseded.\n', t0);
    await write('Guidelines/rename-me.md', 'Same content, new name.\n', t0);
    const r = await walk(client, ['/Guidelines'], plain);
    expect(r.requests).toBe(2);
    const c = diff(EMPTY_STATE, r.state);
    expect(c.added.map((f) => f.path)).toEqual([
      '/Guidelines/Peds/fever.md',
      '/Guidelines/old.md',
      '/Guidelines/rename-me.md',
      '/Guidelines/sepsis.md',
    ]);
    expect(c.added.every((f) => f.etag !== null && f.lastModified !== null)).toBe(true);
    state = r.state;
  });

  it('nothing changed: nothing to fetch', async () => {
    const r = await walk(client, ['/Guidelines'], { ...plain, previous: state });
    expect(diff(state, r.state)).toEqual({ added: [], changed: [], deleted: [], renamed: [] });
  });

  it('add, change (a file deep in a subfolder), rename and delete are each seen once', async () => {
    await write('Guidelines/Peds/fever.md', '# Fever\nParacetamol 15 mg/kg every 6 hours.\n');
    await write('Guidelines/new.md', '# New\n');
    await fs.rm(path.join(files, 'Guidelines/old.md'));
    await fs.rename(
      path.join(files, 'Guidelines/rename-me.md'),
      path.join(files, 'Guidelines/Peds/renamed.md'),
    );
    nc.fixPermissions();
    const r = await walk(client, ['/Guidelines'], { ...plain, previous: state });
    const c = diff(state, r.state);
    expect(c.added.map((f) => f.path)).toEqual(['/Guidelines/new.md']);
    expect(c.changed.map((f) => f.path)).toEqual(['/Guidelines/Peds/fever.md']);
    expect(c.deleted.map((f) => f.path)).toEqual(['/Guidelines/old.md']);
    expect(c.renamed.map((x) => [x.from.path, x.to.path])).toEqual([
      ['/Guidelines/rename-me.md', '/Guidelines/Peds/renamed.md'],
    ]);
    state = r.state;
  });

  it('a 1,000-file tree: 11 listings, and after one edit exactly that file is to be fetched', async () => {
    for (let d = 0; d < 10; d++) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          write(`Big/d${d}/f${i}.txt`, `file ${d}/${i}\n`, t0, false),
        ),
      );
    }
    nc.fixPermissions();
    const first = await walk(client, ['/Big'], plain);
    expect(first.requests).toBe(11);
    expect(Object.keys(first.state.files)).toHaveLength(1000);
    await write('Big/d7/f42.txt', 'file 7/42, edited\n');
    const second = await walk(client, ['/Big'], { ...plain, previous: first.state });
    const c = diff(first.state, second.state);
    expect(c.changed.map((f) => f.path)).toEqual(['/Big/d7/f42.txt']);
    expect([c.added, c.deleted, c.renamed].map((x) => x.length)).toEqual([0, 0, 0]);
  });
});
