import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSidecarWeb, type Started } from '../../../../test-support/processes.js';
import { WS_PATH, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../../../shared/web-mode.js';
import { CONTROL_PATH, WEB_CONTROL_FILE, readControlFile } from '../../transport/web-control.js';
import type { CliIO } from '../io.js';
import { main } from '../main.js';

/**
 * `voiceassist open` against the real engine in web mode: a link works once, and the command
 * mints another for the running engine (no restart); nothing else can ask for one.
 */
let tmp: string;
let profile: string;
let engine: Started | undefined;
let launchUrl: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'va-open-'));
  const renderer = path.join(tmp, 'renderer');
  profile = path.join(tmp, 'profile');
  await mkdir(renderer);
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>t</title>');
  engine = await startSidecarWeb(renderer, {
    VOICEASSIST_PROFILE_DIR: profile,
    VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
    VOICEASSIST_EMBED_MODEL: 'hashing-bow',
    ORT_DISABLE_TELEMETRY: '1',
  });
  launchUrl = engine.match[1]!;
});

afterAll(async () => {
  await engine?.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function open(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIO = {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: {},
    cwd: tmp,
    interactive: false,
  };
  const code = await main(['open', ...args], io);
  return { code, stdout: out, stderr: err };
}

/** Connects as the page does with the token of `url`: the session frame, or the HTTP refusal. */
function connect(url: string): Promise<string> {
  const u = new URL(url);
  const token = new URLSearchParams(u.hash.slice(1)).get('token') ?? '';
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${u.host}${WS_PATH}`, [
      WS_PROTOCOL,
      `${WS_TOKEN_PROTOCOL_PREFIX}${token}`,
    ]);
    ws.once('message', (data: Buffer) => {
      resolve((JSON.parse(data.toString()) as { t: string }).t);
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode ?? 0}`));
    ws.once('error', () => resolve('error'));
  });
}

describe('voiceassist open (web mode, real engine)', () => {
  it('mints a new one-time link for the running engine; the printed one still works only once', async () => {
    expect(await connect(launchUrl)).toBe('session');
    expect(await connect(launchUrl)).toBe('HTTP 401'); // "Link used" before this issue
    const file = path.join(profile, WEB_CONTROL_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const first = await open(['--profile', profile]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const url = first.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(new URL(url).host).toBe(new URL(launchUrl).host);
    expect(await connect(url)).toBe('session');
    expect(await connect(url)).toBe('HTTP 401');

    const json = await open(['--profile', profile, '--json']);
    expect(await connect((JSON.parse(json.stdout) as { url: string }).url)).toBe('session');
  });

  it('gives a link to nobody without the secret, and never to a page (Origin)', async () => {
    const info = readControlFile(profile)!;
    const post = (headers: Record<string, string>) =>
      fetch(`${info.origin}${CONTROL_PATH}`, { method: 'POST', headers }).then((r) => r.status);
    expect(await post({})).toBe(401);
    expect(await post({ authorization: 'Bearer guess' })).toBe(401);
    expect(await post({ authorization: `Bearer ${info.secret}`, origin: info.origin })).toBe(403);
    expect(await fetch(`${info.origin}${CONTROL_PATH}`).then((r) => r.status)).toBe(405);
  });

  it('says what to do when no engine runs for the profile (exit 1), and rejects unknown arguments (exit 2)', async () => {
    const none = await open(['--profile', path.join(tmp, 'elsewhere')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('npm start');
    expect((await open(['--bogus'])).code).toBe(2);
    await engine?.stop();
    engine = undefined;
    expect(existsSync(path.join(profile, WEB_CONTROL_FILE))).toBe(false);
    expect((await open(['--profile', profile])).code).toBe(1);
  });
});
