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
import { fileNameFor, saveToFiles } from './save.js';

/** "Save this to my files" through the real server to Apache mod_dav at Nextcloud's WebDAV path. */
let dir: string;
let nc: NextcloudStandin;
let gw: GatewayFixture;
let client: NextcloudClient;

async function connectAs(login: string, password: string): Promise<void> {
  const { flowId, loginUrl } = await client.loginStart();
  nc.loginFlow.grant(loginUrl, login, password);
  await client.loginPoll(flowId);
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-files-save-'));
  nc = await startNextcloudStandin([{ name: 'alice', password: 'alice-app-password' }]);
  await fs.mkdir(path.join(nc.filesDir('alice'), 'VoiceAssist'));
  nc.fixPermissions();
  gw = await startGateway({
    env: { NEXTCLOUD_URL: nc.url, NEXTCLOUD_KEYS_FILE: path.join(dir, 'keys.json') },
  });
  client = new NextcloudClient({ serverUrl: gw.url, token: () => gw.deviceKey });
  await connectAs('alice', 'alice-app-password');
}, 120_000);
afterAll(async () => {
  await gw.close();
  await nc.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('saveToFiles', () => {
  it('names files safely', () => {
    expect(fileNameFor('Metformin: dosing / eGFR?')).toBe('Metformin dosing eGFR');
    expect(fileNameFor(' .. ')).toBe('VoiceAssist note');
  });

  it('writes the answer as Markdown; a second save never overwrites the first', async () => {
    const req = {
      folder: '/VoiceAssist',
      title: 'Metformin dosing',
      markdown: 'Review the dose when the eGFR falls below 45. [metformin.md]',
    };
    expect(await saveToFiles(client, req)).toMatchObject({
      path: '/VoiceAssist/Metformin dosing.md',
    });
    const second = await saveToFiles(client, { ...req, markdown: 'Second answer.' });
    expect(second.path).toBe('/VoiceAssist/Metformin dosing (2).md');
    const files = path.join(nc.filesDir('alice'), 'VoiceAssist');
    expect(await fs.readFile(path.join(files, 'Metformin dosing.md'), 'utf8')).toBe(
      '# Metformin dosing\n\nReview the dose when the eGFR falls below 45. [metformin.md]\n',
    );
    expect(await fs.readFile(path.join(files, 'Metformin dosing (2).md'), 'utf8')).toContain(
      'Second answer.',
    );
  });

  it('storage full: NEXTCLOUD_QUOTA_EXCEEDED, in words a person can act on', async () => {
    await connectAs('full', 'full-app-password');
    try {
      await expect(
        saveToFiles(client, { folder: '/', title: 'Note', markdown: 'x' }),
      ).rejects.toMatchObject({
        code: 'NEXTCLOUD_QUOTA_EXCEEDED',
        message: expect.stringContaining('free some space') as string,
      });
    } finally {
      await connectAs('alice', 'alice-app-password');
    }
  });
});
