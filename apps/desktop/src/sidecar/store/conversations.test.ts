import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PhiVault } from '@voiceassist/phi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TurnRecordDto } from '../../shared/voice-turn.js';
import { conversationTitle, UNTITLED } from './conversation-title.js';
import { ConversationRepository } from './conversations.js';
import { openDatabase, type Db } from './database.js';
import { VaultRepository } from './vaults.js';

const KEY = Buffer.alloc(32, 0x4e);
let dir: string;
let db: Db;
let repo: ConversationRepository;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'va-convs-'));
  db = openDatabase({ file: path.join(dir, 'k.db'), key: KEY });
  repo = new ConversationRepository(db);
});
afterEach(async () => {
  db.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const turn = (
  conversationId: string,
  id: string,
  transcript: string,
  at: string,
): TurnRecordDto => ({
  id,
  conversationId,
  startedAt: at,
  mode: 'text',
  status: 'complete',
  transcript,
  answer: '',
  sentences: [],
  covered: false,
  generator: 'extractive@1',
  speech: 'none',
  timings: {
    capture: null,
    sttFinalize: null,
    phi: null,
    retrieval: null,
    llmFirstToken: null,
    ttsFirstByte: null,
    firstAudio: null,
    total: null,
  },
  errors: [],
});

const NOTE = 'Mrs Jane Doe (DOB 12/01/1948, MRN 88213): how is chronic kidney disease treated?';

describe('conversation titles', () => {
  it('are the topic with the identifiers and the words that pointed at them removed', () => {
    expect(conversationTitle(NOTE)).toBe('How is chronic kidney disease treated?');
    expect(conversationTitle('What are the symptoms of glaucoma?')).toBe(
      'What are the symptoms of glaucoma?',
    );
    expect(conversationTitle('Jane Doe')).toBe(UNTITLED);
    const long = conversationTitle(`Which ${'very '.repeat(30)}long question is this?`);
    expect(long.length).toBeLessThanOrEqual(61);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('ConversationRepository', () => {
  it('titles a new conversation from its first question without identifiers, and renames it', () => {
    repo.saveTurn(turn('c1', 't1', NOTE, '2026-12-01T10:00:00.000Z'));
    repo.saveTurn(turn('c1', 't2', 'And for Mrs Doe with diabetes?', '2026-12-01T10:01:00.000Z'));
    const [c] = repo.list();
    expect(c?.title).toBe('How is chronic kidney disease treated?');
    expect(c?.turns).toBe(2);
    for (const v of ['Jane', 'Doe', '1948', '88213'])
      expect(JSON.stringify(db.prepare('SELECT title FROM conversations').all())).not.toContain(v);
    expect(repo.rename('c1', '  CKD   follow-up ')).toBe(true);
    expect(repo.list()[0]?.title).toBe('CKD follow-up');
    expect(repo.rename('nope', 'x')).toBe(false);
    expect(repo.rename('c1', '   ')).toBe(false);
  });

  it('deletes a conversation with its turns and its PHI vault', async () => {
    const vaults = new VaultRepository(db);
    repo.saveTurn(turn('c1', 't1', NOTE, '2026-12-01T10:00:00.000Z'));
    repo.saveTurn(turn('c2', 't2', 'Metformin dose?', '2026-12-01T11:00:00.000Z'));
    await vaults.save('c1', new PhiVault('c1').serialize());
    expect(repo.delete(['c1'])).toBe(1);
    expect(repo.list().map((c) => c.id)).toEqual(['c2']);
    expect(repo.turns('c1')).toEqual([]);
    expect(await vaults.load('c1')).toBeUndefined();
  });

  it('expires conversations past retention (turns and vaults too) and keeps the rest', async () => {
    const vaults = new VaultRepository(db);
    repo.saveTurn(turn('old', 't1', 'Old question?', '2026-10-01T10:00:00.000Z'));
    repo.saveTurn(turn('new', 't2', 'New question?', '2026-12-06T10:00:00.000Z'));
    await vaults.save('old', new PhiVault('old').serialize());
    // saveTurn stamps updated_at with the wall clock: date the old one back as if untouched since.
    db.prepare(
      `UPDATE conversations SET updated_at = '2026-10-01T10:00:00.000Z' WHERE id = 'old'`,
    ).run();
    db.prepare(`UPDATE phi_vaults SET updated_at = '2026-10-01T10:00:00.000Z'`).run();
    // A vault whose conversation never got a turn, as old: goes too.
    db.prepare(
      `INSERT INTO phi_vaults (conversation_id, snapshot, updated_at) VALUES ('orphan', '{}', '2026-10-01T00:00:00.000Z')`,
    ).run();
    const now = new Date('2026-12-07T00:00:00.000Z');
    expect(repo.expire(30, now)).toEqual(['old']);
    expect(repo.list().map((c) => c.id)).toEqual(['new']);
    expect(repo.turns(undefined).map((t) => t.id)).toEqual(['t2']);
    expect(db.prepare('SELECT conversation_id FROM phi_vaults').all()).toEqual([]);
  });

  it('retitles, once, conversations stored with their first words as the title', () => {
    repo.saveTurn(turn('c1', 't1', NOTE, '2026-12-01T10:00:00.000Z'));
    db.prepare(`UPDATE conversations SET title = ?`).run(NOTE.slice(0, 80));
    expect(repo.retitleOnce()).toBe(1);
    expect(repo.list()[0]?.title).toBe('How is chronic kidney disease treated?');
    repo.rename('c1', 'Mine');
    expect(repo.retitleOnce()).toBe(0); // a title chosen afterwards stays
    expect(repo.list()[0]?.title).toBe('Mine');
  });
});
