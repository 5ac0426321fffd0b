import { useEffect, useRef, useState, type DragEvent, type SyntheticEvent } from 'react';
import type { PickKind, VoiceAssistBridge } from '../../shared/bridge.js';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import { DOCUMENT_TYPES, type ProgressEvent } from '../../shared/knowledge.js';
import { wordsFor } from '../messages.js';
import { Problem } from '../Problem.js';
import { preloadBridge } from '../transport.js';
import { baseName, formatEta } from './highlight.js';
import { SLOW_CALL } from './ui.js';
import { uploadFiles } from './upload.js';

type Picker = Pick<VoiceAssistBridge, 'pickPaths'>;

/** The preload's native open dialog; undefined in web mode (a plain browser has none). */
function nativePicker(): Picker | undefined {
  const bridge = preloadBridge(window);
  return typeof bridge?.pickPaths === 'function' ? bridge : undefined;
}

const ACCEPT = DOCUMENT_TYPES.flatMap((t) => t.extensions.map((e) => `.${e}`)).join(',');

/** What a run reported, in numbers that never exceed the total. */
export function progressCounts(p: ProgressEvent): { done: number; total: number } {
  const total = Math.max(p.filesTotal, 0);
  return { done: Math.min(p.filesDone, total), total };
}

/**
 * Adding sources: drop files (or choose them: in a browser there is no path, so their content is
 * sent), the native dialogs in the desktop app, or a typed path. A path that does not exist is a
 * form error; a duplicate is information; progress counts files and never passes the total.
 */
