/**
 * The answer-quality set, built from MedQuAD (CC BY 4.0, ../shared/data/medquad):
 * - `template`: one question per answer passage, written from the passage's focus and question
 *   type with MedQuAD's own question templates (and common paraphrases, picked deterministically),
 *   for every (focus, type) pair that has exactly one passage — so the gold passage is unambiguous;
 * - `consumer`: the TREC LiveQA consumer questions of questions.dev.jsonl with their judged gold
 *   passages.
 * Questions are split by condition (focus), so no condition is in both splits: `tune` (40 %) is
 * what weights and the confidence model were chosen on, `test` (60 %) is what is reported.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR } from '../knowledge/common.js';

export interface MedQuadDoc {
  id: string;
  title: string;
  text: string;
  focus: string;
  qtype: string;
}

export interface AnswerQuestion {
  id: string;
  question: string;
  gold: string[];
  set: 'template' | 'consumer';
  qtype: string;
  split: 'tune' | 'test';
}

export const MEDQUAD_DIR = path.join(DATA_DIR, 'medquad');

export function medquadPresent(): boolean {
  return existsSync(path.join(MEDQUAD_DIR, 'docs.jsonl'));
}

const TEMPLATES: Record<string, readonly string[]> = {
  information: ['What is (are) {}?', 'What is {}?', 'Tell me about {}'],
  symptoms: [
    'What are the symptoms of {}?',
    'What are the signs and symptoms of {}?',
    '{} symptoms',
  ],
  treatment: ['What are the treatments for {}?', 'How is {} treated?', '{} treatment options'],
  inheritance: ['Is {} inherited?', 'How is {} inherited?'],
  'genetic changes': ['What are the genetic changes related to {}?', 'What gene changes cause {}?'],
  frequency: ['How many people are affected by {}?', 'How common is {}?'],
  causes: ['What causes {}?', 'What are the causes of {}?'],
  research: ['What research (or clinical trials) is being done for {}?'],
  'exams and tests': ['How to diagnose {}?', 'How is {} diagnosed?', 'Tests for {}'],
  outlook: ['What is the outlook for {}?', 'What is the prognosis of {}?'],
  susceptibility: ['Who is at risk for {}?'],
  prevention: ['How to prevent {}?', 'How can {} be prevented?'],
  considerations: ['What to do for {}?'],
  stages: ['What are the stages of {}?'],
  complications: ['What are the complications of {}?'],
};

const hashOf = (s: string): number =>
  createHash('sha256').update(s.toLowerCase()).digest().readUInt32BE(0);

export const splitOf = (focus: string): 'tune' | 'test' =>
  hashOf(`split:${focus}`) % 10 < 4 ? 'tune' : 'test';

export function loadDocs(): MedQuadDoc[] {
  return readFileSync(path.join(MEDQUAD_DIR, 'docs.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MedQuadDoc);
}

export function buildQuestions(docs: readonly MedQuadDoc[]): AnswerQuestion[] {
  const pairs = new Map<string, MedQuadDoc[]>();
  for (const d of docs) {
    const key = `${d.focus.toLowerCase()}\u0000${d.qtype}`;
    pairs.set(key, [...(pairs.get(key) ?? []), d]);
  }
  const out: AnswerQuestion[] = [];
  for (const group of pairs.values()) {
    const d = group[0];
    if (!d || group.length !== 1) continue; // several passages for one (focus, type): gold unclear
    const templates = TEMPLATES[d.qtype];
    if (!templates) continue;
    const template = templates[hashOf(d.id) % templates.length] ?? templates[0] ?? '{}';
    out.push({
      id: d.id,
      question: template.replace('{}', d.focus),
      gold: [d.id],
      set: 'template',
      qtype: d.qtype,
      split: splitOf(d.focus),
    });
  }
  const byId = new Map(docs.map((d) => [d.id, d]));
  for (const line of readFileSync(path.join(MEDQUAD_DIR, 'questions.dev.jsonl'), 'utf8').split(
    '\n',
  )) {
    if (!line.trim()) continue;
    const q = JSON.parse(line) as { id: string; question: string; gold_doc_ids: string[] };
    const gold = q.gold_doc_ids.filter((g) => byId.has(g));
    const first = byId.get(gold[0] ?? '');
    if (!first) continue;
    out.push({
      id: q.id,
      question: q.question,
      gold,
      set: 'consumer',
      qtype: first.qtype,
      split: splitOf(first.focus),
    });
  }
  return out;
}
