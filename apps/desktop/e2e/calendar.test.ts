import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startNextcloudStandin,
  type NextcloudStandin,
} from '@voiceassist/tests/harness/nextcloud.js';
import { launchChromium } from '../test-support/chromium.js';
import {
  REPO_ROOT,
  SERVER_BIN,
  startSidecarWeb,
  startSyncServer,
  type Started,
} from '../test-support/processes.js';

/**
 * The Calendar view end to end, real parts only: the Vite-built renderer in Debian's Chromium, the
 * web-mode engine with an encrypted profile, the real sync server (embedded PostgreSQL) connected
 * to Radicale behind Apache at Nextcloud's CalDAV path (`voiceassist-server nextcloud connect`).
 * With VOICEASSIST_SCREENSHOT_DIR set it saves the view at 1440×900 and 720×900.
 */
const run = promisify(execFile);
const shots = process.env.VOICEASSIST_SCREENSHOT_DIR;
const zone = 'Europe/Berlin';

let tmp: string;
let nc: NextcloudStandin | undefined;
let server: Started | undefined;
let sidecar: Started | undefined;
let browser: Browser | undefined;
let page: Page;

async function shot(name: string): Promise<void> {
  if (!shots) return;
  for (const width of [1440, 720]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200); // layout settles
    await page.screenshot({ path: path.join(shots, `${name}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

const utc = (d: DateTime) => d.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
function ics(uid: string, summary: string, start: DateTime, minutes: number, rrule = ''): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//e2e//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `DTSTAMP:${utc(DateTime.utc())}`,
    `DTSTART:${utc(start)}`,
    `DTEND:${utc(start.plus({ minutes }))}`,
    ...(rrule ? [`RRULE:${rrule}`] : []),
    `SUMMARY:${summary}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'va-e2e-calendar-'));
  await chmod(tmp, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must enter it
  nc = await startNextcloudStandin([{ name: 'alice', password: 'alice-app-password' }]);
  nc.makeCalendar('alice', 'personal', 'Personal');
  const today = DateTime.now().setZone(zone).startOf('day');
  const reviewDay = today.weekday === 7 ? today.minus({ days: 1 }) : today.plus({ days: 1 });
  const cal = path.join(nc.dir, 'collections', 'collection-root', 'alice', 'personal');
  await writeFile(
    path.join(cal, 'staff.ics'),
    ics('staff@e2e', 'Staff meeting', today.set({ hour: 15 }), 60),
  );
  await writeFile(
    path.join(cal, 'review.ics'),
    // In this week's view whatever day the test runs (weeks start on Monday): on a Sunday, the day before.
    ics('review@e2e', 'Case review with Dr. Smith', reviewDay.set({ hour: 11 }), 30),
  );
  await writeFile(
    path.join(cal, 'huddle.ics'),
    ics(
      'huddle@e2e',
      'Ward huddle',
      today.minus({ days: 7 }).set({ hour: 8, minute: 30 }),
      15,
      'FREQ=DAILY',
    ),
  );
  nc.fixPermissions();

  const rendererDir = path.join(tmp, 'renderer');
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false },
  });
  const dataDir = path.join(tmp, 'server-data');
  const serverEnv = {
    ...process.env,
    LOG_LEVEL: 'warn',
    NEXTCLOUD_URL: nc.url,
    NEXTCLOUD_KEYS_FILE: path.join(tmp, 'nextcloud-keys.json'),
  };
  const added = await run(
    process.execPath,
    [SERVER_BIN, 'device', 'add', '--user', 'e2e_clinician', '--data-dir', dataDir],
    { cwd: REPO_ROOT, env: serverEnv },
  );
  const deviceKey = added.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  await run(
    process.execPath,
    [
      SERVER_BIN,
      'nextcloud',
      'connect',
      '--user',
      'e2e_clinician',
      '--login',
      'alice',
      '--app-password',
      'alice-app-password',
      '--data-dir',
      dataDir,
    ],
    { cwd: REPO_ROOT, env: serverEnv },
  );
  server = await startSyncServer(dataDir, serverEnv);
  sidecar = await startSidecarWeb(rendererDir, {
    VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
    VOICEASSIST_EMBED_MODEL: 'hashing-bow',
    ORT_DISABLE_TELEMETRY: '1',
    VOICEASSIST_SERVER_URL: server.match[1]!,
    VOICEASSIST_DEVICE_KEY: deviceKey,
    VOICEASSIST_PROFILE_DIR: path.join(tmp, 'profile'),
    VOICEASSIST_TIME_ZONE: zone,
  });
  browser = await launchChromium([]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(sidecar.match[1]!);
  await page.waitForSelector('[data-testid="server-status"][data-state="ready"]', {
    timeout: 60_000,
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
  await server?.stop();
  await nc?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('the Calendar view in real Chromium, engine, server and Radicale', () => {
  it('is in the navigation (Nextcloud is set up) and shows the week and today', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: /Calendar/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Calendar' }).waitFor();
    await page.getByTestId('calendar-agenda').waitFor({ timeout: 30_000 });
    const agenda = await page.getByTestId('calendar-agenda').innerText();
    expect(agenda).toContain('08:30 Ward huddle');
    expect(agenda).toContain('15:00 Staff meeting');
    expect(await page.getByTestId('calendar-event').count()).toBeGreaterThanOrEqual(3);
    await shot('calendar-week');
  });

  it('"move my 3 pm to tomorrow at 4 pm": a card first, written on confirm, shown moved', async () => {
    await page.locator('#cal-text').fill('move my 3 pm to tomorrow at 4 pm');
    await page.getByRole('button', { name: 'Prepare' }).click();
    const card = page.getByTestId('calendar-card');
    await card.waitFor();
    expect(await card.innerText()).toMatch(/Move "Staff meeting" from .*3:00 PM to .*4:00 PM\?/);
    await shot('calendar-confirm');
    await card.getByRole('button', { name: 'Move it' }).click();
    await page.getByTestId('calendar-outcome').waitFor();
    expect(await page.getByTestId('calendar-outcome').innerText()).toMatch(
      /^Moved "Staff meeting" to .*4:00 PM\.$/,
    );
    await page
      .getByTestId('calendar-agenda')
      .getByText('Staff meeting')
      .waitFor({ state: 'detached' });
  });

  it('a row\'s Cancel asks first; "Don’t change anything" keeps the event', async () => {
    const row = page
      .getByTestId('calendar-event')
      .filter({ hasText: 'Case review with Dr. Smith' });
    await row.getByRole('button', { name: 'Cancel Case review with Dr. Smith' }).click();
    const card = page.getByTestId('calendar-card');
    await card.waitFor();
    expect(await card.innerText()).toContain('Cancel "Case review with Dr. Smith"');
    await card.getByRole('button', { name: 'Don’t change anything' }).click();
    expect(await page.getByTestId('calendar-outcome').innerText()).toBe('Nothing was changed.');
    expect(await row.count()).toBe(1);
  });
});
