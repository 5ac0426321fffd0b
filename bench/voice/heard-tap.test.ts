import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../apps/desktop/test-support/chromium.js';
import { HEARD_TAP_INIT_SCRIPT, type HeardMark } from './heard-tap.js';

interface Played {
  readonly expected: number;
  readonly marks: HeardMark[];
}

/**
 * Page-side: digital silence first (must not count as sound), then a 100 ms tone at each of
 * `starts` (seconds from now); returns the first tone's start mapped to the page clock through the
 * same output timestamp, and the marks. Plain JavaScript: the bench's tsconfig has no DOM types.
 */
const PLAY = `async (starts) => {
  const ctx = (window.__ctx ??= new AudioContext());
  await ctx.resume();
  await window.__heardTap.ready();
  await new Promise((r) => setTimeout(r, 300));
  const silent = ctx.createBufferSource();
  silent.buffer = ctx.createBuffer(1, ctx.sampleRate, ctx.sampleRate);
  silent.connect(ctx.destination);
  silent.start();
  const ts = ctx.getOutputTimestamp();
  const firstStart = ctx.currentTime + starts[0];
  const expected = ts.performanceTime + (firstStart - ts.contextTime) * 1000;
  for (const s of starts) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    gain.gain.value = 0.5;
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + s);
    osc.stop(ctx.currentTime + s + 0.1);
  }
  await new Promise((r) => setTimeout(r, (starts[starts.length - 1] + 0.5) * 1000));
  return { expected, marks: [...window.__heardTap.marks] };
}`;

async function play(page: Page, starts: readonly number[]): Promise<Played> {
  return page.evaluate<Played>(`(${PLAY})(${JSON.stringify(starts)})`);
}

describe('heard tap (the stop mark of a bench as heard, in Chromium)', () => {
  let browser: Browser;
  let page: Page;
  let server: Server;
  beforeAll(async () => {
    // AudioWorklet needs a secure context: a page from loopback is one (as the web mode's is).
    server = createServer((_req, res) => res.end('<!doctype html><title>tap</title>'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
    page = await browser.newPage();
    await page.addInitScript(HEARD_TAP_INIT_SCRIPT);
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });
  afterAll(async () => {
    await browser.close();
    await new Promise((r) => server.close(r));
  });

  it('marks the first non-silent sample at the speaker once, on the page clock (within 25 ms of when it was scheduled)', async () => {
    const { expected, marks } = await play(page, [0.4, 0.7]);
    expect(marks).toHaveLength(1); // fires once per arming: the second tone is not marked
    const mark = marks[0]!;
    expect(Math.abs(mark.audibleAt - expected)).toBeLessThan(25);
    expect(mark.renderedAt).toBeLessThanOrEqual(mark.audibleAt);
    expect(mark.reportedAt).toBeGreaterThan(mark.renderedAt - 50);
  });

  it('marks the next answer after being armed again', async () => {
    await page.evaluate('window.__heardTap.arm()');
    const { expected, marks } = await play(page, [0.3]);
    expect(marks).toHaveLength(2);
    expect(Math.abs(marks[1]!.audibleAt - expected)).toBeLessThan(25);
  });
});
