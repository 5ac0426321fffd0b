import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { NEXTCLOUD_PATHS as P } from '@voiceassist/contract';
import { build, TestPostgres } from '../../../test-support/helper.js';
import {
  startNextcloudStandin,
  type NextcloudStandin,
} from '../../../test-support/nextcloud/index.js';
import { signedIn, type SignedIn } from '../../../test/auth.js';
import { main } from '../../cli/main.js';

const ALICE = { name: 'alice', password: 'alice-app-password' };
const BOB = { name: 'bob', password: 'bob-app-password' };

let pgServer: TestPostgres;
let nc: NextcloudStandin;
let app: FastifyInstance;
let tmp: string;
let keysFile: string;
let dbUrl: string;

const EVENT = (uid: string, summary: string) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//VoiceAssist//test//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20261201T120000Z',
    'DTSTART:20261208T140000Z',
    'DTEND:20261208T143000Z',
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

async function cli(args: string[], env: Record<string, string> = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await main(args, {
    stdout: out,
    stderr: err,
    env: {
      DATABASE_URL: dbUrl,
      NEXTCLOUD_URL: nc.url,
      NEXTCLOUD_KEYS_FILE: keysFile,
      LOG_LEVEL: 'silent',
      ...env,
    },
  });
  return { code, stdout, stderr };
}

function req(
  who: SignedIn,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  url: string,
  payload?: unknown,
) {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${who.accessToken}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

const code = (r: { json: () => unknown }) =>
  (r.json() as { error?: { code?: string } }).error?.code;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'va-nc-route-'));
  keysFile = path.join(tmp, 'keys.json');
  [pgServer, nc] = await Promise.all([TestPostgres.start(), startNextcloudStandin([ALICE, BOB])]);
  app = await build(pgServer, {
    env: { NEXTCLOUD_URL: nc.url, NEXTCLOUD_KEYS_FILE: keysFile, NEXTCLOUD_TIMEOUT_MS: '3000' },
  });
  dbUrl = app.databaseUrls.owner;
  nc.makeCalendar('alice', 'personal', 'Personal');
  nc.makeCalendar('alice', 'readonly', 'Clinic rota');
});
afterAll(async () => {
  await app.close();
  await Promise.all([pgServer.stop(), nc.stop()]);
  await rm(tmp, { recursive: true, force: true });
});

