import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../src/shared/errors.js';
import { launchChromium } from '../test-support/chromium.js';
import { readMedquadQuestions, writeMedquadMarkdown } from '../test-support/data.js';
import { REPO_ROOT, startSidecarWeb, type Started } from '../test-support/processes.js';

/**
 * The Knowledge view end to end with real parts: the Vite-built renderer in Debian's Chromium, the
 * web-mode sidecar as a process with an encrypted profile store (key from VOICEASSIST_DB_KEY),
 * MedQuAD documents (test-support/data) written as Markdown files and added through the UI.
 */
const DOC_IDS = [
  'MPlusHealthTopics_0000052_Sec1', // Appendicitis: the asked question's gold document
  'CDC_0000212_Sec3',
  'MPlusHealthTopics_0000360_Sec1',
  'MPlusHealthTopics_0000866_Sec1',
];
const QUESTION_ID = 'own-appendicitis'; // "Does appendicitis always cause a fever?"

let tmp: string;
let docsDir: string;
let sidecar: Started | undefined;
let browser: Browser | undefined;
let launchUrl: string;
const consoleErrors: string[] = [];
const fileText = new Map<string, string>();
let question = '';

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'va-e2e-kb-'));
  docsDir = path.join(tmp, 'docs');
  await mkdir(docsDir);
  for (const file of await writeMedquadMarkdown(docsDir, DOC_IDS))
    fileText.set(file, await readFile(file, 'utf8'));
  // A binary file named .txt: reported with its reason, the rest still added.
  await writeFile(path.join(docsDir, 'broken.txt'), Buffer.alloc(4096, 0));
  const q = readMedquadQuestions().find((x) => x.id === QUESTION_ID);
  if (!q?.gold_doc_ids.includes(DOC_IDS[0]!)) throw new Error(`${QUESTION_ID} changed`);
  question = q.question;

  const rendererDir = path.join(tmp, 'renderer');
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true, sourcemap: false },
  });
  sidecar = await startSidecarWeb(rendererDir, {
    VOICEASSIST_PROFILE_DIR: path.join(tmp, 'profile'),
    VOICEASSIST_DB_KEY: randomBytes(32).toString('hex'),
    // The lexical embedder keeps this test about the UI, not about model loading.
    VOICEASSIST_EMBED_MODEL: 'hashing-bow',
  });
  launchUrl = sidecar.match[1]!;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await sidecar?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('Knowledge view in real Chromium over the real sidecar', () => {
  let page: Page;

  it('adds a folder through the UI: progress ends done, per-file error shown, sources listed', async () => {
    page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(launchUrl);
    await page.waitForSelector('[data-testid="engine-status"][data-state="ready"]', {
      timeout: 30_000,
    });
    await page.getByRole('button', { name: /Knowledge/ }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Knowledge');

    await page.getByLabel('Or add a file or folder by its path on this computer').fill(docsDir);
    await page.locator('#main').getByRole('button', { name: 'Add', exact: true }).click();
    const progress = page.getByTestId('kb-progress');
    await progress.getByText(/^Done:/).waitFor({ timeout: 60_000 });
    expect(await progress.innerText()).toContain(`Done: 4 of 5 files`);
    const errors = page.getByText('Files not added').locator('..');
    expect(await errors.innerText()).toContain('broken.txt');
    expect(await errors.innerText()).toContain(ERRORS.INGEST_BINARY);

    const table = page.getByTestId('kb-sources');
    await table.getByText('Appendicitis -- information').waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await page.getByTestId('kb-failed').innerText()).toContain('1 file could not be added');
  });

  it('searches and marks the matched words in the snippet', async () => {
    await page.getByLabel('Question or search words').fill('appendicitis fever');
    await page.locator('#main').getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByRole('list', { name: 'Search results' });
    await results.waitFor();
    const first = results.getByRole('listitem').first();
    expect(await first.innerText()).toContain('Appendicitis');
    const marks = await first.locator('mark').allInnerTexts();
    expect(marks.map((m) => m.toLowerCase())).toContain('appendicitis');
  });

  it('asks a MedQuAD question: cited sentences; a citation opens the source with the span highlighted', async () => {
    await page.getByLabel('Question or search words').fill(question);
    await page.locator('#main').getByRole('button', { name: 'Ask', exact: true }).click();
    const sentences = page.getByRole('list', { name: 'Answer, sentence by sentence' });
    await sentences.waitFor({ timeout: 60_000 });
    expect(await sentences.getByRole('listitem').count()).toBeGreaterThan(0);
    const cite = sentences.getByRole('button', { name: /^Citation 1:/ });
    expect(await cite.getAttribute('aria-label')).toContain('Appendicitis');
    await cite.click();

    const panel = page.getByRole('dialog');
    await panel.getByTestId('citation-passage').waitFor();
    // Focus moved into the panel, to its heading.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('citation-title');
    const span = await panel.locator('mark').innerText();
    expect(span.length).toBeGreaterThan(10);
    const source = fileText.get(path.join(docsDir, `${DOC_IDS[0]!}.md`))!;
    expect(source.replace(/\s+/g, ' ')).toContain(span.replace(/\s+/g, ' ').trim());
    expect(await panel.innerText()).toContain(`${DOC_IDS[0]!}.md`);
    if (process.env.VOICEASSIST_SCREENSHOT_DIR)
      await page.screenshot({
        path: path.join(process.env.VOICEASSIST_SCREENSHOT_DIR, 'knowledge.png'),
        fullPage: true,
      });

    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
      /^Citation 1:/,
    );
  });

  it('says honestly when the sources do not cover a question, with the nearest sources', async () => {
    await page.getByLabel('Question or search words').fill('Can hantavirus lead to death?');
    await page.locator('#main').getByRole('button', { name: 'Ask', exact: true }).click();
    await page.getByText('Your sources do not cover this question.').waitFor({ timeout: 60_000 });
    const nearest = page.getByRole('list', { name: 'Nearest sources' });
    expect(await nearest.innerText()).toContain('Hantavirus');
    expect(consoleErrors).toEqual([]);
  });
});
