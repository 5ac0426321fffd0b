import type { ErrorInfo } from '../../shared/errors.js';

/** Opening the store may first load the embedding model: allow it more than the default timeout. */
export const SLOW_CALL = { timeoutMs: 120_000 };

export function ErrorNote({ error }: { error: ErrorInfo | undefined }) {
  if (!error) return null;
  return (
    <p className="kb-error" role="alert">
      {error.message} <span className="kb-code">({error.code})</span>
    </p>
  );
}
