import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Embedder } from '../../apps/desktop/src/sidecar/knowledge/embed/embedder.js';
import { DATA_DIR } from './common.js';

export interface MedDoc {
  id: string;
  title: string;
  text: string;
}
export interface MedQuestion {
  id: string;
  question: string;
  gold_doc_ids: string[];
}

export function loadMedQuad(): { docs: MedDoc[]; questions: MedQuestion[] } {
  const dir = path.join(DATA_DIR, 'medquad');
  const lines = (f: string): string[] =>
    readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
  return {
    docs: lines('docs.jsonl').map((l) => JSON.parse(l) as MedDoc),
    questions: lines('questions.dev.jsonl')
      .map((l) => JSON.parse(l) as MedQuestion)
      .filter((q) => q.gold_doc_ids.length > 0),
  };
}

/** Every gold document plus evenly spaced distractors, `n` documents in all (deterministic). */
export function subset(
  docs: readonly MedDoc[],
  questions: readonly MedQuestion[],
  n: number,
): MedDoc[] {
  if (n >= docs.length) return [...docs];
  const gold = new Set(questions.flatMap((q) => q.gold_doc_ids));
  const chosen = docs.filter((d) => gold.has(d.id));
  const others = docs.filter((d) => !gold.has(d.id));
  const want = Math.max(0, n - chosen.length);
  const step = others.length / Math.max(1, want);
  for (let i = 0; i < want; i++) {
    const d = others[Math.floor(i * step)];
    if (d) chosen.push(d);
  }
  return chosen;
}

/** One Markdown file per document: `# title` then the text. */
export async function writeDocs(dir: string, docs: readonly MedDoc[]): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const d of docs)
    await fs.writeFile(path.join(dir, `${d.id}.md`), `# ${d.title}\n\n${d.text}\n`);
}

/**
 * Keeps vectors of texts already embedded by the same model in bench/results/.cache, so a rerun
 * of the quality section does not spend minutes re-embedding an unchanged corpus. Throughput is
 * always measured with the uncached embedder.
 */
export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  readonly maxBatchSize: number;
  private readonly cache = new Map<string, Float32Array>();
  hits = 0;
  misses = 0;
  constructor(
    private readonly inner: Embedder,
    private readonly file: string,
  ) {
    this.id = inner.id;
    this.dimension = inner.dimension;
    this.maxBatchSize = inner.maxBatchSize;
    if (existsSync(file)) {
      const data = JSON.parse(readFileSync(file, 'utf8')) as {
        model: string;
        entries: Record<string, string>;
      };
      if (data.model === inner.id)
        for (const [k, b64] of Object.entries(data.entries)) {
          const buf = Buffer.from(b64, 'base64');
          const v = new Float32Array(buf.byteLength / 4);
          new Uint8Array(v.buffer).set(buf);
          this.cache.set(k, v);
        }
    }
  }
  private static key(text: string): string {
    return createHash('sha256').update(text).digest('base64url');
  }
  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const keys = texts.map((t) => CachedEmbedder.key(t));
    const missing = [
      ...new Set(keys.map((k, i) => (this.cache.has(k) ? -1 : i)).filter((i) => i >= 0)),
    ];
    this.hits += texts.length - missing.length;
    this.misses += missing.length;
    if (missing.length > 0) {
      const vs = await this.inner.embed(
        missing.map((i) => texts[i] ?? ''),
        signal,
      );
      missing.forEach((i, j) => {
        const v = vs[j];
        const k = keys[i];
        if (v && k) this.cache.set(k, v);
      });
    }
    return keys.map((k) => this.cache.get(k) ?? new Float32Array(this.dimension));
  }
  async save(): Promise<void> {
    const entries: Record<string, string> = {};
    for (const [k, v] of this.cache)
      entries[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await fs.writeFile(this.file, JSON.stringify({ model: this.id, entries }));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
