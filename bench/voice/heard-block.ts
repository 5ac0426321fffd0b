/**
 * One browser launch of the heard bench: its microphone file holds a warm-up question and then
 * the measured ones (heard-audio.ts); the page loads the app, the first turn (not measured) opens
 * the microphone and the speaker, and each following turn presses Space at its slot's start and
 * releases it after the question, then waits for the answer to be heard.
 */
import type { Page } from 'playwright-core';
import type { GatewayFixture } from '@voiceassist/tests/harness/gateway.js';
import { launchChromium } from '../../apps/desktop/test-support/chromium.js';
import { CONDITIONS, applyTurnFaults, nominalMs, type Question } from './heard-conditions.js';
import { layOut, speak } from './heard-audio.js';
import { HEARD_PAGE_INIT_SCRIPT, type PageMarks } from './heard-page.js';
import { HEARD_TAP_INIT_SCRIPT, type HeardMark } from './heard-tap.js';

export interface TurnSample {
  readonly question: string;
  readonly revisedFinal: boolean;
  readonly nominalMs: number;
  /** Page clock (performance.now()), ms. */
  readonly keyUpAt: number | null;
  readonly finalAt: number | null;
  readonly firstChunkAt: number | null;
  readonly renderedAt: number | null;
  readonly heardAt: number | null;
  readonly outputLatencyMs: number | null;
  /** The engine's stage timings of the turn (voice.turnDone). */
  readonly timings: Readonly<Record<string, number | null>> | null;
}

interface PageState {
  readonly now: number;
  readonly page: PageMarks;
  readonly marks: readonly HeardMark[];
}

declare const window: {
  __heardPage: PageMarks;
  __heardTap: { marks: HeardMark[]; arm(): void; ready(): Promise<number> };
};

const state = (page: Page): Promise<PageState> =>
  page.evaluate(() => ({
    now: performance.now(),
    page: window.__heardPage,
    marks: window.__heardTap.marks,
  }));

/** Waits until the page clock reads `at` (ms), sleeping in Node on the measured clock offset. */
async function untilPageTime(page: Page, at: number): Promise<void> {
  for (;;) {
    const now = await page.evaluate(() => performance.now());
    const left = at - now;
    if (left <= 2) return;
    await new Promise((r) => setTimeout(r, left > 40 ? left - 20 : left));
  }
}

async function waitFor<T>(
  f: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}

/** The renderer's sessionStorage key for its next session token (renderer/transport.ts). */
const SESSION_KEY = 'voiceassist.session';

/**
 * Web mode's launch token opens one connection, and the page then keeps a one-use session token
 * in its tab's sessionStorage: a new browser reaches the same engine with that token in the URL
 * fragment, as a reload of the tab would. Returns the token for the next block.
 */
export async function runBlock(o: {
  /** The engine's origin + a token fragment (`#token=…`). */
  readonly launchUrl: string;
  /** The first is the warm-up turn. */
  readonly questions: readonly Question[];
  readonly dir: string;
  readonly name: string;
  readonly gw: GatewayFixture;
}): Promise<{ samples: TurnSample[]; nextUrl: string }> {
  const spoken = [];
  for (const [i, q] of o.questions.entries())
    spoken.push(await speak(q.text, o.dir, `${o.name}-q${i}`));
  const layout = await layOut(spoken, `${o.dir}/${o.name}.wav`, {
    leadS: CONDITIONS.leadS,
    tailS: CONDITIONS.tailS,
    answerS: CONDITIONS.answerS,
  });
  const browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${layout.file}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  const out: TurnSample[] = [];
  let nextUrl = o.launchUrl;
  try {
    // The tap's worklet module is a blob: URL, which the app's CSP (script-src 'self') refuses:
    // the bench page bypasses CSP; nothing else about the page changes.
    const page = await browser.newPage({ bypassCSP: true });
    await page.addInitScript(HEARD_TAP_INIT_SCRIPT);
    await page.addInitScript(HEARD_PAGE_INIT_SCRIPT);
    await page.goto(o.launchUrl);
    await page.waitForSelector('[data-testid="engine-status"][data-state="ready"]');
    await page.locator('[data-testid="talk-path"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      '!document.querySelector(\'[data-testid="hold-to-talk"]\')?.disabled',
    );
    await page.locator('main').focus();
    let micAt = 0;
    for (const [i, q] of o.questions.entries()) {
      const slot = layout.slots[i];
      if (!slot) throw new Error(`no slot ${i}`);
      await applyTurnFaults(o.gw, q);
      const before = await state(page);
      if (i === 0) {
        await page.keyboard.down('Space');
        const opened = await waitFor(
          async () => (await state(page)).page.micOpenedAt ?? undefined,
          20_000,
        );
        if (opened === undefined) throw new Error('the microphone did not open');
        micAt = opened;
      } else {
        await untilPageTime(page, micAt + slot.startS * 1000);
        await page.keyboard.down('Space');
      }
      await untilPageTime(page, micAt + slot.releaseS * 1000);
      await page.evaluate(() => window.__heardTap.arm());
      await page.keyboard.up('Space');
      const done = await waitFor(async () => {
        const s = await state(page);
        const finished = s.page.events.filter((e) => e.name === 'voice.turnDone').length;
        const before_ = before.page.events.filter((e) => e.name === 'voice.turnDone').length;
        return finished > before_ && s.marks.length > before.marks.length ? s : undefined;
      }, 30_000);
      if (i === 0) {
        await page.evaluate(() => window.__heardTap.ready());
        continue;
      }
      const s = done ?? (await state(page));
      const keyUpAt = s.page.keys.filter((k) => k.type === 'keyup').at(-1)?.at ?? null;
      const fresh = s.page.events.slice(before.page.events.length);
      const mark = s.marks[before.marks.length];
      out.push({
        question: q.text,
        revisedFinal: q.revisedFinal,
        nominalMs: nominalMs(q),
        keyUpAt,
        finalAt: fresh.find((e) => e.name === 'voice.transcript' && e.final)?.at ?? null,
        firstChunkAt: fresh.find((e) => e.name === 'voice.audio.chunk')?.at ?? null,
        renderedAt: mark?.renderedAt ?? null,
        heardAt: done && mark ? mark.audibleAt : null,
        outputLatencyMs: mark?.outputLatencyMs ?? null,
        timings: fresh.find((e) => e.name === 'voice.turnDone')?.timings ?? null,
      });
    }
    const token = await page.evaluate<string | null>(
      `sessionStorage.getItem(${JSON.stringify(SESSION_KEY)})`,
    );
    if (token) nextUrl = `${new URL(o.launchUrl).origin}/#token=${encodeURIComponent(token)}`;
  } finally {
    await browser.close();
  }
  return { samples: out, nextUrl };
}
