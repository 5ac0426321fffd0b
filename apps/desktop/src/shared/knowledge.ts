import { Type, type Static } from 'typebox';

/**
 * Schemas of the Knowledge view's calls (`knowledge.*` in contract.ts): adding local files and
 * folders to the encrypted store (the engine reads the paths; the renderer never touches the
 * filesystem), the sources list, search, cited answers and the passage behind a citation.
 */

/**
 * The document types the engine ingests, by file extension (no dot, lower case): the engine's
 * parser picks by them and the "Add files…" dialog filters by them, from this one list.
 */
export const DOCUMENT_TYPES = [
  { kind: 'pdf', name: 'PDF', extensions: ['pdf'] },
  { kind: 'docx', name: 'Word (DOCX)', extensions: ['docx'] },
  { kind: 'html', name: 'HTML', extensions: ['html', 'htm', 'xhtml'] },
  { kind: 'markdown', name: 'Markdown', extensions: ['md', 'markdown'] },
  { kind: 'text', name: 'Text', extensions: ['txt', 'text'] },
] as const;
export type DocumentKind = (typeof DOCUMENT_TYPES)[number]['kind'];

export const MAX_INGEST_PATHS = 100;
export const MAX_PATH_LENGTH = 4096;
export const MAX_QUERY_LENGTH = 2000;
export const MAX_SEARCH_K = 50;
/** Characters of source text shown on each side of a cited span. */
export const PASSAGE_CONTEXT = 1200;

const Text = (maxLength: number) => Type.String({ maxLength });
const PathText = Type.String({ minLength: 1, maxLength: MAX_PATH_LENGTH });
const Offset = Type.Integer({ minimum: 0 });
const Page = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);
const Code = Type.String({ maxLength: 64 });

