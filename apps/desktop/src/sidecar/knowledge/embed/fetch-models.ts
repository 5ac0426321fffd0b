import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { EmbedError, messageOf } from './errors.js';
import { hashFile } from './onnx/folder.js';
import { fileUrl, HUB_BASE_URL, type PinnedModel } from './models.js';

/**
 * Installs a pinned model into `<modelsDir>/<id>/` for packaging. Files are downloaded into a
 * staging folder beside the target, each verified against its pinned sha256, and the folder is
 * renamed into place only when all of them are good: an interrupted or failed run leaves the old
 * folder (or nothing) — never a half-written model that `createEmbedder` would try to load.
 */
export interface FetchOptions {
  readonly modelsDir: string;
  readonly baseUrl?: string;
  /** Refuse files without a pinned sha256 instead of recording the digest seen. */
  readonly strict?: boolean;
  /** Download again even when the installed folder verifies. */
  readonly force?: boolean;
  /** Per-file time limit. */
  readonly timeoutMs?: number;
  readonly progress?: (line: string) => void;
}

export interface FetchedFile {
  readonly target: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly pinned: boolean;
}

export interface FetchResult {
  readonly id: string;
  readonly dir: string;
  readonly status: 'installed' | 'already-installed';
  readonly files: readonly FetchedFile[];
}

export const FETCH_MANIFEST = 'fetch-manifest.json';
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** Error codes Node's fetch (undici) reports when the host cannot be reached at all. */
const UNREACHABLE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export async function fetchModel(model: PinnedModel, options: FetchOptions): Promise<FetchResult> {
  const progress = options.progress ?? (() => undefined);
  const dir = path.join(options.modelsDir, model.id);
  const unpinned = model.files.filter((f) => f.sha256 === null).map((f) => f.source);
  if (options.strict && unpinned.length > 0)
    throw new EmbedError(
      'MODELS_FETCH_CHECKSUM',
      `--strict: ${model.id} has files without a pinned sha256 (${unpinned.join(', ')}). Pin them in apps/desktop/src/sidecar/knowledge/embed/models.ts or run without --strict.`,
    );
  if (!options.force) {
    const installed = await verifyInstalled(dir, model);
    if (installed !== undefined) {
      progress(`${model.id}: already installed and verified in ${dir}`);
      return { id: model.id, dir, status: 'already-installed', files: installed };
    }
  }

  await mkdir(options.modelsDir, { recursive: true });
  await removeLeftovers(options.modelsDir, model.id);
  const suffix = randomBytes(4).toString('hex');
  const staging = path.join(options.modelsDir, `.${model.id}.partial-${suffix}`);
  const retired = path.join(options.modelsDir, `.${model.id}.old-${suffix}`);
  try {
    const files: FetchedFile[] = [];
    for (const file of model.files) {
      const url = fileUrl(model, file, options.baseUrl ?? HUB_BASE_URL);
      progress(`${model.id}: downloading ${file.source}`);
      const dest = path.join(staging, file.target);
      await mkdir(path.dirname(dest), { recursive: true });
      const { sha256, bytes } = await download(url, dest, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      if (file.sha256 !== null && sha256 !== file.sha256)
        throw new EmbedError(
          'MODELS_FETCH_CHECKSUM',
          `${model.id}/${file.source}: sha256 ${sha256} is not the pinned ${file.sha256}. Nothing was installed. The download was corrupted or the pin is wrong; retry, and if it persists check the pin in models.ts.`,
        );
      if (file.sha256 === null)
        progress(
          `${model.id}: ${file.source} is not pinned; sha256 ${sha256} (recorded in ${FETCH_MANIFEST})`,
        );
      files.push({ target: file.target, sha256, bytes, pinned: file.sha256 !== null });
    }
    const manifest = {
      id: model.id,
      repo: model.repo,
      revision: model.revision,
      license: model.license,
      files,
    };
    await writeFile(path.join(staging, FETCH_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    // Swap: the old folder moves aside first, so `dir` is always either the old or the new model.
    const hadOld = await rename(dir, retired).then(
      () => true,
      () => false,
    );
    await rename(staging, dir);
    if (hadOld) await rm(retired, { recursive: true, force: true });
    progress(`${model.id}: installed in ${dir}`);
    return { id: model.id, dir, status: 'installed', files };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Staging/retired folders of a run that was killed before its cleanup could run. */
async function removeLeftovers(modelsDir: string, id: string): Promise<void> {
  const names = await readdir(modelsDir).catch(() => [] as string[]);
  for (const name of names)
    if (name.startsWith(`.${id}.partial-`) || name.startsWith(`.${id}.old-`))
      await rm(path.join(modelsDir, name), { recursive: true, force: true });
}

/** The installed files if `dir` holds this model exactly as a previous fetch recorded it. */
async function verifyInstalled(
  dir: string,
  model: PinnedModel,
): Promise<FetchedFile[] | undefined> {
  const text = await readFile(path.join(dir, FETCH_MANIFEST), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let recorded: { revision?: unknown; files?: unknown };
  try {
    recorded = JSON.parse(text) as typeof recorded;
  } catch {
    return undefined;
  }
  if (recorded.revision !== model.revision || !Array.isArray(recorded.files)) return undefined;
  const files = recorded.files as FetchedFile[];
  for (const pin of model.files) {
    const entry = files.find((f) => f.target === pin.target);
    if (entry === undefined || (pin.sha256 !== null && entry.sha256 !== pin.sha256))
      return undefined;
    const actual = await hashFile(path.join(dir, pin.target)).then(
      (h) => h.digest('hex'),
      () => undefined,
    );
    if (actual !== entry.sha256) return undefined;
  }
  return files;
}

async function download(
  url: string,
  dest: string,
  timeoutMs: number,
): Promise<{ sha256: string; bytes: number }> {
  const host = new URL(url).origin;
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw unreachable(host, error);
  }
  if (!response.ok || response.body === null)
    throw new EmbedError(
      'MODELS_FETCH_FAILED',
      `${url} answered HTTP ${response.status} ${response.statusText}. Check the model id and revision in models.ts.`,
    );
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      tap,
      createWriteStream(dest),
    );
  } catch (error) {
    throw new EmbedError(
      'MODELS_FETCH_FAILED',
      `Download of ${url} broke off after ${bytes} bytes (${messageOf(error)}). Nothing was installed; run models:fetch again.`,
      { cause: error },
    );
  }
  const expected = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(expected) && expected !== bytes)
    throw new EmbedError(
      'MODELS_FETCH_FAILED',
      `Download of ${url} ended after ${bytes} of ${expected} bytes. Nothing was installed; run models:fetch again.`,
    );
  return { sha256: hash.digest('hex'), bytes };
}

function unreachable(host: string, error: unknown): EmbedError {
  const code = errorCode(error);
  const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
  if (timedOut || (code !== undefined && UNREACHABLE_CODES.has(code)))
    return new EmbedError(
      'MODELS_FETCH_UNREACHABLE',
      `Cannot reach ${host} (${timedOut ? 'timed out' : code}): the network is unreachable from this machine. ` +
        `models:fetch is for packaging machines with access to the model hub: run it there, then copy resources/models/<id>/ here. ` +
        `Without it the app uses the bundled USE-lite encoder.`,
      { cause: error },
    );
  return new EmbedError('MODELS_FETCH_FAILED', `Request to ${host} failed: ${messageOf(error)}`, {
    cause: error,
  });
}

/** Node's fetch wraps the socket error: `TypeError('fetch failed', { cause: { code } })`. */
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
