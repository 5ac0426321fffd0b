import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KNOWLEDGE_ERA_MIGRATIONS,
  SHIPPED_MIGRATIONS,
  VOICE_ERA_MIGRATIONS,
  createShippedStore,
} from '../../../test-support/store/shipped-migrations.js';
import { HashingEmbedder } from '../knowledge/hashing-embedder.js';
import { KnowledgeBase } from '../knowledge/kb.js';
import { openDatabase, schemaVersion, type Db } from './database.js';
import { MIGRATIONS, assertStrictlyIncreasing } from './migrations.js';

const KEY = Buffer.alloc(32, 0x3c);
let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-migrate-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const LATEST = MIGRATIONS.at(-1)?.version ?? 0;
const TEXT = 'The quokka-zebra protocol lowers serum phosphate in stage 3 kidney disease.';

const tables = (db: Db): string[] =>
  (
    db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'view')`).all() as {
      name: string;
    }[]
  ).map((r) => r.name);

/** A document with one chunk, a conversation with a turn, a PHI vault and a setting: raw SQL. */
function fill(db: Db, withConversations: boolean): void {
  db.prepare(
    `INSERT INTO documents (id, source_path, folder, source, title, kind, content_hash, size_bytes, text, pages, chunk_count, ingested_at)
     VALUES (1, '/docs/quokka.md', '/docs', 'local', 'Quokka protocol', 'markdown', 'h1', ?, ?, NULL, 1, '2026-12-01T00:00:00Z')`,
  ).run(TEXT.length, TEXT);
  db.prepare(
    `INSERT INTO chunks (id, document_id, ord, heading, text, start, "end", page) VALUES (1, 1, 0, '', ?, 0, ?, NULL)`,
  ).run(TEXT, TEXT.length);
  db.prepare('INSERT INTO chunks_fts (rowid, title, body) VALUES (1, ?, ?)').run(
    'Quokka protocol',
    TEXT,
  );
  db.prepare(`INSERT INTO meta (key, value) VALUES ('voice.settings', '{"bargeIn":false}')`).run();
  if (!withConversations) return;
  db.prepare(
    `INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Phosphate', '2026-12-01T00:00:00Z', '2026-12-01T00:00:01Z')`,
  ).run();
  db.prepare(
    `INSERT INTO turns (id, conversation_id, started_at, status, record) VALUES ('t1', 'c1', '2026-12-01T00:00:00Z', 'done', '{"id":"t1"}')`,
  ).run();
  db.prepare(
    `INSERT INTO phi_vaults (conversation_id, snapshot, updated_at) VALUES ('c1', '{"entries":[]}', '2026-12-01T00:00:00Z')`,
  ).run();
}

describe('store migrations', () => {
  it('number their versions from 1, strictly increasing', () => {
    expect(() => assertStrictlyIncreasing(MIGRATIONS)).not.toThrow();
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions[0]).toBe(1);
    versions.slice(1).forEach((v, i) => expect(v).toBeGreaterThan(versions[i] ?? Infinity));
  });

  it('refuse to run a list whose versions repeat (as two once did)', () => {
    expect(() => assertStrictlyIncreasing(SHIPPED_MIGRATIONS)).toThrow(/strictly increase/);
    expect(() =>
      openDatabase({ file: path.join(dir, 'k.db'), key: KEY, migrations: SHIPPED_MIGRATIONS }),
    ).toThrow(/strictly increase/);
  });

  it('upgrade a store created by the shipped schema with its data intact', async () => {
    const file = path.join(dir, 'knowledge.db');
    const old = createShippedStore(file, KEY);
    expect(schemaVersion(old)).toBe(3);
    fill(old, true);
    old.close();

    const kb = KnowledgeBase.open({ file, key: KEY, embedder: new HashingEmbedder() });
    try {
      expect(schemaVersion(kb.db)).toBe(LATEST);
      expect(kb.sources().map((s) => s.title)).toEqual(['Quokka protocol']);
      const { hits } = await kb.search('quokka phosphate', { mode: 'bm25' });
      expect(hits[0]?.text).toBe(TEXT);
      expect(kb.db.prepare('SELECT title FROM conversations').all()).toEqual([
        { title: 'Phosphate' },
      ]);
      expect(kb.db.prepare('SELECT record FROM turns').all()).toEqual([{ record: '{"id":"t1"}' }]);
      expect(kb.db.prepare('SELECT snapshot FROM phi_vaults').all()).toEqual([
        { snapshot: '{"entries":[]}' },
      ]);
      expect(kb.db.prepare(`SELECT value FROM meta WHERE key = 'voice.settings'`).get()).toEqual({
        value: '{"bargeIn":false}',
      });
      // Migration 6: the chunk stored before is scanned for identifiers after open (none here).
      expect(await kb.phiBackfillDone()).toEqual({ done: 1, total: 1 });
      expect(kb.db.prepare('SELECT chunk_id, spans FROM chunk_phi').all()).toEqual([
        { chunk_id: 1, spans: '[]' },
      ]);
    } finally {
      await kb.close();
    }
  });

  it('give a store from the knowledge branch (version 2 = vocabulary) the conversation tables', () => {
    const file = path.join(dir, 'knowledge.db');
    const old = createShippedStore(file, KEY, KNOWLEDGE_ERA_MIGRATIONS);
    expect(schemaVersion(old)).toBe(2);
    expect(tables(old)).not.toContain('conversations');
    fill(old, false);
    old.close();

    const db = openDatabase({ file, key: KEY });
    try {
      expect(schemaVersion(db)).toBe(LATEST);
      expect(tables(db)).toEqual(
        expect.arrayContaining(['conversations', 'turns', 'phi_vaults', 'chunk_changes']),
      );
      expect(db.prepare('SELECT count(*) AS n FROM documents').get()).toEqual({ n: 1 });
      expect(db.prepare(`SELECT doc FROM chunks_fts_vocab WHERE term = 'quokka'`).get()).toEqual({
        doc: 1,
      });
    } finally {
      db.close();
    }
  });

  it('give a store from the voice branch (version 2 = conversations) the vocabulary', () => {
    const file = path.join(dir, 'knowledge.db');
    const old = createShippedStore(file, KEY, VOICE_ERA_MIGRATIONS);
    expect(tables(old)).not.toContain('chunks_fts_vocab');
    fill(old, true);
    old.close();

    const db = openDatabase({ file, key: KEY });
    try {
      expect(schemaVersion(db)).toBe(LATEST);
      expect(db.prepare(`SELECT doc FROM chunks_fts_vocab WHERE term = 'phosphat'`).get()).toEqual({
        doc: 1,
      });
      expect(db.prepare('SELECT count(*) AS n FROM turns').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});