export const IngestInput = Type.Object(
  {
    paths: Type.Array(PathText, { minItems: 1, maxItems: MAX_INGEST_PATHS }),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const IngestStarted = Type.Object(
  { started: Type.Boolean(), paths: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const FileError = Type.Object(
  { path: Text(MAX_PATH_LENGTH), code: Code, reason: Text(1024) },
  { additionalProperties: false },
);
export type FileError = Static<typeof FileError>;

/** Ingestion progress; the last event of a run has phase done, cancelled or failed. */
export const ProgressEvent = Type.Object(
  {
    phase: Type.Union([
      Type.Literal('scanning'),
      Type.Literal('ingesting'),
      Type.Literal('done'),
      Type.Literal('cancelled'),
      Type.Literal('failed'),
    ]),
    filesTotal: Type.Integer({ minimum: 0 }),
    filesDone: Type.Integer({ minimum: 0 }),
    filesSkipped: Type.Integer({ minimum: 0 }),
    chunksDone: Type.Integer({ minimum: 0 }),
    etaMs: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
    currentFile: Type.Union([Text(MAX_PATH_LENGTH), Type.Null()]),
    /** Files skipped so far in this run, with the reason (at most 200 listed). */
    errors: Type.Array(FileError, { maxItems: 200 }),
    /** When phase is failed: why the run stopped. */
    error: Type.Optional(Type.Object({ code: Code, message: Text(1024) })),
  },
  { additionalProperties: false },
);
export type ProgressEvent = Static<typeof ProgressEvent>;

export const SourceRow = Type.Object(
  {
    documentId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    title: Text(1024),
    sourcePath: Text(MAX_PATH_LENGTH),
    kind: Text(32),
    chunks: Type.Integer({ minimum: 0 }),
    ingestedAt: Type.Union([Text(64), Type.Null()]),
    status: Type.Union([Type.Literal('ready'), Type.Literal('failed')]),
    code: Type.Optional(Code),
    reason: Type.Optional(Text(1024)),
  },
  { additionalProperties: false },
);
export type SourceRow = Static<typeof SourceRow>;

export const SourcesOutput = Type.Object(
  {
    sources: Type.Array(SourceRow, { maxItems: 20000 }),
    documents: Type.Integer({ minimum: 0 }),
    chunks: Type.Integer({ minimum: 0 }),
    ingesting: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SourcesOutput = Static<typeof SourcesOutput>;

export const SearchInput = Type.Object(
  {
    query: Type.String({ minLength: 1, maxLength: MAX_QUERY_LENGTH }),
    k: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SEARCH_K })),
    filters: Type.Optional(
      Type.Object(
        {
          folders: Type.Optional(Type.Array(PathText, { maxItems: 20 })),
          tags: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
          sources: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SearchHitDto = Type.Object(
  {
    documentId: Type.Integer({ minimum: 1 }),
    chunkId: Type.Integer({ minimum: 1 }),
    title: Text(1024),
    sourcePath: Text(MAX_PATH_LENGTH),
    heading: Text(1024),
    page: Page,
    start: Offset,
    end: Offset,
    text: Text(20000),
    score: Type.Number(),
  },
  { additionalProperties: false },
);
export type SearchHitDto = Static<typeof SearchHitDto>;

export const SearchOutput = Type.Object(
  {
    hits: Type.Array(SearchHitDto, { maxItems: MAX_SEARCH_K }),
    vectorSearch: Type.Union([Type.Literal('full'), Type.Literal('bm25-only')]),
  },
  { additionalProperties: false },
);

export const CitationDto = Type.Object(
  {
    documentId: Type.Integer({ minimum: 1 }),
    chunkId: Type.Integer({ minimum: 1 }),
    title: Text(1024),
    sourcePath: Text(MAX_PATH_LENGTH),
    start: Offset,
    end: Offset,
    page: Page,
  },
  { additionalProperties: false },
);
export type CitationDto = Static<typeof CitationDto>;

export const KbAnswerOutput = Type.Object(
  {
    answer: Text(20000),
    sentences: Type.Array(
      Type.Object(
        { text: Text(5000), citations: Type.Array(CitationDto, { maxItems: 20 }) },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
    covered: Type.Boolean(),
    /** How likely the sentences answer the question, 0–1 (calibrated for the local answer). */
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    /** Said with the answer, e.g. that the closest source is about another condition. */
    notice: Type.Optional(Text(1024)),
    generator: Text(64),
    sources: Type.Array(
      Type.Object(
        { sourcePath: Text(MAX_PATH_LENGTH), title: Text(1024), page: Page, score: Type.Number() },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
export type KbAnswerOutput = Static<typeof KbAnswerOutput>;

export const KbAskInput = Type.Object(
  { question: Type.String({ minLength: 1, maxLength: MAX_QUERY_LENGTH }) },
  { additionalProperties: false },
);

export const PassageInput = Type.Object(
  {
    documentId: Type.Optional(Type.Integer({ minimum: 1 })),
    sourcePath: Type.Optional(PathText),
    start: Offset,
    end: Offset,
  },
  { additionalProperties: false },
);

/** `text` is source text from `textStart`; the cited span is text[start - textStart, end - textStart). */
export const PassageOutput = Type.Object(
  {
    documentId: Type.Integer({ minimum: 1 }),
    title: Text(1024),
    /** The section (heading path) the span starts in; empty before the first heading. */
    heading: Type.Optional(Text(1024)),
    sourcePath: Text(MAX_PATH_LENGTH),
    text: Text(2 * PASSAGE_CONTEXT + 20000),
    textStart: Offset,
    start: Offset,
    end: Offset,
    documentLength: Offset,
  },
  { additionalProperties: false },
);
export type PassageOutput = Static<typeof PassageOutput>;

// ---- the knowledge manager: remove, re-index, upload, whole document ----

export const MAX_DOCUMENT_IDS = 500;
/** Base64 characters of one upload piece: stays well under the RPC frame limit. */
export const UPLOAD_PIECE_CHARS = 512 * 1024;
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
export const MAX_DOCUMENT_CHARS = 400_000;

const DocumentIds = Type.Array(Type.Integer({ minimum: 1 }), {
  minItems: 1,
  maxItems: MAX_DOCUMENT_IDS,
});

export const RemoveInput = Type.Object(
  { documentIds: DocumentIds },
  { additionalProperties: false },
);
export const RemoveOutput = Type.Object(
  { removed: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const ReindexInput = Type.Object(
  { documentIds: DocumentIds },
  { additionalProperties: false },
);

/**
 * A file given by its content (drag and drop, or the file input in a browser, where there is no
 * path): sent in pieces of base64; the engine keeps it in the profile's uploads folder and adds it
 * once the last piece arrived.
 */
export const UploadInput = Type.Object(
  {
    uploadId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
    name: Type.String({ minLength: 1, maxLength: 255 }),
    /** Byte offset of this piece; pieces arrive in order. */
    offset: Type.Integer({ minimum: 0, maximum: MAX_UPLOAD_BYTES }),
    data: Type.String({ maxLength: UPLOAD_PIECE_CHARS }),
    /** True on the last piece: the file is complete. */
    last: Type.Boolean(),
  },
  { additionalProperties: false },
);
/** `path`, once the last piece arrived: where the engine keeps the file (give it to knowledge.ingest). */
export const UploadOutput = Type.Object(
  {
    received: Type.Integer({ minimum: 0 }),
    path: Type.Union([Text(MAX_PATH_LENGTH), Type.Null()]),
  },
  { additionalProperties: false },
);

export const DocumentInput = Type.Object(
  { documentId: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export const DocumentOutput = Type.Object(
  {
    documentId: Type.Integer({ minimum: 1 }),
    title: Text(1024),
    sourcePath: Text(MAX_PATH_LENGTH),
    kind: Text(32),
    text: Text(MAX_DOCUMENT_CHARS),
    /** The document is longer than what `text` holds. */
    truncated: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type DocumentOutput = Static<typeof DocumentOutput>;
