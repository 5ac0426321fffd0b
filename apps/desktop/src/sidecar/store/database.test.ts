import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashingEmbedder } from '../knowledge/hashing-embedder.js';
import { KnowledgeBase } from '../knowledge/kb.js';
import { openDatabase, schemaVersion } from './database.js';
import { KnowledgeError } from './errors.js';
import { MIGRATIONS } from './migrations.js';

const KEY = Buffer.alloc(32, 0x5a);
const OTHER_KEY = Buffer.alloc(32, 0xa5);
const PHRASE = 'quokka-zebra pharmacokinetics 7731';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-store-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('encrypted store', () => {
  it('keeps no plaintext of an ingested phrase in the database file or its WAL', async () => {
    const file = path.join(dir, 'knowledge.db');
    const doc = path.join(dir, 'note.md');
    await fs.writeFile(doc, `# Trial notes\n\nThe ${PHRASE} study enrolled forty adults.\n`);
    const kb = KnowledgeBase.open({ file, key: KEY, embedder: new HashingEmbedder() });
    const report = await kb.ingest([doc]);
    expect(report.added).toBe(1);
    expect((await kb.search('quokka pharmacokinetics')).hits[0]?.text).toContain(PHRASE);
    const needles = [PHRASE, 'quokka', 'pharmacokinetics', 'Trial notes'];
    const check = (): void => {
      for (const f of [file, `${file}-wal`]) {
        if (!existsSync(f)) continue;
        const bytes = readFileSync(f);
        for (const n of needles) {
          expect(bytes.includes(Buffer.from(n, 'utf8'))).toBe(false);
          expect(bytes.includes(Buffer.from(n, 'utf16le'))).toBe(false);
        }
      }
    };
    check(); // while open: WAL holds the recent pages
    await kb.close();
    check();
    expect(readFileSync(file).subarray(0, 16).toString('latin1')).not.toContain('SQLite format');
  });

  it('refuses a wrong key with STORE_WRONG_KEY and leaves the file untouched', async () => {
    const file = path.join(dir, 'knowledge.db');
    openDatabase({ file, key: KEY }).close();
    const before = sha(file);
    const mtime = (await fs.stat(file)).mtimeMs;
    let caught: unknown;
    try {
      openDatabase({ file, key: OTHER_KEY });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KnowledgeError);
    expect((caught as KnowledgeError).code).toBe('STORE_WRONG_KEY');
    expect((caught as KnowledgeError).message).not.toContain(OTHER_KEY.toString('hex'));
    expect(sha(file)).toBe(before);
    expect((await fs.stat(file)).mtimeMs).toBe(mtime);
    expect(existsSync(`${file}-wal`)).toBe(false);
    openDatabase({ file, key: KEY }).close(); // the right key still opens it
  });

  it('applies numbered migrations once and refuses a store from a newer schema', () => {
    const file = path.join(dir, 'knowledge.db');
    const db = openDatabase({ file, key: KEY });
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)?.version);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase({ file, key: KEY })).toThrow(
      expect.objectContaining({ code: 'STORE_NEWER_SCHEMA' }) as Error,
    );
  });

  it('loads sqlite-vec and FTS5 into the encrypted connection', () => {
    const db = openDatabase({ file: path.join(dir, 'k.db'), key: KEY });
    const row = db.prepare('SELECT vec_version() AS v').get() as { v: string };
    expect(row.v).toMatch(/^v0\./);
    expect(db.pragma('cache_size', { simple: true })).toBeLessThan(-100_000); // KiB, > 100 MiB
    db.close();
  });
});
