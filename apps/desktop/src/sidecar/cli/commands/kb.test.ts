import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../io.js';
import { main } from '../main.js';

let dir: string;
let store: string;

function capture(
  env: NodeJS.ProcessEnv,
  stdinLines: string[] = [],
): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return {
    io: {
      stdin: Readable.from(stdinLines.map((l) => `${l}\n`)),
      stdout,
      stderr,
      env: { VOICEASSIST_EMBED_MODEL: 'hashing-bow', ...env },
      cwd: dir,
      interactive: false,
    },
    out: () => o,
    err: () => e,
  };
}

const exists = (p: string): Promise<boolean> =>
  fs.stat(p).then(
    () => true,
    () => false,
  );

async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  stdin: string[] = [],
): Promise<{ code: number; out: string; err: string }> {
  const c = capture(env, stdin);
  const code = await main(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-cli-'));
  store = path.join(dir, 'store');
  await fs.mkdir(path.join(dir, 'docs'));
  await fs.writeFile(
    path.join(dir, 'docs', 'gout.md'),
    '# Gout\n\nGout is caused by uric acid crystals in a joint. Colchicine treats acute gout attacks.\n',
  );
  await fs.writeFile(path.join(dir, 'docs', 'broken.txt'), Buffer.from([0, 1, 2, 3, 0, 0]));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('voiceassist kb', () => {
  it('ingests with --json, creating the store folder and an owner-only key file, saying so with --verbose', async () => {
    const r = await run(['kb', 'ingest', 'docs', '--store', 'store', '--json', '--verbose']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as {
      added: number;
      files: { path: string; outcome: string; code?: string }[];
    };
    expect(report.added).toBe(1);
    expect(report.files.find((f) => f.path.endsWith('broken.txt'))).toMatchObject({
      outcome: 'skipped',
      code: 'INGEST_BINARY',
    });
    expect(r.err).toMatch(/database key: created a new random key in key-file/);
    expect((await fs.stat(path.join(store, 'knowledge.key'))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(store)).mode & 0o777).toBe(0o700);
  });

  it('is quiet by default: nothing on stderr when all goes well', async () => {
    const r = await run(['kb', 'ingest', 'docs', '--store', 'store']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^0 added, 0 updated, 1 unchanged, 1 skipped/);
  });

  it('exits 1 for a missing or unreadable path and creates no store', async () => {
    const missing = await run(['kb', 'ingest', 'no-such-folder', '--store', 'fresh-store']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`${path.join(dir, 'no-such-folder')} does not exist`);
    expect(await exists(path.join(dir, 'fresh-store'))).toBe(false);
    if (process.getuid?.() !== 0) {
      // root reads everything: the permission case only means something for other users
      await fs.mkdir(path.join(dir, 'locked'), { mode: 0o000 });
      const locked = await run(['kb', 'ingest', 'locked', '--store', 'fresh-store']);
      expect(locked.code).toBe(1);
      expect(locked.err).toContain('cannot be read');
      expect(await exists(path.join(dir, 'fresh-store'))).toBe(false);
    }
    const search = await run(['kb', 'search', 'gout', '--store', 'fresh-store']);
    expect(search.code).toBe(1);
    expect(search.err).toContain('There is no knowledge store in');
    expect(await exists(path.join(dir, 'fresh-store'))).toBe(false);
  });

  it('rejects arguments that look like options instead of reading them as the query (exit 2)', async () => {
    const literal = await run(['kb', 'search', 'gout', '[--json]', '--store', 'store']);
    expect(literal.code).toBe(2);
    expect(literal.err).toContain("unknown argument '[--json]'");
    expect((await run(['kb', 'ask', 'gout', '—json', '--store', 'store'])).code).toBe(2);
    expect((await run(['kb', 'stats', 'extra', '--store', 'store'])).code).toBe(2);
    expect((await run(['kb', 'search', 'gout', '--store', 'store', '--jsno'])).code).toBe(2);
  });

  it('searches with --json and answers the --jsonl line protocol with the documented fields', async () => {
    const one = await run(['kb', 'search', 'uric acid', '--store', 'store', '--k', '3', '--json']);
    expect(one.code).toBe(0);
    const parsed = JSON.parse(one.out) as { results: Record<string, unknown>[] };
    expect(Object.keys(parsed.results[0] ?? {}).sort()).toEqual([
      'end',
      'page',
      'score',
      'sourcePath',
      'start',
      'text',
      'title',
    ]);

    const r = await run(['kb', 'search', '--store', 'store', '--k', '10', '--jsonl'], {}, [
      JSON.stringify({ id: 'a', query: 'colchicine' }),
      JSON.stringify({ id: 7, query: 'gout crystals' }),
    ]);
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: unknown; results: Record<string, unknown>[] });
    expect(lines.map((l) => l.id)).toEqual(['a', 7]);
    const hit = lines[0]?.results[0];
    expect(Object.keys(hit ?? {}).sort()).toEqual([
      'end',
      'page',
      'score',
      'sourcePath',
      'start',
      'text',
      'title',
    ]);
    expect(hit).toMatchObject({
      sourcePath: path.join(dir, 'docs', 'gout.md'),
      title: 'Gout',
      page: null,
    });
  });

  it('asks with --json in exactly the documented shape', async () => {
    const r = await run([
      'kb',
      'ask',
      'What treats acute gout attacks?',
      '--store',
      'store',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.out) as {
      answer: string;
      covered: boolean;
      confidence: number;
      sentences: {
        text: string;
        citations: { sourcePath: string; start: number; end: number }[];
      }[];
    };
    expect(Object.keys(a).sort()).toEqual(['answer', 'confidence', 'covered', 'sentences']);
    expect(a.covered).toBe(true);
    expect(a.confidence).toBeGreaterThan(0.5);
    expect(a.confidence).toBeLessThanOrEqual(1);
    expect(a.answer).toContain('Colchicine');
    const c = a.sentences[0]?.citations[0];
    expect(Object.keys(c ?? {}).sort()).toEqual(['end', 'sourcePath', 'start']);
    const src = await fs.readFile(c?.sourcePath ?? '', 'utf8');
    expect(src.slice(c?.start, c?.end)).toBe(a.sentences[0]?.text);

    const no = await run(['kb', 'ask', 'How do I renew a passport?', '--store', 'store', '--json']);
    expect((JSON.parse(no.out) as { covered: boolean }).covered).toBe(false);
  });

  it('prints stats as JSON', async () => {
    const r = await run(['kb', 'stats', '--store', 'store', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      documents: 1,
      models: [{ modelId: 'hashing-bow@1/512', state: 'active' }],
    });
  });

  it('exits 2 on usage errors and 1 with a clear message on a wrong key', async () => {
    expect((await run(['kb', 'search', 'x'])).code).toBe(2);
    expect((await run(['kb', 'search', 'x', '--store', 'store', '--k', 'ten'])).code).toBe(2);
    expect((await run(['kb', 'frobnicate', '--store', 'store'])).code).toBe(2);
    expect((await run(['kb', 'ingest', '--store', 'store'])).code).toBe(2);
    const wrong = await run(['kb', 'stats', '--store', 'store', '--json', '--verbose'], {
      VOICEASSIST_DB_KEY: 'ab'.repeat(32),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/database key: loaded from env/);
    expect(wrong.err).toMatch(/cannot be decrypted with this key/);
    expect(wrong.err).not.toContain('ab'.repeat(32));
  });
});
