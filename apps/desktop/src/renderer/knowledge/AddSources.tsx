import { useEffect, useState, type SyntheticEvent } from 'react';
import type { PickKind, VoiceAssistBridge } from '../../shared/bridge.js';
import type { RpcClient } from '../../shared/client.js';
import type { ErrorInfo } from '../../shared/errors.js';
import type { ProgressEvent } from '../../shared/knowledge.js';
import { baseName, formatEta } from './highlight.js';
import { preloadBridge } from '../transport.js';
import { ErrorNote, SLOW_CALL } from './ui.js';

type Picker = Pick<VoiceAssistBridge, 'pickPaths'>;

/** The preload's native open dialog; undefined in web mode (a plain browser has none). */
function nativePicker(): Picker | undefined {
  const bridge = preloadBridge(window);
  return typeof bridge?.pickPaths === 'function' ? bridge : undefined;
}

/**
 * Adding files and folders: the native dialog ("Add files…", "Add folder…") in Electron, a typed
 * path everywhere. Both start the same `knowledge.ingest` and share its progress, cancel and errors.
 */
export function AddSources({ client, onFinished }: { client: RpcClient; onFinished: () => void }) {
  const [picker] = useState(nativePicker);
  const [path, setPath] = useState('');
  const [progress, setProgress] = useState<ProgressEvent>();
  const [error, setError] = useState<ErrorInfo>();
  const [busy, setBusy] = useState(false);
  const [picking, setPicking] = useState(false);

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

  const ingest = (paths: readonly string[]): void => {
    if (paths.length === 0) return; // nothing typed, or the dialog was cancelled
    setError(undefined);
    setBusy(true);
    void client.call('knowledge.ingest', { paths: [...paths] }, SLOW_CALL).then((r) => {
      if (!r.ok) {
        setBusy(false);
        setError(r.error);
      }
    });
  };

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    ingest(
      path
        .split('\n')
        .map((p) => p.trim())
        .filter(Boolean),
    );
  };

  const pick = (kind: PickKind): void => {
    if (!picker) return;
    setPicking(true);
    void picker.pickPaths(kind).then((r) => {
      setPicking(false);
      if (r.ok) ingest(r.value);
      else setError(r.error);
    });
  };

  const running = busy || progress?.phase === 'scanning' || progress?.phase === 'ingesting';
  const total = progress?.filesTotal ?? 0;
  const done = (progress?.filesDone ?? 0) + (progress?.filesSkipped ?? 0);
  return (
    <section className="kb-card" aria-labelledby="kb-add-title">
      <h2 id="kb-add-title" className="kb-card__title">
        Add sources
      </h2>
      {picker && (
        <div className="kb-form__row kb-pick">
          <button
            type="button"
            className="kb-button"
            disabled={running || picking}
            onClick={() => pick('files')}
          >
            Add files…
          </button>
          <button
            type="button"
            className="kb-button"
            disabled={running || picking}
            onClick={() => pick('folder')}
          >
            Add folder…
          </button>
        </div>
      )}
      <form className="kb-form" onSubmit={submit}>
        <label htmlFor="kb-path">File or folder path on this computer</label>
        <div className="kb-form__row">
          <input
            id="kb-path"
            className="kb-input"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/home/me/guidelines"
            spellCheck={false}
            autoComplete="off"
            aria-describedby="kb-path-help"
          />
          <button className="kb-button" type="submit" disabled={running || !path.trim()}>
            Add
          </button>
        </div>
        <p id="kb-path-help" className="kb-help">
          PDF, Word, HTML, Markdown and text files. Folders are read with everything below them.
          {!picker &&
            ' In the browser there is no file dialog: type the full path of a file or folder.'}
        </p>
      </form>
      <ErrorNote error={error} />
      {progress && (
        <div className="kb-progress" role="status" aria-live="polite" data-testid="kb-progress">
          <progress
            max={Math.max(total, 1)}
            value={progress.phase === 'done' ? Math.max(total, 1) : done}
            aria-label="Ingestion progress"
          />
          <p className="kb-progress__text">
            {progress.phase === 'scanning' && 'Looking for files…'}
            {progress.phase === 'ingesting' &&
              `${done} of ${total} files · ${progress.chunksDone} chunks ${formatEta(progress.etaMs) ? `· ${formatEta(progress.etaMs)}` : ''}`}
            {progress.phase === 'done' &&
              `Done: ${progress.filesDone} of ${total} files added or up to date, ${progress.chunksDone} chunks.`}
            {progress.phase === 'cancelled' &&
              `Cancelled after ${done} of ${total} files; finished files stay.`}
            {progress.phase === 'failed' &&
              `Stopped: ${progress.error?.message ?? 'ingestion failed'}`}
          </p>
          {progress.currentFile && running && (
            <p className="kb-progress__file">Reading {baseName(progress.currentFile)}</p>
          )}
          {running && (
            <button
              type="button"
              className="kb-button kb-button--quiet"
              onClick={() => void client.call('knowledge.cancelIngest', {})}
            >
              Cancel
            </button>
          )}
        </div>
      )}
      {progress && progress.errors.length > 0 && (
        <div className="kb-file-errors">
          <h3 className="kb-subtitle">Files not added</h3>
          <ul>
            {progress.errors.map((e) => (
              <li key={e.path}>
                <span className="kb-path">{e.path}</span>: {e.reason}{' '}
                <span className="kb-code">({e.code})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
