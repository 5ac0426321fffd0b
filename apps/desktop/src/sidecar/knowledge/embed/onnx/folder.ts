import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EmbedError, messageOf } from '../errors.js';
import { POOLING_MODES, type PoolingMode } from './pooling.js';

/**
 * What a sentence-transformers model folder says about itself, read from the files the
 * sentence-transformers library writes (`modules.json`, `1_Pooling/config.json`,
 * `sentence_bert_config.json`, `tokenizer.json`, …). Hub ONNX exports keep the graph in
 * `onnx/model.onnx`; a folder-root `model.onnx` wins when both exist.
 */
export interface ModelFolder {
  readonly dir: string;
  /** Folder name: the model id users configure (e.g. `all-MiniLM-L6-v2`). */
  readonly name: string;
  readonly onnxPath: string;
  readonly tokenizerJson: object;
  readonly tokenizerConfig: object;
  readonly pooling: readonly PoolingMode[];
  /** Where `pooling` came from, for the log. */
  readonly poolingSource: string;
  readonly maxSeqLength: number;
  /** Whether the folder itself asks for L2 normalisation (a `Normalize` module). We always do. */
  readonly normalizeModule: boolean;
  /** A Dense (projection) module after pooling: only runnable if the graph already contains it. */
  readonly hasDenseModule: boolean;
  /** sha256 over model.onnx, tokenizer.json and the pooling/length settings: changes when output can. */
  readonly fingerprint: string;
}

const FALLBACK_MAX_SEQ = 512;

/** A folder counts as an ONNX sentence-transformers model when it has a graph and a tokenizer.json. */
export async function findOnnxPath(dir: string): Promise<string | undefined> {
  for (const candidate of [path.join(dir, 'model.onnx'), path.join(dir, 'onnx', 'model.onnx')]) {
    const s = await stat(candidate).catch(() => undefined);
    if (s?.isFile()) return candidate;
  }
  return undefined;
}

export async function isModelFolder(dir: string): Promise<boolean> {
  const tok = await stat(path.join(dir, 'tokenizer.json')).catch(() => undefined);
  return tok?.isFile() === true && (await findOnnxPath(dir)) !== undefined;
}

export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const name = path.basename(dir);
  const invalid = (what: string) =>
    new EmbedError(
      'EMBED_MODEL_INVALID',
      `Model folder "${name}" (${dir}) ${what}. Re-fetch it with \`npm run models:fetch -- ${name}\` or copy a complete sentence-transformers ONNX export there.`,
    );
  const onnxPath = await findOnnxPath(dir);
  if (onnxPath === undefined) throw invalid('has no model.onnx (nor onnx/model.onnx)');
  const tokenizerText = await readFile(path.join(dir, 'tokenizer.json'), 'utf8').catch(
    () => undefined,
  );
  if (tokenizerText === undefined) throw invalid('has no tokenizer.json');
  const tokenizerJson = parseJson(tokenizerText, () =>
    invalid('has a tokenizer.json that is not valid JSON'),
  );
  const tokenizerConfig = (await readJsonIfPresent(dir, 'tokenizer_config.json', invalid)) ?? {};
  const modules = await readJsonIfPresent(dir, 'modules.json', invalid);
  const moduleList = Array.isArray(modules) ? (modules as unknown[]).filter(isRecord) : [];
  const typeOf = (m: Record<string, unknown>) => (typeof m.type === 'string' ? m.type : '');
  const poolingModule = moduleList.find((m) => typeOf(m).endsWith('.Pooling'));
  const poolingDir =
    poolingModule !== undefined && typeof poolingModule.path === 'string'
      ? poolingModule.path
      : '1_Pooling';
  const poolingConfig = await readJsonIfPresent(dir, path.join(poolingDir, 'config.json'), invalid);
  let pooling: readonly PoolingMode[];
  let poolingSource: string;
  if (isRecord(poolingConfig)) {
    pooling = poolingModes(poolingConfig);
    if (pooling.length === 0)
      throw invalid(`has a ${poolingDir}/config.json with no pooling mode this loader knows`);
    poolingSource = `${poolingDir}/config.json`;
  } else {
    pooling = ['mean'];
    poolingSource = 'default (no pooling config in the folder)';
  }
  const bertConfig = await readJsonIfPresent(dir, 'sentence_bert_config.json', invalid);
  const modelConfig = await readJsonIfPresent(dir, 'config.json', invalid);
  const maxSeqLength =
    positiveInt(isRecord(bertConfig) ? bertConfig.max_seq_length : undefined) ??
    positiveInt(
      isRecord(tokenizerConfig) ? tokenizerConfig.model_max_length : undefined,
      100_000,
    ) ??
    Math.min(
      positiveInt(isRecord(modelConfig) ? modelConfig.max_position_embeddings : undefined) ??
        FALLBACK_MAX_SEQ,
      FALLBACK_MAX_SEQ,
    );
  const normalizeModule = moduleList.some((m) => typeOf(m).endsWith('.Normalize'));
  const hasDenseModule = moduleList.some((m) => typeOf(m).endsWith('.Dense'));

  const hash = createHash('sha256');
  await hashFile(onnxPath, hash).catch((error: unknown) => {
    throw invalid(`has an unreadable model.onnx (${messageOf(error)})`);
  });
  hash.update(tokenizerText);
  hash.update(JSON.stringify({ pooling, maxSeqLength }));
  return {
    dir,
    name,
    onnxPath,
    tokenizerJson: tokenizerJson as object,
    tokenizerConfig: isRecord(tokenizerConfig) ? tokenizerConfig : {},
    pooling,
    poolingSource,
    maxSeqLength,
    normalizeModule,
    hasDenseModule,
    fingerprint: hash.digest('hex'),
  };
}

function poolingModes(config: Record<string, unknown>): PoolingMode[] {
  if (typeof config.pooling_mode === 'string') {
    const m = config.pooling_mode.replace(/_tokens?$/, '');
    return (POOLING_MODES as readonly string[]).includes(m) ? [m as PoolingMode] : [];
  }
  const flags: Record<PoolingMode, string> = {
    cls: 'pooling_mode_cls_token',
    max: 'pooling_mode_max_tokens',
    mean: 'pooling_mode_mean_tokens',
    mean_sqrt_len: 'pooling_mode_mean_sqrt_len_tokens',
    weightedmean: 'pooling_mode_weightedmean_tokens',
    lasttoken: 'pooling_mode_lasttoken',
  };
  return POOLING_MODES.filter((m) => config[flags[m]] === true);
}

async function readJsonIfPresent(
  dir: string,
  file: string,
  invalid: (what: string) => EmbedError,
): Promise<unknown> {
  const text = await readFile(path.join(dir, file), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return parseJson(text, () => invalid(`has a ${file} that is not valid JSON`));
}

function parseJson(text: string, onError: () => EmbedError): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw onError();
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInt(v: unknown, below = Number.MAX_SAFE_INTEGER): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < below ? v : undefined;
}

export function hashFile(
  file: string,
  hash = createHash('sha256'),
): Promise<ReturnType<typeof createHash>> {
  return new Promise((resolve, reject) => {
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash));
  });
}
