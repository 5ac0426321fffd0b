import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FETCH_MANIFEST, fetchModel } from './fetch-models.js';
import type { PinnedModel } from './models.js';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const WEIGHTS = Buffer.alloc(200_000, 7);
const TOKENIZER = '{"model":{"type":"WordPiece"}}';
const REVISION = 'a'.repeat(40);

/**
 * A local stand-in for the hub's `/<repo>/resolve/<revision>/<path>` URLs on an ephemeral loopback
 * port. `mode` lets a test make it misbehave.
 */
let mode: 'ok' | 'corrupt' | 'cut' | '404' = 'ok';
let server: Server;
let baseUrl: string;

function model(overrides: Partial<PinnedModel> = {}): PinnedModel {
  return {
    id: 'stand-in-model',
    repo: 'org/stand-in-model',
    revision: REVISION,
    dimension: 8,
    license: 'Apache-2.0',
    files: [
      { source: 'onnx/model.onnx', target: 'model.onnx', sha256: sha(WEIGHTS) },
      { source: 'tokenizer.json', target: 'tokenizer.json', sha256: null },
      { source: '1_Pooling/config.json', target: '1_Pooling/config.json', sha256: sha('{}') },
    ],
    ...overrides,
  };
}

describe('fetchModel (against a loopback stand-in for the model hub)', () => {
  let modelsDir: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const prefix = `/org/stand-in-model/resolve/${REVISION}/`;
      const file = req.url?.startsWith(prefix) ? req.url.slice(prefix.length) : '';
      const body =
        file === 'onnx/model.onnx'
          ? WEIGHTS
          : file === 'tokenizer.json'
            ? Buffer.from(TOKENIZER)
            : file === '1_Pooling/config.json'
              ? Buffer.from('{}')
              : undefined;
      if (mode === '404' || body === undefined) {
        res.writeHead(404).end('not found');
        return;
      }
      if (mode === 'cut' && file === 'onnx/model.onnx') {
        res.writeHead(200, { 'content-length': String(body.length) });
        res.write(body.subarray(0, 1000), () => res.destroy());
        return;
      }
      const sent =
        mode === 'corrupt' && file === 'onnx/model.onnx'
          ? Buffer.concat([body, Buffer.from('x')])
          : body;
      res.writeHead(200, { 'content-length': String(sent.length) }).end(sent);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(async () => {
    mode = 'ok';
    modelsDir = await mkdtemp(path.join(os.tmpdir(), 'va-models-fetch-'));
    return () => rm(modelsDir, { recursive: true, force: true });
  });

  it('installs every file, verified, with a manifest recording each digest', async () => {
    const lines: string[] = [];
    const result = await fetchModel(model(), {
      modelsDir,
      baseUrl,
      progress: (l) => lines.push(l),
    });
    expect(result.status).toBe('installed');
    const dir = path.join(modelsDir, 'stand-in-model');
    expect(await readFile(path.join(dir, 'model.onnx'))).toEqual(WEIGHTS);
    expect(await readFile(path.join(dir, '1_Pooling', 'config.json'), 'utf8')).toBe('{}');
    const manifest = JSON.parse(await readFile(path.join(dir, FETCH_MANIFEST), 'utf8')) as {
      files: { target: string; sha256: string; pinned: boolean }[];
    };
    expect(manifest.files).toContainEqual(
      expect.objectContaining({ target: 'tokenizer.json', sha256: sha(TOKENIZER), pinned: false }),
    );
    expect(lines.join('\n')).toMatch(/tokenizer\.json is not pinned; sha256 [0-9a-f]{64}/);
    expect(await readdir(modelsDir)).toEqual(['stand-in-model']); // no staging left behind

    const again = await fetchModel(model(), { modelsDir, baseUrl });
    expect(again.status).toBe('already-installed');
  });

  it('removes the staging folder a killed run left behind', async () => {
    await mkdir(path.join(modelsDir, '.stand-in-model.partial-deadbeef'), { recursive: true });
    await writeFile(path.join(modelsDir, '.stand-in-model.partial-deadbeef', 'model.onnx'), 'half');
    await fetchModel(model(), { modelsDir, baseUrl });
    expect(await readdir(modelsDir)).toEqual(['stand-in-model']);
  });

  it('refuses a file whose sha256 is not the pinned one and installs nothing', async () => {
    mode = 'corrupt';
    await expect(fetchModel(model(), { modelsDir, baseUrl })).rejects.toMatchObject({
      code: 'MODELS_FETCH_CHECKSUM',
    });
    expect(await readdir(modelsDir)).toEqual([]);
  });

  it('leaves no partial files when the download breaks off, and keeps a previous install intact', async () => {
    await fetchModel(model(), { modelsDir, baseUrl });
    const dir = path.join(modelsDir, 'stand-in-model');
    await writeFile(path.join(dir, 'marker'), 'old install');
    mode = 'cut';
    await expect(fetchModel(model(), { modelsDir, baseUrl, force: true })).rejects.toMatchObject({
      code: 'MODELS_FETCH_FAILED',
    });
    expect(await readdir(modelsDir)).toEqual(['stand-in-model']);
    expect(await readFile(path.join(dir, 'marker'), 'utf8')).toBe('old install');
    expect(await readFile(path.join(dir, 'model.onnx'))).toEqual(WEIGHTS);
  });

  it('replaces a tampered install on the next run', async () => {
    await fetchModel(model(), { modelsDir, baseUrl });
    const onnx = path.join(modelsDir, 'stand-in-model', 'model.onnx');
    await writeFile(onnx, 'tampered');
    const result = await fetchModel(model(), { modelsDir, baseUrl });
    expect(result.status).toBe('installed');
    expect(await readFile(onnx)).toEqual(WEIGHTS);
  });

  it('reports HTTP errors with the URL', async () => {
    mode = '404';
    await expect(fetchModel(model(), { modelsDir, baseUrl })).rejects.toMatchObject({
      code: 'MODELS_FETCH_FAILED',
      message: expect.stringMatching(/HTTP 404/) as unknown,
    });
    expect(await readdir(modelsDir)).toEqual([]);
  });

  it('says the network is unreachable when nothing listens, and leaves nothing behind', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(
      fetchModel(model(), { modelsDir, baseUrl: `http://127.0.0.1:${port}` }),
    ).rejects.toMatchObject({
      code: 'MODELS_FETCH_UNREACHABLE',
      message: expect.stringMatching(
        /Cannot reach .*ECONNREFUSED.*network is unreachable.*packaging machines/,
      ) as unknown,
    });
    expect(await readdir(modelsDir)).toEqual([]);
  });

  it('--strict refuses unpinned files before any download', async () => {
    await mkdir(modelsDir, { recursive: true });
    await expect(
      fetchModel(model(), { modelsDir, baseUrl: 'http://127.0.0.1:9', strict: true }),
    ).rejects.toMatchObject({
      code: 'MODELS_FETCH_CHECKSUM',
      message: expect.stringMatching(/tokenizer\.json/) as unknown,
    });
  });
});
