import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SpeechError } from './errors.js';
import { Pcm16Aligner } from './pcm.js';
import { HELPER_SOURCE } from './pocketsphinx-helper.js';
import {
  needsConfirmation,
  SPEECH_SAMPLE_RATE,
  type FinalTranscript,
  type RecognitionOptions,
  type RecognitionSession,
  type SpeechRecogniser,
} from './types.js';

/** Debian `pocketsphinx-en-us` (CMU Sphinx US English, BSD-2-Clause). */
export const DEBIAN_POCKETSPHINX_MODEL = '/usr/share/pocketsphinx/model/en-us';
/** Debian's interpreter: the `python3` first on PATH may be another one without the bindings. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

export interface PocketsphinxOptions {
  /** Folder with `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`. */
  readonly modelDir?: string;
  readonly python?: string;
  /** Helper start-up (loading the 27 MB language model), ms. */
  readonly readyTimeoutMs?: number;
  /**
   * Key-up → final, ms, on top of 2 s per second of audio not yet decoded: under load the decoder
   * can fall behind real time, and finalize waits for it to catch up.
   */
  readonly finalizeTimeoutMs?: number;
  readonly log?: (message: string) => void;
  /**
   * Decoder settings (pocketsphinx flags). Default: POCKETSPHINX_FAST. `{}` keeps the model's own
   * settings (more accurate on paper, about three times the CPU).
   */
  readonly decoderArgs?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * A narrower search than the model's defaults (fewer active HMMs per frame, phone-loop lookahead,
 * top-2 Gaussians, no second flat pass). Shipped as the default: on ../shared/data/speech it takes
 * about a third of the CPU time (0.35–0.43 vs 0.96–1.11 CPU seconds per audio second in two runs
 * of bench/voice/wer.ts) at a word error rate a few words worse on those 111 words (0.69 vs 0.65,
 * the same in both runs): the defaults cannot keep up with real time on a busy 2-core
 * machine, and a transcript that arrives seconds after key-up is worse than a slightly rougher one
 * that the clinician confirms anyway.
 */
export const POCKETSPHINX_FAST: Readonly<Record<string, number | boolean>> = {
  '-maxhmmpf': 3000,
  '-pl_window': 10,
  '-topn': 2,
  '-fwdflat': false,
};

interface ModelFiles {
  readonly hmm: string;
  readonly lm: string;
  readonly dict: string;
}

function modelFiles(dir: string): ModelFiles {
  return {
    hmm: path.join(dir, 'en-us'),
    lm: path.join(dir, 'en-us.lm.bin'),
    dict: path.join(dir, 'cmudict-en-us.dict'),
  };
}

/** Why pocketsphinx cannot run here, or undefined when it can (cheap: no process is started). */
export function pocketsphinxUnavailable(options: PocketsphinxOptions = {}): string | undefined {
  const files = modelFiles(options.modelDir ?? DEBIAN_POCKETSPHINX_MODEL);
  const python = options.python ?? DEBIAN_PYTHON;
  if (!existsSync(python)) return `${python} is missing (Debian package python3)`;
  for (const f of [files.hmm, files.lm, files.dict])
    if (!existsSync(f)) return `${f} is missing (Debian package pocketsphinx-en-us)`;
  const probe = spawnSync(python, ['-c', 'import pocketsphinx'], { timeout: 10_000 });
  if (probe.status !== 0)
    return 'the pocketsphinx Python module is missing (Debian package python3-pocketsphinx)';
  return undefined;
}

type HelperEvent =
  | { t: 'ready' }
  | { t: 'interim' | 'segment'; s: number; text: string }
  | { t: 'final'; s: number; text: string; conf: number | null; seconds: number }
  | { t: 'error'; s: number | null; message: string };

interface Helper {
  readonly child: ChildProcessWithoutNullStreams;
  readonly ready: Promise<void>;
  exited: boolean;
}

interface SessionHooks {
  onEvent(event: HelperEvent): void;
  onExit(reason: string): void;
}

