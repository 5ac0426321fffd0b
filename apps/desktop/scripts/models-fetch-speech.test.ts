import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpeechModel } from '../src/sidecar/speech/sherpa/catalog.js';
import { fetchSpeechModel, SPEECH_FETCH_MANIFEST } from './models-fetch-speech.js';

describe('models:fetch for speech models (a local server stands in for the release host)', () => {
  let work = '';
  let server: Server;
  let baseUrl = '';
  let model: SpeechModel;
  let requests = 0;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'voiceassist-speech-fetch-'));
    const src = path.join(work, 'src', 'fake-model');
    await mkdir(path.join(src, 'data'), { recursive: true });
    await writeFile(path.join(src, 'model.onnx'), 'not really onnx');
    await writeFile(path.join(src, 'tokens.txt'), 'a 0\n');
    await writeFile(path.join(src, 'data', 'phontab'), 'x');
    const archive = path.join(work, 'fake-model.tar.bz2');
    execFileSync('tar', ['-cjf', archive, '-C', path.join(work, 'src'), 'fake-model']);
    const bytes = readFileSync(archive);
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/releases/download/asr-models/fake-model.tar.bz2') res.end(bytes);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    model = {
      id: 'fake',
      kind: 'stt-offline',
      dir: 'fake-model',
      archiveUrl: 'https://releases.invalid/releases/download/asr-models/fake-model.tar.bz2',
      archiveSha256: createHash('sha256').update(bytes).digest('hex'),
      files: { model: 'model.onnx', tokens: 'tokens.txt', dataDir: 'data' },
      license: 'test',
      note: 'test',
    };
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(work, { recursive: true, force: true });
  });

  it('installs a verified archive with a manifest of every loaded file, then leaves it alone', async () => {
    const modelsDir = path.join(work, 'models-ok');
    const first = await fetchSpeechModel(model, { modelsDir, baseUrl });
    expect(first.status).toBe('installed');
    expect(await readFile(path.join(modelsDir, 'fake-model', 'tokens.txt'), 'utf8')).toBe('a 0\n');
    const manifest = JSON.parse(
      await readFile(path.join(modelsDir, 'fake-model', SPEECH_FETCH_MANIFEST), 'utf8'),
    ) as { archiveSha256: string; files: Record<string, string | null> };
    expect(manifest.archiveSha256).toBe(model.archiveSha256);
    expect(manifest.files['tokens.txt']).toBe(createHash('sha256').update('a 0\n').digest('hex'));
    expect(manifest.files.data).toBeNull();
    const before = requests;
    const second = await fetchSpeechModel(model, { modelsDir, baseUrl });
    expect(second.status).toBe('already-installed');
    expect(requests).toBe(before);
    expect((await readdir(modelsDir)).sort()).toEqual(['fake-model']); // no staging left
  });

  it('refuses an archive whose sha256 is not the pinned one and keeps the installed model', async () => {
    const modelsDir = path.join(work, 'models-pin');
    await fetchSpeechModel(model, { modelsDir, baseUrl });
    const tampered = { ...model, archiveSha256: '0'.repeat(64) };
    await expect(fetchSpeechModel(tampered, { modelsDir, baseUrl, force: true })).rejects.toThrow(
      /not the pinned/,
    );
    expect(await readFile(path.join(modelsDir, 'fake-model', 'model.onnx'), 'utf8')).toBe(
      'not really onnx',
    );
    expect(await readdir(modelsDir)).toEqual(['fake-model']);
  });

  it('refuses an archive that lacks a file the runtime loads', async () => {
    const modelsDir = path.join(work, 'models-missing');
    const wrong = { ...model, files: { ...model.files, joiner: 'joiner.onnx' } };
    await expect(fetchSpeechModel(wrong, { modelsDir, baseUrl })).rejects.toThrow(
      /no joiner\.onnx/,
    );
    expect(await readdir(modelsDir)).toEqual([]);
  });

  it('says it needs a machine that reaches the model hub when the host is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(
      fetchSpeechModel(model, {
        modelsDir: path.join(work, 'models-offline'),
        baseUrl: `http://127.0.0.1:${port}`,
      }),
    ).rejects.toThrow(/packaging machines that reach the model hub/);
  });
});