export function AddSources({ client, onFinished }: { client: RpcClient; onFinished: () => void }) {
  const [picker] = useState(nativePicker);
  const [path, setPath] = useState('');
  const [progress, setProgress] = useState<ProgressEvent>();
  const [pathError, setPathError] = useState<ErrorInfo>();
  const [error, setError] = useState<ErrorInfo>();
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [sending, setSending] = useState<string>();
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(
    () =>
      client.on('knowledge.progress', (p) => {
        setProgress(p);
        if (p.phase === 'done' || p.phase === 'cancelled' || p.phase === 'failed') {
          setBusy(false);
          onFinished();
        }
      }),
    [client, onFinished],
  );

  const running = busy || progress?.phase === 'scanning' || progress?.phase === 'ingesting';

  const ingest = (paths: readonly string[], fromField: boolean): void => {
    if (paths.length === 0) return; // nothing typed, or the dialog was cancelled
    setError(undefined);
    setPathError(undefined);
    setBusy(true);
    void client.call('knowledge.ingest', { paths: [...paths] }, SLOW_CALL).then((r) => {
      if (r.ok) {
        if (fromField) setPath('');
        return;
      }
      setBusy(false);
      const pathProblem =
        r.error.code === 'KB_PATH_NOT_FOUND' || r.error.code === 'KB_PATH_INVALID';
      if (fromField && pathProblem) setPathError(r.error);
      else setError(r.error);
    });
  };

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const paths = path
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    if (paths.length === 0) {
      setPathError({ code: 'KB_PATH_INVALID', message: 'Type a path first.' });
      return;
    }
    ingest(paths, true);
  };

  const send = (files: readonly File[]): void => {
    if (files.length === 0 || running) return;
    setError(undefined);
    setBusy(true);
    void uploadFiles(client, files, (name) => setSending(name)).then((problem) => {
      setSending(undefined);
      if (problem) {
        setBusy(false);
        setError(problem);
      }
    });
  };

  const onDrop = (e: DragEvent<HTMLDivElement>): void => {
    e.preventDefault();
    setDragging(false);
    send([...e.dataTransfer.files]);
  };

  const pick = (kind: PickKind): void => {
    if (!picker) return;
    void picker.pickPaths(kind).then((r) => {
      if (r.ok) ingest(r.value, false);
      else setError(r.error);
    });
  };

  const counts = progress && progressCounts(progress);
  const duplicates = progress?.errors.filter((e) => e.code === 'INGEST_DUPLICATE') ?? [];
  const failures = progress?.errors.filter((e) => e.code !== 'INGEST_DUPLICATE') ?? [];
  return (
    <div className="kb-add" aria-label="Add sources" role="group">
      <div
        className={`kb-drop${dragging ? ' kb-drop--over' : ''}`}
        data-testid="kb-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className="kb-drop__text">
          <strong>Drop files here</strong> to add them, or
        </p>
        <div className="kb-drop__buttons">
          {picker ? (
            <>
              <button
                type="button"
                className="button"
                disabled={running}
                onClick={() => pick('files')}
              >
                Add files…
              </button>
              <button
                type="button"
                className="button"
                disabled={running}
                onClick={() => pick('folder')}
              >
                Add folder…
              </button>
            </>
          ) : (
            <button
              type="button"
              className="button"
              disabled={running}
              onClick={() => fileInput.current?.click()}
            >
              Choose files…
            </button>
          )}
        </div>
        <input
          ref={fileInput}
          type="file"
          multiple
          accept={ACCEPT}
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Choose files to add"
          data-testid="kb-file-input"
          onChange={(e) => {
            send([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <p className="kb-help">PDF, Word, HTML, Markdown and text files.</p>
      </div>
      <form className="kb-path-form" onSubmit={submit} noValidate>
        <label htmlFor="kb-path">Or add a file or folder by its path on this computer</label>
        <div className="kb-form__row">
          <input
            id="kb-path"
            className="input"
            value={path}
            onChange={(e) => {
              setPath(e.target.value);
              setPathError(undefined);
            }}
            placeholder="/home/me/guidelines"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={pathError ? 'true' : undefined}
            aria-describedby={pathError ? 'kb-path-error' : undefined}
          />
          <button className="button" type="submit" disabled={running}>
            Add
          </button>
        </div>
        {pathError && (
          <p id="kb-path-error" className="field-error" role="alert" data-testid="kb-path-error">
            {wordsFor(pathError).text}
          </p>
        )}
      </form>
      <Problem error={error} />
      {sending && (
        <p className="kb-help" role="status">
          Sending {sending}…
        </p>
      )}
      {progress && counts && (
        <div className="kb-progress" role="status" aria-live="polite" data-testid="kb-progress">
          <progress
            max={Math.max(counts.total, 1)}
            value={progress.phase === 'done' ? Math.max(counts.total, 1) : counts.done}
            aria-label="Adding sources"
          />
          <p className="kb-progress__text">
            {progress.phase === 'scanning' && 'Looking for files…'}
            {progress.phase === 'ingesting' &&
              `${counts.done} of ${counts.total} files${formatEta(progress.etaMs) ? ` · ${formatEta(progress.etaMs)}` : ''}`}
            {progress.phase === 'done' &&
              `Done: ${counts.total - failures.length - duplicates.length} of ${counts.total} ${counts.total === 1 ? 'file' : 'files'} added or up to date${duplicates.length ? `, ${duplicates.length} already there` : ''}.`}
            {progress.phase === 'cancelled' &&
              `Cancelled after ${counts.done} of ${counts.total} files; the files finished so far were kept.`}
            {progress.phase === 'failed' &&
              (progress.error ? wordsFor(progress.error).text : 'Adding sources stopped.')}
          </p>
          {progress.currentFile && running && (
            <p className="kb-progress__file">Reading {baseName(progress.currentFile)}</p>
          )}
          {running && (
            <button
              type="button"
              className="button button--small button--quiet"
              onClick={() => void client.call('knowledge.cancelIngest', {})}
            >
              Cancel
            </button>
          )}
        </div>
      )}
      {duplicates.length > 0 && (
        <Problem
          testId="kb-duplicates"
          words={{
            tone: 'notice',
            code: 'INGEST_DUPLICATE',
            text: `${duplicates.length} ${duplicates.length === 1 ? 'file is' : 'files are'} already in your sources under another name, so ${duplicates.length === 1 ? 'it was' : 'they were'} not added twice.`,
            detail: duplicates.map((d) => `${baseName(d.path)}: ${d.reason}`).join('; '),
          }}
        />
      )}
      {failures.length > 0 && (
        <div className="kb-file-errors">
          <h3 className="kb-subtitle">Files not added</h3>
          <ul>
            {failures.map((e) => (
              <li key={e.path}>
                <span className="kb-path">{e.path}</span>
                <Problem inline error={{ code: e.code, message: e.reason }} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
