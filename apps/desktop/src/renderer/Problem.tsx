import type { ErrorInfo } from '../shared/errors.js';
import { wordsFor, type Words } from './messages.js';

/**
 * An error or notice in words (messages.ts), the code behind "Details". Errors are announced
 * (role=alert) and drawn in red; notices are quiet (role=status). `inline`: a short line under a
 * form field or beside a file name rather than a banner.
 */
export function Problem({
  error,
  words,
  inline = false,
  testId,
}: {
  error?: ErrorInfo | undefined;
  words?: Words | undefined;
  inline?: boolean;
  testId?: string;
}) {
  const w = words ?? (error ? wordsFor(error) : undefined);
  if (!w) return null;
  const className = `problem problem--${w.tone}${inline ? ' problem--inline' : ''}`;
  return (
    <div
      className={className}
      role={w.tone === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      data-code={w.code}
    >
      <span className="problem__icon" aria-hidden="true" />
      <div className="problem__body">
        <p className="problem__text">{w.text}</p>
        <details className="problem__details">
          <summary>Details</summary>
          <p>
            Code <code>{w.code}</code>
            {w.detail ? <>: {w.detail}</> : null}
          </p>
        </details>
      </div>
    </div>
  );
}
