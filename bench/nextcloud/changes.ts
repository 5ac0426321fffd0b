/**
 * Change detection for Nextcloud folder sync (apps/desktop/src/sidecar/files): a 10,000-file tree
 * (100 folders of 100 small files) served by Apache mod_dav at Nextcloud's WebDAV path behind the
 * real sync server (in this process, embedded PostgreSQL), reached by the workstation's client
 * over loopback HTTP. Each sample edits 10 random files, then times, in the same run:
 *   - incremental: walk (one PROPFIND per folder, per-file ETags against the last walk) + diff +
 *     download of the changed files only — what syncFolders does before ingesting;
 *   - full: the same walk + download of every file (what a sync without ETags must do).
 * Requests counted are HTTP requests from the client to the sync server (each relayed to Apache).
 * Apache's folder ETags change only for direct children, so every folder is listed; on a real
 * Nextcloud (ETags propagate up) unchanged subtrees are skipped too, which this cannot show.
 * Writes bench/results/nextcloud-changes.json.
 *   npx tsx bench/nextcloud/changes.ts [--samples N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startGateway } from '@voiceassist/tests/harness/gateway.js';
import { startNextcloudStandin } from '@voiceassist/tests/harness/nextcloud.js';
import { NextcloudClient } from '../../apps/desktop/src/sidecar/calendar/nextcloud-client.js';
import { diff, walk, type SyncState } from '../../apps/desktop/src/sidecar/files/changes.js';
import { distribution, now, round } from '../voice/stats.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '3' } } });
const SAMPLES = Number(values.samples);
const FOLDERS = 100;
const PER_FOLDER = 100;
const CHANGED = 10;
const RESULTS = path.resolve(import.meta.dirname, '..', 'results', 'nextcloud-changes.json');

const dir = await mkdtemp(path.join(os.tmpdir(), 'va-bench-nc-'));
const nc = await startNextcloudStandin([{ name: 'alice', password: 'alice-app-password' }]);
const gw = await startGateway({
  env: { NEXTCLOUD_URL: nc.url, NEXTCLOUD_KEYS_FILE: path.join(dir, 'keys.json') },
});
try {
  let requests = 0;
  const counting: typeof fetch = (input, init) => {
    requests++;
    return fetch(input, init);
  };
  const client = new NextcloudClient({
    serverUrl: gw.url,
    token: () => gw.deviceKey,
    fetchImpl: counting,
  });
  const { flowId, loginUrl } = await client.loginStart();
  nc.loginFlow.grant(loginUrl, 'alice', 'alice-app-password');
  await client.loginPoll(flowId);

  const root = path.join(nc.filesDir('alice'), 'Tree');
  const t0 = new Date('2026-01-01T00:00:00Z');
  for (let d = 0; d < FOLDERS; d++) {
    const folder = path.join(root, `d${d}`);
    mkdirSync(folder, { recursive: true });
    await Promise.all(
      Array.from({ length: PER_FOLDER }, async (_, i) => {
        const f = path.join(folder, `f${i}.txt`);
        await writeFile(f, `file ${d}/${i}\n`);
        await utimes(f, t0, t0);
      }),
    );
  }
  nc.fixPermissions();
  const opts = { folderEtagsCoverSubtree: false } as const;
  let state: SyncState = (await walk(client, ['/Tree'], opts)).state;

  const inc: number[] = [];
  const full: number[] = [];
  const incRequests: number[] = [];
  const fullRequests: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    for (let k = 0; k < CHANGED; k++) {
      const d = Math.floor(Math.random() * FOLDERS);
      const i = Math.floor(Math.random() * PER_FOLDER);
      const when = new Date(t0.getTime() + (s + 1) * 60_000);
      const f = path.join(root, `d${d}`, `f${i}.txt`);
      await writeFile(f, `file ${d}/${i} edited in sample ${s} (${k})\n`);
      await utimes(f, when, when);
    }
    nc.fixPermissions();

    requests = 0;
    let t = now();
    const next = await walk(client, ['/Tree'], { ...opts, previous: state });
    const changes = diff(state, next.state);
    for (const f of [...changes.added, ...changes.changed]) await client.download(f.path);
    inc.push(now() - t);
    incRequests.push(requests);

    requests = 0;
    t = now();
    const all = await walk(client, ['/Tree'], opts);
    for (const p of Object.keys(all.state.files)) await client.download(p);
    full.push(now() - t);
    fullRequests.push(requests);
    state = next.state;
    process.stderr.write(
      `sample ${s + 1}/${SAMPLES}: incremental ${round(inc[s] ?? 0, 0)} ms (${incRequests[s]} requests, ${changes.changed.length} changed), full ${round(full[s] ?? 0, 0)} ms (${fullRequests[s]} requests)\n`,
    );
  }
  const result = {
    what: 'change detection on a 10,000-file tree with 10 changed files: incremental (walk + ETag diff + download changed) vs full (walk + download all), ms and HTTP requests to the sync server',
    conditions: {
      files: FOLDERS * PER_FOLDER,
      folders: FOLDERS,
      changedPerSample: CHANGED,
      samples: SAMPLES,
      server:
        'sync server in-process, embedded PostgreSQL; Apache 2.4 mod_dav at /remote.php/dav/files/USER/, loopback HTTP',
      machine: `${os.cpus().length} cores, ${os.platform()} ${os.release()}, Node ${process.version}`,
      at: new Date().toISOString(),
    },
    incrementalMs: distribution(inc),
    fullMs: distribution(full),
    incrementalRequests: distribution(incRequests),
    fullRequests: distribution(fullRequests),
  };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await gw.close();
  await nc.stop();
  await rm(dir, { recursive: true, force: true });
}