describe('Nextcloud connection', () => {
  it('Login Flow v2: start, pending, granted in the browser, connected; the app password is stored encrypted', async () => {
    const person = await signedIn(app, ['clinician']);
    expect((await req(person, 'GET', P.status)).json()).toMatchObject({
      configured: true,
      state: 'not_connected',
    });
    const start = await req(person, 'POST', P.loginStart, {});
    expect(start.statusCode).toBe(200);
    const { flowId, loginUrl } = start.json<{ flowId: string; loginUrl: string }>();
    expect(loginUrl.startsWith(`${nc.url}/index.php/login/v2/flow/`)).toBe(true);
    expect(nc.loginFlow.flows.get(loginUrl)?.userAgent).toBe('VoiceAssist');
    expect((await req(person, 'POST', P.loginPoll, { flowId })).json()).toEqual({
      state: 'pending',
      login: null,
    });
    nc.loginFlow.grant(loginUrl, ALICE.name, ALICE.password);
    expect((await req(person, 'POST', P.loginPoll, { flowId })).json()).toEqual({
      state: 'connected',
      login: 'alice',
    });
    // A finished flow cannot be polled again, and another person cannot poll this one.
    expect(code(await req(person, 'POST', P.loginPoll, { flowId }))).toBe(
      'NEXTCLOUD_LOGIN_EXPIRED',
    );
    expect((await req(person, 'GET', P.status)).json()).toMatchObject({
      state: 'connected',
      login: 'alice',
      webUrl: nc.url,
    });
    const row = await app.db.query<{ secret: Buffer; login: string }>(
      `SELECT secret, login FROM nextcloud_connections WHERE user_id = $1`,
      [person.userId],
    );
    expect(row.rows[0]?.secret.toString('latin1')).not.toContain(ALICE.password);
    const audit = await app.db.query<{ action: string; detail: unknown }>(
      `SELECT action, detail FROM audit_log WHERE user_id = $1 AND action LIKE 'nextcloud%'`,
      [person.userId],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['nextcloud_connected']);
    expect(JSON.stringify(audit.rows)).not.toMatch(/alice-app-password|"alice"/);
    // The key file is the server's, readable by its owner only.
    const mode = (await import('node:fs')).statSync(keysFile).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('another person cannot poll someone else’s flow', async () => {
    const a = await signedIn(app, ['clinician']);
    const b = await signedIn(app, ['clinician']);
    const { flowId } = (await req(a, 'POST', P.loginStart, {})).json<{ flowId: string }>();
    expect(code(await req(b, 'POST', P.loginPoll, { flowId }))).toBe('NEXTCLOUD_LOGIN_EXPIRED');
  });

  it('the operator CLI connects a person without the browser; a wrong app password is refused', async () => {
    const person = await signedIn(app, ['clinician']);
    const bad = await cli([
      'nextcloud',
      'connect',
      '--user',
      person.userName,
      '--login',
      'bob',
      '--app-password',
      'wrong',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('NEXTCLOUD_AUTH_REVOKED');
    const ok = await cli([
      'nextcloud',
      'connect',
      '--user',
      person.userName,
      '--login',
      'bob',
      '--app-password',
      BOB.password,
    ]);
    expect(ok).toMatchObject({ code: 0 });
    expect((await req(person, 'GET', P.status)).json()).toMatchObject({
      state: 'connected',
      login: 'bob',
    });
    const list = await req(person, 'GET', `${P.filesList}?path=/`);
    expect(list.statusCode).toBe(200);
    const status = await cli(['nextcloud', 'status']);
    expect(status.stdout).toContain(`${person.userName}\tbob\tconnected\tcli`);
  });
});

describe('calendar through the server (Radicale behind Nextcloud paths)', () => {
  let person: SignedIn;
  beforeAll(async () => {
    person = await signedIn(app, ['clinician']);
    expect(
      (
        await cli([
          'nextcloud',
          'connect',
          '--user',
          person.userName,
          '--login',
          'alice',
          '--app-password',
          ALICE.password,
        ])
      ).code,
    ).toBe(0);
  });

  it('lists calendars with their write access', async () => {
    const r = await req(person, 'GET', P.calendars);
    expect(r.statusCode).toBe(200);
    const cals = r.json<{ calendars: { id: string; displayName: string; readOnly: boolean }[] }>()
      .calendars;
    expect(cals.find((c) => c.id === 'personal')).toMatchObject({
      displayName: 'Personal',
      readOnly: false,
    });
    expect(cals.find((c) => c.id === 'readonly')).toMatchObject({
      displayName: 'Clinic rota',
      readOnly: true,
    });
  });

  it('creates, reads in a range, updates with its ETag, refuses a stale ETag (412), deletes', async () => {
    const put = await req(person, 'PUT', P.object, {
      calendar: 'personal',
      name: 'evt-1.ics',
      ics: EVENT('evt-1', 'Staff meeting'),
    });
    expect(put.statusCode).toBe(200);
    const { etag } = put.json<{ etag: string }>();
    expect(etag).toBeTruthy();
    // Creating again under the same name is refused: nothing is overwritten silently.
    const again = await req(person, 'PUT', P.object, {
      calendar: 'personal',
      name: 'evt-1.ics',
      ics: EVENT('evt-1', 'Other'),
    });
    expect(code(again)).toBe('NEXTCLOUD_CONFLICT');
    const inRange = await req(
      person,
      'GET',
      `${P.events}?calendar=personal&from=2026-12-08T00:00:00Z&to=2026-12-09T00:00:00Z`,
    );
    const objects = inRange.json<{ objects: { name: string; etag: string; ics: string }[] }>()
      .objects;
    expect(objects.map((o) => o.name)).toEqual(['evt-1.ics']);
    expect(objects[0]?.ics).toContain('SUMMARY:Staff meeting');
    const outOfRange = await req(
      person,
      'GET',
      `${P.events}?calendar=personal&from=2026-12-10T00:00:00Z&to=2026-12-11T00:00:00Z`,
    );
    expect(outOfRange.json<{ objects: unknown[] }>().objects).toEqual([]);
    const upd = await req(person, 'PUT', P.object, {
      calendar: 'personal',
      name: 'evt-1.ics',
      ics: EVENT('evt-1', 'Staff meeting (moved)'),
      etag,
    });
    expect(upd.statusCode).toBe(200);
    const newEtag = upd.json<{ etag: string }>().etag;
    const stale = await req(person, 'PUT', P.object, {
      calendar: 'personal',
      name: 'evt-1.ics',
      ics: EVENT('evt-1', 'Lost update'),
      etag,
    });
    expect(stale.statusCode).toBe(412);
    expect(code(stale)).toBe('NEXTCLOUD_CONFLICT');
    const read = await req(person, 'GET', `${P.object}?calendar=personal&name=evt-1.ics`);
    expect(read.json<{ ics: string }>().ics).toContain('Staff meeting (moved)');
    expect(
      code(
        await req(
          person,
          'DELETE',
          `${P.object}?calendar=personal&name=evt-1.ics&etag=${encodeURIComponent(etag)}`,
        ),
      ),
    ).toBe('NEXTCLOUD_CONFLICT');
    const del = await req(
      person,
      'DELETE',
      `${P.object}?calendar=personal&name=evt-1.ics&etag=${encodeURIComponent(newEtag)}`,
    );
    expect(del.statusCode).toBe(200);
    const audit = await app.db.query<{ outcome: string; detail: { op: string } }>(
      `SELECT outcome, detail FROM audit_log WHERE user_id = $1 AND action = 'nextcloud_calendar_write' ORDER BY id`,
      [person.userId],
    );
    expect(audit.rows.map((r) => `${r.detail.op}:${r.outcome}`)).toEqual([
      'create:ok',
      'create:NEXTCLOUD_CONFLICT',
      'update:ok',
      'update:NEXTCLOUD_CONFLICT',
      'delete:NEXTCLOUD_CONFLICT',
      'delete:ok',
    ]);
    expect(JSON.stringify(audit.rows)).not.toContain('Staff');
  });

  it('a read-only calendar refuses writes with NEXTCLOUD_READ_ONLY', async () => {
    const r = await req(person, 'PUT', P.object, {
      calendar: 'readonly',
      name: 'x.ics',
      ics: EVENT('x', 'Nope'),
    });
    expect(r.statusCode).toBe(403);
    expect(code(r)).toBe('NEXTCLOUD_READ_ONLY');
  });

  it('refuses names that are not one path segment', async () => {
    const r = await req(person, 'GET', `${P.object}?calendar=personal&name=..`);
    expect(r.statusCode).toBe(400);
    const r2 = await req(
      person,
      'GET',
      `${P.object}?calendar=${encodeURIComponent('a/b')}&name=x.ics`,
    );
    expect(r2.statusCode).toBe(400);
  });
});

describe('files through the server (Apache mod_dav at Nextcloud paths)', () => {
  let person: SignedIn;
  beforeAll(async () => {
    person = await signedIn(app, ['clinician']);
    await cli([
      'nextcloud',
      'connect',
      '--user',
      person.userName,
      '--login',
      'alice',
      '--app-password',
      ALICE.password,
    ]);
    const dir = nc.filesDir('alice');
    await (
      await import('node:fs/promises')
    ).mkdir(path.join(dir, 'Guidelines'), { recursive: true });
    await writeFile(path.join(dir, 'Guidelines', 'sepsis.txt'), 'Give fluids early.');
    nc.fixPermissions();
  });

  it('lists a folder with ETags, downloads a file, uploads without overwriting', async () => {
    const list = await req(person, 'GET', `${P.filesList}?path=/Guidelines`);
    expect(list.statusCode).toBe(200);
    const body = list.json<{
      folder: { path: string; etag: string };
      entries: { path: string; type: string; etag: string; size: number; webUrl: string }[];
    }>();
    expect(body.folder.path).toBe('/Guidelines');
    expect(body.entries).toEqual([
      expect.objectContaining({ path: '/Guidelines/sepsis.txt', type: 'file', size: 18 }),
    ]);
    expect(body.entries[0]?.etag).toBeTruthy();
    expect(body.entries[0]?.webUrl).toBe(
      `${nc.url}/index.php/apps/files/?dir=%2FGuidelines&scrollto=sepsis.txt`,
    );
    const dl = await req(person, 'GET', `${P.filesContent}?path=/Guidelines/sepsis.txt`);
    expect(dl.statusCode).toBe(200);
    expect(dl.body).toBe('Give fluids early.');
    expect(dl.headers.etag).toBe(body.entries[0]?.etag);
    const up = await app.inject({
      method: 'PUT',
      url: `${P.filesContent}?path=${encodeURIComponent('/Guidelines/answer.md')}`,
      headers: {
        authorization: `Bearer ${person.accessToken}`,
        'content-type': 'application/octet-stream',
      },
      payload: Buffer.from('# Answer\n'),
    });
    expect(up.statusCode).toBe(200);
    expect(await readFile(path.join(nc.filesDir('alice'), 'Guidelines', 'answer.md'), 'utf8')).toBe(
      '# Answer\n',
    );
    const again = await app.inject({
      method: 'PUT',
      url: `${P.filesContent}?path=${encodeURIComponent('/Guidelines/answer.md')}`,
      headers: {
        authorization: `Bearer ${person.accessToken}`,
        'content-type': 'application/octet-stream',
      },
      payload: Buffer.from('# Other\n'),
    });
    expect(code(again)).toBe('NEXTCLOUD_CONFLICT');
    expect(code(await req(person, 'GET', `${P.filesList}?path=/nope`))).toBe('NEXTCLOUD_NOT_FOUND');
    expect((await req(person, 'GET', `${P.filesList}?path=/a/../..`)).statusCode).toBe(400);
  });

  it('a full storage refuses uploads with NEXTCLOUD_QUOTA_EXCEEDED', async () => {
    const full = await signedIn(app, ['clinician']);
    await cli([
      'nextcloud',
      'connect',
      '--user',
      full.userName,
      '--login',
      'full',
      '--app-password',
      'full-app-password',
    ]);
    const up = await app.inject({
      method: 'PUT',
      url: `${P.filesContent}?path=/big.bin`,
      headers: {
        authorization: `Bearer ${full.accessToken}`,
        'content-type': 'application/octet-stream',
      },
      payload: Buffer.alloc(10),
    });
    expect(up.statusCode).toBe(507);
    expect(code(up)).toBe('NEXTCLOUD_QUOTA_EXCEEDED');
  });
});

describe('errors a person can act on, key rotation, disconnect', () => {
  it('Nextcloud unreachable → NEXTCLOUD_UNREACHABLE; back up → works again', async () => {
    const person = await signedIn(app, ['clinician']);
    await cli([
      'nextcloud',
      'connect',
      '--user',
      person.userName,
      '--login',
      'alice',
      '--app-password',
      ALICE.password,
    ]);
    await nc.stopFront();
    try {
      const r = await req(person, 'GET', P.calendars);
      expect(r.statusCode).toBe(503);
      expect(code(r)).toBe('NEXTCLOUD_UNREACHABLE');
    } finally {
      await nc.startFront();
    }
    expect((await req(person, 'GET', P.calendars)).statusCode).toBe(200);
  });

  it('rotating the key re-encrypts every stored app password; connections keep working', async () => {
    const person = await signedIn(app, ['clinician']);
    await cli([
      'nextcloud',
      'connect',
      '--user',
      person.userName,
      '--login',
      'alice',
      '--app-password',
      ALICE.password,
    ]);
    const before = JSON.parse(await readFile(keysFile, 'utf8')) as { active: string };
    const r = await cli(['nextcloud', 'rotate-key']);
    expect(r.code).toBe(0);
    const after = JSON.parse(await readFile(keysFile, 'utf8')) as {
      active: string;
      keys: Record<string, string>;
    };
    expect(after.active).not.toBe(before.active);
    expect(Object.keys(after.keys)).toEqual([after.active]);
    const ids = await app.db.query<{ key_id: string }>(
      `SELECT DISTINCT key_id FROM nextcloud_connections`,
    );
    expect(ids.rows.map((x) => x.key_id)).toEqual([after.active]);
    // The running server follows the rotation (it reloads the file for an unknown key id).
    expect((await req(person, 'GET', `${P.filesList}?path=/`)).statusCode).toBe(200);
  });

  it('an app password revoked in Nextcloud → NEXTCLOUD_AUTH_REVOKED (never 401), state revoked, audited once', async () => {
    const person = await signedIn(app, ['clinician']);
    await cli([
      'nextcloud',
      'connect',
      '--user',
      person.userName,
      '--login',
      'bob',
      '--app-password',
      BOB.password,
    ]);
    nc.setPassword('bob', 'changed-elsewhere');
    try {
      const r = await req(person, 'GET', `${P.filesList}?path=/`);
      expect(r.statusCode).toBe(409);
      expect(code(r)).toBe('NEXTCLOUD_AUTH_REVOKED');
      expect(code(await req(person, 'GET', P.calendars))).toBe('NEXTCLOUD_AUTH_REVOKED');
      expect((await req(person, 'GET', P.status)).json()).toMatchObject({ state: 'revoked' });
      const audit = await app.db.query(
        `SELECT 1 FROM audit_log WHERE user_id = $1 AND action = 'nextcloud_auth_revoked'`,
        [person.userId],
      );
      expect(audit.rowCount).toBe(1);
    } finally {
      nc.setPassword('bob', BOB.password);
    }
  });

  it('disconnect forgets the app password and asks Nextcloud to revoke it', async () => {
    const person = await signedIn(app, ['clinician']);
    await cli([
      'nextcloud',
      'connect',
      '--user',
      person.userName,
      '--login',
      'alice',
      '--app-password',
      ALICE.password,
    ]);
    const before = nc.loginFlow.revoked.length;
    const r = await req(person, 'DELETE', P.connection);
    expect(r.json()).toEqual({ disconnected: true });
    expect(nc.loginFlow.revoked.length).toBe(before + 1);
    expect(code(await req(person, 'GET', P.calendars))).toBe('NEXTCLOUD_NOT_CONNECTED');
  });

  it('a server without NEXTCLOUD_URL says so', async () => {
    const bare = await build(pgServer);
    try {
      const person = await signedIn(bare, ['clinician']);
      const s = await bare.inject({
        method: 'GET',
        url: P.status,
        headers: { authorization: `Bearer ${person.accessToken}` },
      });
      expect(s.json()).toMatchObject({ configured: false });
      const c = await bare.inject({
        method: 'GET',
        url: P.calendars,
        headers: { authorization: `Bearer ${person.accessToken}` },
      });
      expect(c.statusCode).toBe(503);
      expect(code(c)).toBe('NEXTCLOUD_NOT_CONFIGURED');
    } finally {
      await bare.close();
    }
  });
});