/**
 * CMU pocketsphinx through Debian's Python bindings, one long-lived helper process (see
 * pocketsphinx-helper.ts for why). "Basic accuracy": every transcript needs confirmation.
 */
export class PocketsphinxRecogniser implements SpeechRecogniser {
  readonly id = 'pocketsphinx' as const;
  readonly accuracy = 'basic' as const;
  readonly label = 'pocketsphinx (basic accuracy)';
  private helper: Helper | undefined;
  private active: SessionHooks | undefined;
  private sessionSeq = 0;
  private closed = false;

  private constructor(
    private readonly options: PocketsphinxOptions,
    private readonly files: ModelFiles,
  ) {}

  /** Starts the helper and waits until its model is loaded. */
  static async load(options: PocketsphinxOptions = {}): Promise<PocketsphinxRecogniser> {
    const why = pocketsphinxUnavailable(options);
    if (why !== undefined) throw new SpeechError('SPEECH_BACKEND_MISSING', `pocketsphinx: ${why}.`);
    const r = new PocketsphinxRecogniser(
      options,
      modelFiles(options.modelDir ?? DEBIAN_POCKETSPHINX_MODEL),
    );
    await r.ensureHelper().ready;
    return r;
  }

  private ensureHelper(): Helper {
    if (this.helper && !this.helper.exited) return this.helper;
    const child = spawn(
      this.options.python ?? DEBIAN_PYTHON,
      [
        '-c',
        HELPER_SOURCE,
        this.files.hmm,
        this.files.lm,
        this.files.dict,
        JSON.stringify(this.options.decoderArgs ?? POCKETSPHINX_FAST),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    );
    let stderrTail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderrTail = (stderrTail + d).slice(-2000)));
    child.stdin.on('error', () => undefined); // the exit handler reports it
    let markReady = (): void => undefined;
    let failReady = (_err: Error): void => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    const timeoutMs = this.options.readyTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      failReady(
        new SpeechError('SPEECH_TIMEOUT', `pocketsphinx did not start in ${timeoutMs} ms.`),
      );
      child.kill('SIGKILL');
    }, timeoutMs);
    const helper: Helper = { child, ready, exited: false };
    createInterface({ input: child.stdout }).on('line', (line) => {
      let event: HelperEvent;
      try {
        event = JSON.parse(line) as HelperEvent;
      } catch {
        return; // not ours (a library printing to stdout)
      }
      if (event.t === 'ready') {
        clearTimeout(timer);
        markReady();
        return;
      }
      this.active?.onEvent(event);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      helper.exited = true;
      const reason = `pocketsphinx helper exited (${signal ?? `code ${code}`})`;
      if (!this.closed)
        this.options.log?.(`${reason}: ${stderrTail.trim().split('\n').pop() ?? ''}`);
      failReady(new SpeechError('SPEECH_BACKEND_FAILED', `${reason}.`));
      if (this.helper === helper) this.active?.onExit(reason); // not a helper already replaced
    });
    ready.catch(() => undefined); // observed by whoever awaits it
    this.helper = helper;
    return helper;
  }

  private write(
    kind: 'S' | 'A' | 'F' | 'C',
    payload: Uint8Array = new Uint8Array(0),
  ): Promise<void> {
    const helper = this.helper;
    if (!helper || helper.exited) return Promise.resolve();
    const frame = Buffer.alloc(5 + payload.byteLength);
    frame.write(kind, 0, 'ascii');
    frame.writeUInt32LE(payload.byteLength, 1);
    frame.set(payload, 5);
    return new Promise((resolve) => helper.child.stdin.write(frame, () => resolve()));
  }

  open(options: RecognitionOptions = {}): RecognitionSession {
    if (this.closed) throw new SpeechError('SPEECH_BACKEND_FAILED', 'The recogniser was closed.');
    if (this.active) throw new SpeechError('SPEECH_SESSION_BUSY');
    this.ensureHelper();
    const sid = ++this.sessionSeq;
    const aligner = new Pcm16Aligner();
    const settled: string[] = [];
    let interim = '';
    let bytes = 0;
    let failure: Error | undefined;
    let done = false;
    let finalizeStarted = false;
    let markFinalizeSent = (): void => undefined;
    const finalizeSentPromise = new Promise<void>((r) => (markFinalizeSent = r));
    let waiter:
      | { resolve: (t: FinalTranscript) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
      | undefined;
    const soFar = (): string => [...settled, interim].filter((t) => t !== '').join(' ');

    const end = (): void => {
      done = true;
      markFinalizeSent();
      if (this.active === hooks) this.active = undefined;
      options.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: Error): void => {
      if (done) return;
      failure = err;
      if (waiter) {
        clearTimeout(waiter.timer);
        waiter.reject(err);
        waiter = undefined;
      }
      end();
      options.onError?.(err);
    };
    const hooks: SessionHooks = {
      onEvent: (event) => {
        if (done || !('s' in event) || event.s !== sid) return; // a cancelled session's stragglers
        switch (event.t) {
          case 'interim':
            interim = event.text;
            options.onTranscript?.(soFar(), false);
            break;
          case 'segment':
            settled.push(event.text);
            interim = '';
            options.onTranscript?.(soFar(), false);
            break;
          case 'final': {
            const text = event.text.trim();
            const confidence = event.conf ?? undefined;
            const result: FinalTranscript = {
              text,
              confidence,
              needsConfirmation: needsConfirmation(this.accuracy, confidence, text),
              recogniser: this.id,
              accuracy: this.accuracy,
              audioSeconds: event.seconds,
            };
            settled.splice(0, settled.length, text);
            interim = '';
            options.onTranscript?.(text, true);
            if (waiter) {
              clearTimeout(waiter.timer);
              waiter.resolve(result);
              waiter = undefined;
            }
            end();
            break;
          }
          case 'error':
            fail(new SpeechError('SPEECH_BACKEND_FAILED', `pocketsphinx: ${event.message}.`));
            break;
        }
      },
      onExit: (reason) => fail(new SpeechError('SPEECH_BACKEND_FAILED', `${reason}.`)),
    };
    const onAbort = (): void => {
      if (done) return;
      void this.write('C');
      fail(new SpeechError('SPEECH_ABORTED'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.active = hooks;
    void this.write('S', Buffer.from(String(sid), 'ascii'));

    return {
      send: (pcm) => {
        if (done || finalizeStarted) return;
        const whole = aligner.push(pcm);
        if (whole.byteLength === 0) return;
        bytes += whole.byteLength;
        void this.write('A', whole);
      },
      finalize: () => {
        if (failure) return Promise.reject(failure);
        if (done) return Promise.reject(new SpeechError('SPEECH_ABORTED'));
        if (finalizeStarted) return Promise.reject(new SpeechError('SPEECH_SESSION_BUSY'));
        finalizeStarted = true;
        const seconds = bytes / 2 / SPEECH_SAMPLE_RATE;
        const timeoutMs = (this.options.finalizeTimeoutMs ?? 5_000) + seconds * 2_000;
        return new Promise<FinalTranscript>((resolve, reject) => {
          const timer = setTimeout(() => {
            waiter = undefined;
            void this.write('C');
            fail(new SpeechError('SPEECH_TIMEOUT'));
            reject(failure ?? new SpeechError('SPEECH_TIMEOUT'));
          }, timeoutMs);
          waiter = { resolve, reject, timer };
          void this.write('F').then(markFinalizeSent);
        });
      },
      finalizeSent: () => finalizeSentPromise,
      transcriptSoFar: soFar,
      get failure() {
        return failure;
      },
      close: () => {
        if (done) return;
        void this.write('C');
        if (waiter) {
          clearTimeout(waiter.timer);
          waiter.reject(new SpeechError('SPEECH_ABORTED'));
          waiter = undefined;
        }
        end();
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.active?.onExit('the recogniser was closed');
    const helper = this.helper;
    this.helper = undefined;
    if (!helper || helper.exited) return;
    const exited = new Promise<void>((r) => helper.child.once('exit', () => r()));
    helper.child.stdin.end();
    const timer = setTimeout(() => helper.child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  }
}
