/**
 * Installs the pinned sherpa-onnx speech models (src/sidecar/speech/sherpa/catalog.ts) into
 * `<modelsDir>/<dir>/`, for packaging machines that reach the model hub. The release archive is
 * streamed to disk while hashed, refused unless it matches its pinned sha256, unpacked with the
 * system `tar` (bzip2) into a staging folder, checked for every file the runtime loads, and renamed
 * into place only then: a failed or interrupted run leaves the old model (or none), never half of
 * one. `fetch-manifest.json` records the archive digest and the digest of every loaded file.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { SpeechModel } from '../src/sidecar/speech/sherpa/catalog.js';

export const SPEECH_FETCH_MANIFEST = 'fetch-manifest.json';
const DEFAULT_TIMEOUT_MS = 20 * 60_000;

export interface SpeechFetchOptions {
  readonly modelsDir: string;
  readonly force?: boolean;
  readonly timeoutMs?: number;
  /** Replaces the archive URL's origin (tests serve archives from a local server). */
  readonly baseUrl?: string;
  readonly progress?: (line: string) => void;
  /** `tar` to unpack with (default: the one on PATH; bsdtar on Windows reads bzip2 too). */
  readonly tar?: string;
}

export interface SpeechFetchResult {
  readonly id: string;
  readonly dir: string;
  readonly status: 'installed' | 'already-installed';
  readonly archiveSha256: string;
}

interface Manifest {
  readonly id: string;
  readonly archiveUrl: string;
  readonly archiveSha256: string;
  readonly license: string;
  readonly files: Readonly<Record<string, string | null>>;
}

export class SpeechFetchError extends Error {
  override readonly name = 'SpeechFetchError';
}

function archiveUrl(model: SpeechModel, baseUrl: string | undefined): string {
  if (baseUrl === undefined) return model.archiveUrl;
  const url = new URL(model.archiveUrl);
  return `${baseUrl.replace(/\/$/, '')}${url.pathname}`;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Digest of every loaded file (null for folders such as espeak-ng-data). */
async function digestFiles(
  root: string,
  model: SpeechModel,
): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const rel of Object.values(model.files)) {
    const abs = path.join(root, rel);
    const info = await stat(abs).catch(() => undefined);
    if (info === undefined)
      throw new SpeechFetchError(
        `${model.id}: the archive has no ${rel}. Nothing was installed; the catalog entry in src/sidecar/speech/sherpa/catalog.ts does not match the release.`,
      );
    out[rel] = info.isDirectory() ? null : await sha256File(abs);
  }
  return out;
}

async function installedManifest(dir: string, model: SpeechModel): Promise<Manifest | undefined> {
  const text = await readFile(path.join(dir, SPEECH_FETCH_MANIFEST), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const manifest = JSON.parse(text) as Manifest;
    if (manifest.archiveSha256 !== model.archiveSha256) return undefined;
    for (const rel of Object.values(model.files))
      if ((await stat(path.join(dir, rel)).catch(() => undefined)) === undefined) return undefined;
    return manifest;
  } catch {
    return undefined;
  }
}

async function download(url: string, dest: string, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new SpeechFetchError(
      `Cannot reach ${new URL(url).origin} (${error instanceof Error ? error.message : String(error)}). models:fetch is for packaging machines that reach the model hub: run it there, then copy resources/models here.`,
      { cause: error },
    );
  }
  if (!response.ok || response.body === null)
    throw new SpeechFetchError(`${url} answered HTTP ${response.status}. Check the catalog URL.`);
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
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
    throw new SpeechFetchError(`Download of ${url} broke off. Nothing was installed; run again.`, {
      cause: error,
    });
  }
  return hash.digest('hex');
}

function untar(tar: string, archive: string, into: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tar, ['-xjf', archive, '-C', into, '--no-same-owner'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-1000)));
    child.on('error', (e) =>
      reject(new SpeechFetchError(`Could not run ${tar} to unpack the model.`, { cause: e })),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new SpeechFetchError(`${tar} could not unpack the archive: ${stderr.trim()}`)),
    );
  });
}

export async function fetchSpeechModel(
  model: SpeechModel,
  options: SpeechFetchOptions,
): Promise<SpeechFetchResult> {
  const progress = options.progress ?? (() => undefined);
  const dir = path.join(options.modelsDir, model.dir);
  if (!options.force && (await installedManifest(dir, model)) !== undefined) {
    progress(`${model.id}: already installed and pinned in ${dir}`);
    return { id: model.id, dir, status: 'already-installed', archiveSha256: model.archiveSha256 };
  }
  await mkdir(options.modelsDir, { recursive: true });
  for (const name of await readdir(options.modelsDir))
    if (name.startsWith(`.${model.dir}.partial-`) || name.startsWith(`.${model.dir}.old-`))
      await rm(path.join(options.modelsDir, name), { recursive: true, force: true });
  const suffix = randomBytes(4).toString('hex');
  const staging = path.join(options.modelsDir, `.${model.dir}.partial-${suffix}`);
  const retired = path.join(options.modelsDir, `.${model.dir}.old-${suffix}`);
  await mkdir(staging);
  try {
    const url = archiveUrl(model, options.baseUrl);
    const archive = path.join(staging, 'archive.tar.bz2');
    progress(`${model.id}: downloading ${url}`);
    const sha = await download(url, archive, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (sha !== model.archiveSha256)
      throw new SpeechFetchError(
        `${model.id}: the archive's sha256 is ${sha}, not the pinned ${model.archiveSha256}. Nothing was installed. Retry; if it persists the release changed and the pin must be reviewed.`,
      );
    progress(`${model.id}: sha256 verified; unpacking`);
    await untar(options.tar ?? 'tar', archive, staging);
    await rm(archive);
    const unpacked = path.join(staging, model.dir);
    const files = await digestFiles(unpacked, model);
    const manifest: Manifest = {
      id: model.id,
      archiveUrl: model.archiveUrl,
      archiveSha256: sha,
      license: model.license,
      files,
    };
    await writeFile(
      path.join(unpacked, SPEECH_FETCH_MANIFEST),
      `${JSON.stringify(manifest, null, 2)}\n`,
    );
    // The old folder moves aside first, so `dir` is always either the old or the new model.
    const hadOld = await rename(dir, retired).then(
      () => true,
      () => false,
    );
    await rename(unpacked, dir);
    if (hadOld) await rm(retired, { recursive: true, force: true });
    progress(`${model.id}: installed in ${dir}`);
    return { id: model.id, dir, status: 'installed', archiveSha256: sha };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
