import type { Db } from './database.js';

/** One ingested document as a sources list shows it. */
export interface KbSource {
  readonly documentId: number;
  readonly title: string;
  readonly sourcePath: string;
  readonly kind: string;
  readonly source: string;
  readonly chunks: number;
  readonly ingestedAt: string;
  readonly tags: readonly string[];
}

export interface DocumentCounts {
  readonly documents: number;
  readonly chunks: number;
  readonly byKind: Record<string, number>;
  readonly bySource: Record<string, number>;
}

/** Reads of the documents table for lists, citations and statistics (ingest.ts writes it). */
export class DocumentRepository {
  constructor(private readonly db: Db) {}

  /** Every document in the store, newest first. */
  list(): KbSource[] {
    const rows = this.db
      .prepare(
        `SELECT d.id, d.title, d.source_path, d.kind, d.source, d.chunk_count, d.ingested_at,
                (SELECT group_concat(tag, char(31)) FROM document_tags t WHERE t.document_id = d.id) AS tags
         FROM documents d ORDER BY d.ingested_at DESC, d.id DESC`,
      )
      .all() as {
      id: number;
      title: string;
      source_path: string;
      kind: string;
      source: string;
      chunk_count: number;
      ingested_at: string;
      tags: string | null;
    }[];
    return rows.map((r) => ({
      documentId: r.id,
      title: r.title,
      sourcePath: r.source_path,
      kind: r.kind,
      source: r.source,
      chunks: r.chunk_count,
      ingestedAt: r.ingested_at,
      tags: r.tags ? r.tags.split('\u001f') : [],
    }));
  }

  /** A document's source text, for showing a citation's span highlighted. */
  text(documentId: number): { sourcePath: string; title: string; text: string } | undefined {
    const row = this.db
      .prepare('SELECT source_path, title, text FROM documents WHERE id = ?')
      .get(documentId) as { source_path: string; title: string; text: string } | undefined;
    return row && { sourcePath: row.source_path, title: row.title, text: row.text };
  }

  counts(): DocumentCounts {
    const count = (sql: string): number => (this.db.prepare(sql).get() as { n: number }).n;
    const group = (col: 'kind' | 'source'): Record<string, number> =>
      Object.fromEntries(
        (
          this.db
            .prepare(`SELECT ${col} AS k, count(*) AS n FROM documents GROUP BY ${col}`)
            .all() as { k: string; n: number }[]
        ).map((r) => [r.k, r.n]),
      );
    return {
      documents: count('SELECT count(*) AS n FROM documents'),
      chunks: count('SELECT count(*) AS n FROM chunks'),
      byKind: group('kind'),
      bySource: group('source'),
    };
  }
}
